"""Intake: an object arrived in the intake bucket. Decide what it is, register it, archive
the original or quarantine it, and hand it to the next stage. Idempotent: the document id
is derived from the S3 object version, so a re-delivered event finds its document."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from eakte.errors import ConflictError
from eakte.logic.inspection import Inspection, Rejection, inspect, media_type_of_declared
from eakte.models.document import (
    MESSAGE_MEDIA_TYPES,
    SCAN_MEDIA_TYPES,
    Document,
    DocumentStatus,
    RejectReason,
    StageMessage,
    Submission,
    SubmissionKind,
    utcnow,
)
from eakte.ports import ObjectRef, ObjectStore, Queue, RecordStore
from eakte.settings import (
    INCOMING_PREFIX,
    MAX_MESSAGE_BYTES,
    MAX_SCAN_BYTES,
    QUARANTINE_PREFIX,
    UPLOAD_GRACE_S,
    Stage,
)

INTAKE_FAILED = "intake_failed"
_DOCUMENT_NS = uuid.UUID("6f0c3a52-7f0e-4a55-9a43-3f4f2a3c9e10")


@dataclass(frozen=True)
class Buckets:
    intake: str
    archive: str


@dataclass(frozen=True)
class ArrivedObject:
    """An object the intake bucket reported (from the S3 event)."""

    bucket: str
    key: str
    size: int
    version_id: str | None
    sequencer: str | None
    event_time: datetime

    @property
    def document_id(self) -> str:
        # Same S3 object version -> same document: a re-delivered event is recognised.
        identity = f"{self.bucket}/{self.key}/{self.version_id or self.sequencer or ''}"
        return str(uuid.uuid5(_DOCUMENT_NS, identity))


@dataclass(frozen=True)
class UploadKey:
    tenant: str
    submission_id: str
    filename: str

    @staticmethod
    def build(tenant: str, submission_id: str, filename: str) -> str:
        return f"{INCOMING_PREFIX}{tenant}/{submission_id}/{filename}"

    @classmethod
    def parse(cls, key: str) -> UploadKey | None:
        if not key.startswith(INCOMING_PREFIX):
            return None
        parts = key[len(INCOMING_PREFIX):].split("/")
        if len(parts) != 3 or not all(parts):
            return None
        return cls(*parts)


def hand_on(queue: Queue, stage: Stage, doc: Document) -> None:
    """Send the document to the queue of `stage`, carrying its correlation id."""
    message = StageMessage(document_id=doc.document_id, correlation_id=doc.correlation_id)
    queue.send(stage, message.model_dump(by_alias=True))


def _failed_at_intake(doc: Document) -> bool:
    return doc.status is DocumentStatus.FAILED and doc.reason == INTAKE_FAILED


def max_bytes(kind: SubmissionKind) -> int:
    return MAX_SCAN_BYTES if kind is SubmissionKind.SCAN else MAX_MESSAGE_BYTES


def allowed_media_types(kind: SubmissionKind) -> frozenset:
    return SCAN_MEDIA_TYPES if kind is SubmissionKind.SCAN else MESSAGE_MEDIA_TYPES


def next_stage(kind: SubmissionKind) -> Stage:
    return Stage.OCR if kind is SubmissionKind.SCAN else Stage.EXCHANGE


class IntakeService:
    def __init__(self, records: RecordStore, objects: ObjectStore, queue: Queue, buckets: Buckets,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._records = records
        self._objects = objects
        self._queue = queue
        self._buckets = buckets
        self._clock = clock

    def receive(self, arrived: ArrivedObject, correlation_id: str | None = None) -> Document:
        existing = self._records.get_document(arrived.document_id)
        if existing is not None and not _failed_at_intake(existing):
            # Re-delivery. If we crashed between registering and handing on, hand on now.
            if existing.status is DocumentStatus.RECEIVED:
                self._hand_on(existing)
            return existing
        upload = UploadKey.parse(arrived.key)
        submission = self._records.get_submission(upload.submission_id) if upload else None
        doc = self._new_document(arrived, upload, submission, correlation_id)
        try:
            inspection, data = self._check(arrived, upload, submission)
        except Rejection as rejection:
            return self._reject(doc, rejection, existing)
        doc = doc.model_copy(update={"media_type": inspection.media_type, "pages": inspection.pages,
                                     "sha256": hashlib.sha256(data).hexdigest()})
        suffix = PurePosixPath(doc.filename).suffix.lower()
        archive_key = f"documents/{doc.document_id}/original{suffix}"
        # written from the bytes we checked (not copied): what is archived is what was inspected
        self._objects.put(ObjectRef(self._buckets.archive, archive_key), data, inspection.media_type.value,
                          metadata=self._provenance(doc))
        doc = doc.model_copy(update={"original_key": archive_key})
        if self._register(doc, existing):
            self._hand_on(doc)
            return doc
        return self._records.get_document(doc.document_id) or doc

    def fail(self, arrived: ArrivedObject, detail: str) -> Document:
        """The last attempt at this object failed (its event goes to the DLQ): register the
        document as FAILED, so the sender sees it and a redrive takes it up again."""
        existing = self._records.get_document(arrived.document_id)
        if existing is not None:
            return existing
        upload = UploadKey.parse(arrived.key)
        submission = self._records.get_submission(upload.submission_id) if upload else None
        failed = self._new_document(arrived, upload, submission, None).model_copy(update={
            "status": DocumentStatus.FAILED, "reason": INTAKE_FAILED, "reason_detail": detail[:500]})
        self._register(failed, None)
        return failed

    def _new_document(self, arrived: ArrivedObject, upload: UploadKey | None, submission: Submission | None,
                      correlation_id: str | None) -> Document:
        now = self._clock()
        return Document(
            document_id=arrived.document_id,
            submission_id=upload.submission_id if upload else "unknown",
            tenant=upload.tenant if upload else "unknown",
            kind=submission.kind if submission else SubmissionKind.SCAN,
            status=DocumentStatus.RECEIVED,
            filename=upload.filename if upload else PurePosixPath(arrived.key).name,
            size=arrived.size,
            source_bucket=arrived.bucket,
            source_key=arrived.key,
            source_version=arrived.version_id,
            # the submission id ties the upload request (API) to every stage's log lines
            correlation_id=upload.submission_id if upload else correlation_id,
            received_at=now,
            updated_at=now,
        )

    def _register(self, doc: Document, existing: Document | None) -> bool:
        """Insert the document, or replace the FAILED one a redriven event finds; False if lost a race."""
        if existing is None:
            return self._records.create_document(doc)
        try:
            self._records.save_document(doc, expected_status=DocumentStatus.FAILED)
        except ConflictError:
            return False
        return True

    # --- steps
    def _check(self, arrived: ArrivedObject, upload: UploadKey | None,
               submission: Submission | None) -> tuple[Inspection, bytes]:
        if upload is None or submission is None or submission.tenant != upload.tenant \
                or submission.object_key != arrived.key:
            raise Rejection(RejectReason.UNKNOWN_SUBMISSION,
                            "the object does not belong to a submission created through /api/uploads")
        if arrived.event_time > submission.expires_at + timedelta(seconds=UPLOAD_GRACE_S):
            raise Rejection(RejectReason.UPLOAD_EXPIRED,
                            f"uploaded at {arrived.event_time.isoformat()}, after the upload URL "
                            f"expired at {submission.expires_at.isoformat()}")
        if arrived.size == 0:
            raise Rejection(RejectReason.EMPTY, "the file has no content")
        limit = min(max_bytes(submission.kind), submission.declared_size)
        if arrived.size > limit:
            raise Rejection(RejectReason.TOO_LARGE,
                            f"{arrived.size} bytes; declared {submission.declared_size}, "
                            f"at most {max_bytes(submission.kind)} for a {submission.kind.value}")
        declared = media_type_of_declared(submission.content_type)
        if declared is None:  # the API refuses these already; kept for objects written otherwise
            raise Rejection(RejectReason.UNSUPPORTED_TYPE, f"declared type {submission.content_type!r}")
        data = self._objects.read(self._source(arrived), max_bytes=limit)
        if len(data) > limit:
            raise Rejection(RejectReason.TOO_LARGE, f"{len(data)} bytes")
        return inspect(data, declared, upload.filename, allowed_media_types(submission.kind)), data

    def _reject(self, doc: Document, rejection: Rejection, existing: Document | None = None) -> Document:
        # Never delete what was sent: the original goes to quarantine for the record.
        quarantine_key = (f"{QUARANTINE_PREFIX}{doc.tenant}/{doc.submission_id}/"
                          f"{doc.document_id}/{doc.filename}")
        self._objects.copy(ObjectRef(doc.source_bucket, doc.source_key, doc.source_version),
                           ObjectRef(self._buckets.intake, quarantine_key),
                           metadata={**self._provenance(doc), "reject-reason": rejection.reason.value})
        rejected = doc.model_copy(update={
            "status": DocumentStatus.REJECTED, "reason": rejection.reason.value,
            "reason_detail": rejection.detail, "original_key": quarantine_key,
        })
        if not self._register(rejected, existing):
            return self._records.get_document(doc.document_id) or rejected
        return rejected

    def _hand_on(self, doc: Document) -> None:
        hand_on(self._queue, next_stage(doc.kind), doc)

    @staticmethod
    def _source(arrived: ArrivedObject) -> ObjectRef:
        return ObjectRef(arrived.bucket, arrived.key, arrived.version_id)

    @staticmethod
    def _provenance(doc: Document) -> dict[str, str]:
        return {"document-id": doc.document_id, "submission-id": doc.submission_id, "tenant": doc.tenant}
