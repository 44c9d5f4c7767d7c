"""What the API does, independent of API Gateway: uploads, submission status, documents,
inbox and dossier search, each with its role and tenant checks."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from eakte.auth import Principal
from eakte.errors import ConflictError, EakteError, ForbiddenError, NotFoundError
from eakte.logic.dossiers import update_dossier
from eakte.logic.identity import ahv_valid
from eakte.logic.inspection import media_type_of_declared, media_type_of_filename
from eakte.logic.intake import Buckets, UploadKey, allowed_media_types, max_bytes
from eakte.logic.learning import CORRECTED, forget_learnt_from, learn_from_document
from eakte.logic.names import normalise_reference
from eakte.logic.page_images import cached_page_image
from eakte.logic.teams import ScopedRecords, dossier_team, require_teamlead, scope_of
from eakte.models.api import (
    AuditEventView,
    ContentLink,
    CorrectionRequest,
    DocumentSummary,
    DocumentView,
    DossierChange,
    DossierList,
    DossierSummary,
    DossierView,
    KnownAddress,
    PageImageLink,
    SubmissionDocument,
    SubmissionState,
    SubmissionView,
    UploadForm,
    UploadRequest,
    UploadResponse,
)
from eakte.models.document import (
    AuditAction,
    AuditEvent,
    DeclaredPerson,
    Document,
    DocumentStatus,
    Dossier,
    Submission,
    SubmissionKind,
    utcnow,
)
from eakte.ports import AuditTrail, DossierQuery, ObjectRef, ObjectStore, RecordStore
from eakte.settings import MAX_FILENAME_CHARS, READER_GROUPS, TEAMS, UPLOAD_URL_TTL_S, UPLOADER_GROUPS

AUDITOR_GROUPS = frozenset({"auditor"})
CORRECTABLE = frozenset({DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW})

CONTENT_URL_TTL_S = 300
SEARCH_LIMIT = 25  # dossiers a person search lists (best first)


class BadRequestError(EakteError):
    """The client sent something we refuse; `code` is the stable error code of the API."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_filename(name: str) -> str:
    """A file name that is safe as the last part of an S3 key and in a download header:
    no directories, no control or bidi characters, no leading dots."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    base = PurePosixPath(name).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")  # control, format (bidi)
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base or base in {".", ".."}:
        raise BadRequestError("invalid_filename", "the file name is empty after removing unsafe characters")
    stem, suffix = PurePosixPath(base).stem, PurePosixPath(base).suffix
    return stem[: MAX_FILENAME_CHARS - len(suffix)] + suffix


_REFERENCE_DIGITS = {"zemisNumber": 8, "azrNumber": 12}  # ZEMIS personal number, German AZR number


def _checked_concerns(request: UploadRequest) -> DeclaredPerson | None:
    """The uploader's statement whom a scan is about: a reference number that is well-formed
    (the AHV number with its check digit), or surname and birth date."""
    concerns = request.concerns
    if concerns is None:
        return None
    if request.kind is not SubmissionKind.SCAN:
        raise BadRequestError("concerns_not_for_messages", "a message names its person itself; 'concerns' is "
                                                           "for scans")
    references = concerns.references()
    if not references and not (concerns.surname and concerns.birth_date):
        raise BadRequestError("concerns_incomplete", "'concerns' needs a reference number (ahvNumber, zemisNumber, "
                                                     "azrNumber) or surname and birthDate")
    if concerns.ahv_number and not ahv_valid(concerns.ahv_number):
        raise BadRequestError("invalid_ahv", f"{concerns.ahv_number!r} is not a valid AHV number "
                                             "(756.xxxx.xxxx.xx, EAN-13 check digit)")
    for name, digits in _REFERENCE_DIGITS.items():
        value = references.get(name)
        if value and not (normalise_reference(value).isdigit() and len(normalise_reference(value)) == digits):
            raise BadRequestError(f"invalid_{name.removesuffix('Number').lower()}",
                                  f"{value!r} is not a {name} ({digits} digits)")
    return concerns


def submission_state(submission: Submission, documents: list[Document], now: datetime) -> SubmissionState:
    if not documents:
        return "UPLOAD_EXPIRED" if now > submission.expires_at else "UPLOAD_PENDING"
    statuses = {d.status for d in documents}
    if not all(s.is_final for s in statuses):
        return "PROCESSING"
    for status in (DocumentStatus.FAILED, DocumentStatus.NEEDS_REVIEW):
        if status in statuses:
            return status.value  # type: ignore[return-value]
    if statuses == {DocumentStatus.REJECTED}:
        return "REJECTED"
    return "COMPLETED"


def _summary(doc: Document, reader: ScopedRecords) -> DocumentSummary:
    return DocumentSummary(document_id=doc.document_id, status=doc.status, filename=doc.filename,
                           document_type=doc.document_type, confidence=doc.confidence,
                           dossier_id=doc.dossier_id, received_at=doc.received_at, reason=doc.reason,
                           candidates=reader.candidates(doc.candidates))


def _dossier_summary(d: Dossier) -> DossierSummary:
    return DossierSummary(dossier_id=d.dossier_id, surname=d.surname, given_names=d.given_names,
                          birth_date=d.birth_date, nationality=d.nationality,
                          reference_numbers=d.reference_numbers, team=dossier_team(d))


class ApiService:
    def __init__(self, records: RecordStore, objects: ObjectStore, buckets: Buckets, audit: AuditTrail,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._records = records
        self._objects = objects
        self._buckets = buckets
        self._audit = audit
        self._clock = clock

    def _record(self, principal: Principal, action: AuditAction, target_id: str, dossier_id: str | None,
                reason: str | None = None, **details: object) -> None:
        self._audit.record(AuditEvent(
            event_id=str(uuid.uuid4()), at=self._clock(), actor=principal.subject,
            actor_groups=sorted(principal.groups), action=action, target_id=target_id, dossier_id=dossier_id,
            source_ip=principal.source_ip, reason=reason, details=details,
        ))

    # --- checks
    @staticmethod
    def _require(principal: Principal, groups: frozenset[str], what: str) -> None:
        if not principal.in_any(groups):
            raise ForbiddenError(f"{what} needs one of the roles {', '.join(sorted(groups))}")

    def _reader(self, principal: Principal) -> ScopedRecords:
        """Every read of documents and dossiers goes through this: limited to the principal's teams."""
        return ScopedRecords(self._records, scope_of(principal))

    def _visible_submission(self, principal: Principal, submission_id: str) -> tuple[Submission, list[Document]]:
        self._require(principal, UPLOADER_GROUPS | READER_GROUPS, "reading a submission")
        submission = self._records.get_submission(submission_id)
        # a sender asking for another sender's submission learns nothing, not even that it exists
        if submission is None or (not principal.in_any(READER_GROUPS) and submission.tenant != principal.tenant):
            raise NotFoundError(f"submission {submission_id} not found")
        if not principal.in_any(READER_GROUPS):
            return submission, self._records.documents_of_submission(submission_id)
        reader = self._reader(principal)
        documents = reader.documents_of_submission(submission_id)
        if not reader.visible_submission(submission, documents):
            raise NotFoundError(f"submission {submission_id} not found")
        return submission, documents

    # --- uploads and submissions
    def create_upload(self, principal: Principal, request: UploadRequest) -> UploadResponse:
        self._require(principal, UPLOADER_GROUPS, "uploading")
        if not principal.tenant:
            raise ForbiddenError("the token names no municipality or unit to upload for")
        filename = safe_filename(request.filename)
        declared = media_type_of_declared(request.content_type)
        if declared is None or declared not in allowed_media_types(request.kind):
            allowed = ", ".join(sorted(m.value for m in allowed_media_types(request.kind)))
            raise BadRequestError("unsupported_type",
                                  f"{request.content_type!r} is not accepted for a {request.kind.value}; "
                                  f"accepted: {allowed}")
        if media_type_of_filename(filename) is not declared:
            raise BadRequestError("type_mismatch",
                                  f"the file name {filename!r} does not fit the type {request.content_type}")
        if request.size <= 0:
            raise BadRequestError("empty", "the file is empty")
        limit = max_bytes(request.kind)
        if request.size > limit:
            raise BadRequestError("too_large", f"{request.size} bytes; at most {limit} for a {request.kind.value}")
        concerns = _checked_concerns(request)
        now = self._clock()
        submission_id = str(uuid.uuid4())
        key = UploadKey.build(principal.tenant, submission_id, filename)
        expires_at = now + timedelta(seconds=UPLOAD_URL_TTL_S)
        post = self._objects.presign_post(ObjectRef(self._buckets.intake, key), declared.value,
                                          max_bytes=request.size, expires_s=UPLOAD_URL_TTL_S,
                                          metadata={"submission-id": submission_id})
        self._records.put_submission(Submission(
            submission_id=submission_id, tenant=principal.tenant, kind=request.kind, filename=filename,
            content_type=declared.value, declared_size=request.size, created_by=principal.subject,
            created_at=now, expires_at=expires_at, object_key=key, concerns=concerns,
        ))
        return UploadResponse(submission_id=submission_id, upload=UploadForm(url=post.url, fields=post.fields),
                              expires_at=expires_at)

    def _submission_view(self, submission: Submission, documents: list[Document] | None = None) -> SubmissionView:
        if documents is None:
            documents = self._records.documents_of_submission(submission.submission_id)
        return SubmissionView(
            submission_id=submission.submission_id,
            status=submission_state(submission, documents, self._clock()),
            kind=submission.kind, filename=submission.filename, created_at=submission.created_at,
            expires_at=submission.expires_at, concerns=submission.concerns,
            documents=[SubmissionDocument(document_id=d.document_id, status=d.status, filename=d.filename,
                                          pages=d.pages, reason=d.reason, reason_detail=d.reason_detail)
                       for d in documents],
        )

    def get_submission(self, principal: Principal, submission_id: str) -> SubmissionView:
        return self._submission_view(*self._visible_submission(principal, submission_id))

    def list_submissions(self, principal: Principal, limit: int = 50) -> list[SubmissionView]:
        self._require(principal, UPLOADER_GROUPS, "listing own submissions")
        if not principal.tenant:
            return []
        return [self._submission_view(s) for s in self._records.list_submissions(principal.tenant, limit)]

    # --- documents
    def _document(self, principal: Principal, document_id: str) -> tuple[Document, ScopedRecords]:
        self._require(principal, READER_GROUPS, "reading documents")
        reader = self._reader(principal)
        doc = reader.get_document(document_id)
        if doc is None:  # or another team's: not found either
            raise NotFoundError(f"document {document_id} not found")
        return doc, reader

    def get_document(self, principal: Principal, document_id: str) -> DocumentView:
        doc, reader = self._document(principal, document_id)
        self._record(principal, AuditAction.READ_DOCUMENT, doc.document_id, doc.dossier_id)
        return self._document_view(doc, reader)

    def _document_view(self, doc: Document, reader: ScopedRecords) -> DocumentView:
        text = None
        if doc.text_key:
            text = self._objects.read(ObjectRef(self._buckets.archive, doc.text_key)).decode("utf-8")
        return DocumentView(
            document_id=doc.document_id, submission_id=doc.submission_id, status=doc.status, reason=doc.reason,
            reason_detail=doc.reason_detail, filename=doc.filename,
            media_type=doc.media_type.value if doc.media_type else None, document_type=doc.document_type,
            confidence=doc.confidence, fields=doc.fields, mrz=doc.mrz, dossier_id=doc.dossier_id,
            candidates=reader.candidates(doc.candidates),
            pages=doc.pages, ocr_chars=doc.ocr_chars, text=text, received_at=doc.received_at, sha256=doc.sha256,
        )

    def document_content(self, principal: Principal, document_id: str) -> ContentLink:
        doc, _ = self._document(principal, document_id)
        if not doc.original_key:
            raise NotFoundError(f"document {document_id} has no stored original")
        self._record(principal, AuditAction.DOWNLOAD_ORIGINAL, doc.document_id, doc.dossier_id)
        bucket = self._buckets.intake if doc.status is DocumentStatus.REJECTED else self._buckets.archive
        url = self._objects.presign_get(ObjectRef(bucket, doc.original_key), CONTENT_URL_TTL_S, doc.filename)
        return ContentLink(url=url, expires_at=self._clock() + timedelta(seconds=CONTENT_URL_TTL_S))

    def page_image(self, principal: Principal, document_id: str, page: int) -> PageImageLink:
        """Page `page` of the scan as an image (rendered on first view, then cached); audited
        like reading the document."""
        doc, _ = self._document(principal, document_id)
        link = cached_page_image(self._objects, self._buckets.archive, doc, page, CONTENT_URL_TTL_S, self._clock())
        self._record(principal, AuditAction.READ_DOCUMENT, doc.document_id, doc.dossier_id, page=page)
        return link

    def inbox(self, principal: Principal) -> list[DocumentSummary]:
        self._require(principal, READER_GROUPS, "reading the inbox")
        reader = self._reader(principal)
        return [_summary(d, reader) for d in reader.inbox()]

    # --- dossiers
    def find_dossiers(self, principal: Principal, q: str | None, birth_date: str | None,
                      ref: str | None) -> DossierList:
        self._require(principal, READER_GROUPS, "searching dossiers")
        if not (q or birth_date or ref):
            raise BadRequestError("missing_query", "give a name (q), a birth date or a reference number (ref)")
        if birth_date:
            try:
                birth_date = datetime.strptime(birth_date, "%Y-%m-%d").date().isoformat()
            except ValueError as e:
                raise BadRequestError("invalid_birth_date", "birthDate must be YYYY-MM-DD") from e
        # one more than is listed: whether there are more (the caseworker then narrows the search)
        query = DossierQuery(name=q or None, birth_date=birth_date or None, reference=ref or None,
                             limit=SEARCH_LIMIT + 1)
        found = self._reader(principal).find_dossiers(query)
        listed = found[:SEARCH_LIMIT]
        self._record(principal, AuditAction.SEARCH_DOSSIERS, "search", None, q=q, birthDate=birth_date, ref=ref,
                     hits=[d.dossier_id for d in listed])
        return DossierList(items=[_dossier_summary(d) for d in listed], truncated=len(found) > SEARCH_LIMIT)

    def get_dossier(self, principal: Principal, dossier_id: str) -> DossierView:
        self._require(principal, READER_GROUPS, "reading dossiers")
        reader = self._reader(principal)
        dossier = reader.get_dossier(dossier_id)
        if dossier is None:  # or another team's: not found either
            raise NotFoundError(f"dossier {dossier_id} not found")
        self._record(principal, AuditAction.READ_DOSSIER, dossier_id, dossier_id)
        return self._dossier_view(dossier, reader)

    def _dossier_view(self, dossier: Dossier, reader: ScopedRecords) -> DossierView:
        documents = [_summary(d, reader) for d in reader.documents_of_dossier(dossier.dossier_id)]
        addresses = [KnownAddress(address=a, source=src)
                     for a, src in reader.records.dossier_addresses(dossier.dossier_id)]
        return DossierView(**_dossier_summary(dossier).model_dump(), sex=dossier.sex,
                           created_at=dossier.created_at, addresses=addresses,
                           reference_sources=dossier.reference_sources, documents=documents)

    def change_dossier(self, principal: Principal, dossier_id: str, change: DossierChange) -> DossierView:
        """A team lead moves a dossier (and its documents waiting in the inbox) to another team."""
        require_teamlead(principal, "moving a dossier to another team")
        if change.team not in TEAMS:
            raise BadRequestError("unknown_team", f"{change.team!r} is not a team; teams: {', '.join(TEAMS)}")
        reader = self._reader(principal)
        dossier = reader.get_dossier(dossier_id)
        if dossier is None:
            raise NotFoundError(f"dossier {dossier_id} not found")
        before = dossier_team(dossier)
        moved = update_dossier(self._records, dossier_id, lambda d: None if d.team == change.team
                               else d.model_copy(update={"team": change.team})) or dossier
        # documents in the inbox are routed by their own team: they follow the dossier. Idempotent:
        # a repeated request moves what a failed one left behind.
        for doc in self._records.documents_of_dossier(dossier_id):
            if doc.team != change.team and doc.status is DocumentStatus.NEEDS_REVIEW:
                self._records.save_document(doc.model_copy(update={"team": change.team, "updated_at": self._clock()}),
                                            expected_status=doc.status)
        self._record(principal, AuditAction.REASSIGN_DOSSIER, dossier_id, dossier_id, change.reason,
                     before={"team": before}, after={"team": change.team})
        return self._dossier_view(moved, ScopedRecords(self._records, reader.scope))

    # --- corrections and audit
    def correct_document(self, principal: Principal, document_id: str,
                         correction: CorrectionRequest) -> DocumentView:
        doc, reader = self._document(principal, document_id)
        if correction.document_type is None and correction.dossier_id is None:
            raise BadRequestError("empty_correction", "give documentType and/or dossierId")
        if doc.status not in CORRECTABLE:
            raise ConflictError(f"document {document_id} is {doc.status.value}; only indexed documents "
                                "and documents in the inbox can be corrected")
        # another team's dossier is as unknown as a missing one
        target = reader.get_dossier(correction.dossier_id) if correction.dossier_id else None
        if correction.dossier_id and target is None:
            raise BadRequestError("unknown_dossier", f"dossier {correction.dossier_id} does not exist")
        update: dict[str, object] = {"updated_at": self._clock()}
        if correction.document_type is not None:
            update |= {"document_type": correction.document_type, "confidence": 1.0}
        dossier_id = correction.dossier_id or doc.dossier_id
        if target is not None:
            update |= {"dossier_id": target.dossier_id, "candidates": [], "team": dossier_team(target)}
        if dossier_id:
            update |= {"status": DocumentStatus.INDEXED, "reason": None, "reason_detail": None}
        corrected = doc.model_copy(update=update)
        if target is not None and target.dossier_id != doc.dossier_id:
            # before the save, like the index stage: a repeated request does it again (idempotent).
            # Forgetting first frees a number the wrong dossier learnt for the right one to learn.
            if doc.dossier_id:
                forget_learnt_from(self._records, doc.dossier_id, doc.document_id)
            learn_from_document(self._records, corrected, target.dossier_id, CORRECTED)
        self._records.save_document(corrected, expected_status=doc.status)
        # the audit event doubles as the training record: what the machine said, what the human set
        self._record(principal, AuditAction.CORRECT_DOCUMENT, document_id, dossier_id, correction.reason,
                     before={"documentType": doc.document_type, "dossierId": doc.dossier_id,
                             "confidence": doc.confidence, "status": doc.status.value},
                     after={"documentType": corrected.document_type, "dossierId": corrected.dossier_id,
                            "status": corrected.status.value})
        return self._document_view(corrected, reader)

    def audit_events(self, principal: Principal, dossier_id: str | None) -> list[AuditEventView]:
        self._require(principal, AUDITOR_GROUPS, "reading the audit trail")
        return [AuditEventView(**e.model_dump(exclude={"actor_groups"}))
                for e in self._audit.events(dossier_id=dossier_id)]
