"""In-memory adapters of the ports, for fast unit tests of the domain (no network, no AWS)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from eakte.errors import ConflictError, NotFoundError, PermanentError
from eakte.logic.names import name_keys, normalise_reference
from eakte.logic.search import DossierNames, NameSearch, matches, rank_key
from eakte.logic.teams import dossier_team, inbox_team
from eakte.models.document import (
    AuditEvent,
    Document,
    DocumentStatus,
    Dossier,
    MediaType,
    Submission,
    utcnow,
)
from eakte.ports import (
    AuditTrail,
    DossierQuery,
    ObjectInfo,
    ObjectRef,
    ObjectStore,
    OcrEngine,
    OcrJob,
    OcrResult,
    PresignedPost,
    Queue,
    RecordStore,
)
from eakte.settings import Stage


@dataclass
class StoredObject:
    body: bytes
    content_type: str
    metadata: dict[str, str]


class MemoryObjectStore(ObjectStore):
    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], StoredObject] = {}

    def _get(self, ref: ObjectRef) -> StoredObject:
        try:
            return self.objects[(ref.bucket, ref.key)]
        except KeyError as e:
            raise NotFoundError(f"s3://{ref.bucket}/{ref.key}") from e

    def head(self, ref: ObjectRef) -> ObjectInfo:
        obj = self._get(ref)
        return ObjectInfo(size=len(obj.body), content_type=obj.content_type, last_modified=utcnow(),
                          metadata=obj.metadata)

    def read(self, ref: ObjectRef, max_bytes: int | None = None) -> bytes:
        body = self._get(ref).body
        if max_bytes is not None and len(body) > max_bytes:
            raise PermanentError(f"object larger than {max_bytes} bytes")
        return body

    def iter_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        body = self._get(ref).body
        for i in range(0, len(body), chunk_size):
            yield body[i:i + chunk_size]

    def put(self, ref: ObjectRef, body: bytes, content_type: str,
            metadata: Mapping[str, str] | None = None) -> None:
        self.objects[(ref.bucket, ref.key)] = StoredObject(body, content_type, dict(metadata or {}))

    def copy(self, source: ObjectRef, target: ObjectRef, metadata: Mapping[str, str] | None = None) -> None:
        obj = self._get(source)
        self.objects[(target.bucket, target.key)] = StoredObject(
            obj.body, obj.content_type, dict(metadata) if metadata is not None else dict(obj.metadata))

    def presign_post(self, ref: ObjectRef, content_type: str, max_bytes: int, expires_s: int,
                     metadata: Mapping[str, str]) -> PresignedPost:
        return PresignedPost(url=f"memory://{ref.bucket}", fields={"key": ref.key, "Content-Type": content_type,
                                                                   "max": str(max_bytes)})

    def presign_get(self, ref: ObjectRef, expires_s: int, filename: str | None = None) -> str:
        return f"memory://{ref.bucket}/{ref.key}"


@dataclass
class SentMessage:
    stage: Stage
    body: dict[str, Any]
    group_id: str | None = None


class MemoryQueue(Queue):
    def __init__(self) -> None:
        self.sent: list[SentMessage] = []
        self.delays: list[tuple[Stage, str, int]] = []

    def send(self, stage: Stage, body: Mapping[str, Any], group_id: str | None = None,
             dedup_id: str | None = None) -> str:
        self.sent.append(SentMessage(stage, dict(body), group_id))
        return str(len(self.sent))

    def delay_retry(self, stage: Stage, receipt_handle: str, seconds: int) -> None:
        self.delays.append((stage, receipt_handle, seconds))

    def waiting(self, stage: Stage) -> int:
        return sum(m.stage is stage for m in self.sent)

    def take(self, stage: Stage) -> list[dict[str, Any]]:
        taken = [m.body for m in self.sent if m.stage is stage]
        self.sent = [m for m in self.sent if m.stage is not stage]
        return taken


@dataclass
class MemoryRecordStore(RecordStore):
    submissions: dict[str, Submission] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _name_key_cache: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    addresses: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # dossier -> key -> shown

    def put_submission(self, submission: Submission) -> None:
        self.submissions[submission.submission_id] = submission

    def get_submission(self, submission_id: str) -> Submission | None:
        return self.submissions.get(submission_id)

    def list_submissions(self, tenant: str, limit: int = 50) -> list[Submission]:
        mine = [s for s in self.submissions.values() if s.tenant == tenant]
        return sorted(mine, key=lambda s: s.created_at, reverse=True)[:limit]

    def create_document(self, document: Document) -> bool:
        with self._lock:
            if document.document_id in self.documents:
                return False
            self.documents[document.document_id] = document
            return True

    def get_document(self, document_id: str) -> Document | None:
        return self.documents.get(document_id)

    def save_document(self, document: Document, expected_status: DocumentStatus | None) -> None:
        with self._lock:
            current = self.documents.get(document.document_id)
            if expected_status is not None and (current is None or current.status is not expected_status):
                raise ConflictError(f"document {document.document_id} is no longer {expected_status}")
            self.documents[document.document_id] = document

    def documents_of_submission(self, submission_id: str) -> list[Document]:
        return [d for d in self.documents.values() if d.submission_id == submission_id]

    def inbox(self, limit: int = 100, teams: frozenset[str] | None = None) -> list[Document]:
        return [d for d in self.documents.values() if d.status is DocumentStatus.NEEDS_REVIEW
                and (teams is None or inbox_team(d) in teams)][:limit]

    def documents_of_dossier(self, dossier_id: str) -> list[Document]:
        return [d for d in self.documents.values() if d.dossier_id == dossier_id]

    def create_dossier(self, dossier: Dossier) -> bool:
        with self._lock:
            if dossier.dossier_id in self.dossiers:
                return False
            self.dossiers[dossier.dossier_id] = dossier.model_copy(update={"version": 0})
            return True

    def save_dossier(self, dossier: Dossier, expected_version: int) -> Dossier:
        with self._lock:
            current = self.dossiers.get(dossier.dossier_id)
            if current is None or current.version != expected_version:
                raise ConflictError(f"dossier {dossier.dossier_id} is no longer at version {expected_version}")
            saved = dossier.model_copy(update={"version": expected_version + 1})
            self.dossiers[dossier.dossier_id] = saved
            return saved

    def get_dossier(self, dossier_id: str) -> Dossier | None:
        return self.dossiers.get(dossier_id)

    def add_dossier_address(self, dossier_id: str, key: str, address: str, source: str) -> None:
        self.addresses.setdefault(dossier_id, {}).setdefault(key, (address, source))

    def dossiers_at(self, key: str, limit: int) -> list[str]:
        return sorted(d for d, known in self.addresses.items() if key in known)[:limit]

    def dossier_addresses(self, dossier_id: str) -> list[tuple[str, str]]:
        return list(self.addresses.get(dossier_id, {}).values())

    def forget_dossier_addresses(self, dossier_id: str, source: str) -> list[str]:
        known = self.addresses.get(dossier_id, {})
        keys = [k for k, (_, src) in known.items() if src == source]
        for k in keys:
            del known[k]
        return keys

    def _name_keys(self, d: Dossier) -> set[str]:
        names = (d.surname, d.given_names)
        if names not in self._name_key_cache:
            self._name_key_cache[names] = set(name_keys(*names))
        return self._name_key_cache[names]

    def find_dossiers(self, query: DossierQuery) -> list[Dossier]:
        search = NameSearch.parse(query.name) if query.name else None

        def wanted(d: Dossier) -> bool:
            if search is not None and not matches(search, DossierNames.of(d.surname, d.given_names), d.birth_date):
                return False
            if query.birth_date and (d.birth_date is None or d.birth_date.isoformat() != query.birth_date):
                return False
            if query.reference:
                refs = {normalise_reference(v) for v in d.reference_numbers.values()}
                if normalise_reference(query.reference) not in refs:
                    return False
            if query.name_keys and not set(query.name_keys) & self._name_keys(d):
                return False
            if query.teams is not None and dossier_team(d) not in query.teams:
                return False
            return bool(query.name or query.birth_date or query.reference or query.name_keys)

        found = [d for d in self.dossiers.values() if wanted(d)]
        if search is not None:  # best match first (logic.search), as the DynamoDB store orders them
            return sorted(found, key=lambda d: rank_key(search, d.surname, d.given_names, d.dossier_id))[:query.limit]
        return sorted(found, key=lambda d: d.dossier_id)[:query.limit]


class ScriptedOcrEngine(OcrEngine):
    """Answers with prepared Textract-shaped responses, or with a job for async tests."""

    def __init__(self, responses: list[dict[str, Any]] | None = None, job_id: str | None = None) -> None:
        self.responses = responses or []
        self.job_id = job_id
        self.calls: list[tuple[ObjectRef, MediaType, str]] = []

    def recognize(self, ref: ObjectRef, media_type: MediaType, document_id: str) -> OcrResult | OcrJob:
        self.calls.append((ref, media_type, document_id))
        if self.job_id:
            return OcrJob(job_id=self.job_id, engine="scripted")
        return OcrResult(responses=self.responses, engine="scripted")

    def job_result(self, job_id: str) -> OcrResult:
        return OcrResult(responses=self.responses, engine="scripted")


class MemoryAuditTrail(AuditTrail):
    def __init__(self) -> None:
        self.recorded: list[AuditEvent] = []

    def record(self, event: AuditEvent) -> None:
        self.recorded.append(event)

    def events(self, dossier_id: str | None = None, limit: int = 200) -> list[AuditEvent]:
        chosen = [e for e in self.recorded if dossier_id is None or e.dossier_id == dossier_id]
        return sorted(chosen, key=lambda e: e.at, reverse=True)[:limit]
