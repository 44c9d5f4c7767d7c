"""Request and response bodies of the caseworker/municipality API (camelCase on the wire)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from eakte.models.document import (
    CamelModel,
    DeclaredPerson,
    DocumentStatus,
    DocumentType,
    DossierCandidate,
    ExtractedField,
    MrzCheckReport,
    SubmissionKind,
)

# The order the inbox relies on (eakte.logic.identity._merge_candidates).
CANDIDATES_ORDER = ("the dossier to confirm first: highest score first; of equal scores the person the uploader "
                    "named (always listed), then a dossier known at the address shown, then the closer name")


class ErrorBody(CamelModel):
    code: str
    message: str


class ErrorResponse(CamelModel):
    error: ErrorBody


class UploadRequest(CamelModel):
    kind: SubmissionKind
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(min_length=1, max_length=100)
    size: int = Field(ge=0, description="bytes; the upload may not be larger")
    concerns: DeclaredPerson | None = Field(
        default=None, description="scans only: whom the document is about, as the uploader knows the person "
        "(a reference number, or surname and birth date). The document is filed with that person only when its "
        "own names match; otherwise it goes to the inbox with that dossier among the candidates.")


class UploadForm(CamelModel):
    url: str
    fields: dict[str, str]


class UploadResponse(CamelModel):
    submission_id: str
    upload: UploadForm
    expires_at: datetime


class SubmissionDocument(CamelModel):
    document_id: str
    status: DocumentStatus
    filename: str
    pages: int = 0
    reason: str | None = None
    reason_detail: str | None = None


SubmissionState = Literal["UPLOAD_PENDING", "UPLOAD_EXPIRED", "PROCESSING", "COMPLETED",
                          "NEEDS_REVIEW", "REJECTED", "FAILED"]


class SubmissionView(CamelModel):
    submission_id: str
    status: SubmissionState
    kind: SubmissionKind
    filename: str
    created_at: datetime
    expires_at: datetime
    concerns: DeclaredPerson | None = None
    documents: list[SubmissionDocument]


class SubmissionList(CamelModel):
    items: list[SubmissionView]


class DocumentView(CamelModel):
    document_id: str
    submission_id: str
    status: DocumentStatus
    reason: str | None = None
    reason_detail: str | None = None
    filename: str
    media_type: str | None = None
    document_type: DocumentType | None = None
    confidence: float | None = None
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    mrz: MrzCheckReport | None = None  # which MRZ check digits passed, which repairs applied
    dossier_id: str | None = None
    candidates: list[DossierCandidate] = Field(default_factory=list, description=CANDIDATES_ORDER)
    pages: int = 0
    ocr_chars: int = 0
    text: str | None = None
    received_at: datetime
    sha256: str | None = None


class CorrectionRequest(CamelModel):
    """A caseworker's correction of a document's type and/or dossier (audited)."""

    document_type: DocumentType | None = None
    dossier_id: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=500)


class AuditEventView(CamelModel):
    event_id: str
    at: datetime
    actor: str
    action: str
    target_id: str
    dossier_id: str | None = None
    source_ip: str | None = None
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class AuditList(CamelModel):
    items: list[AuditEventView]


class ContentLink(CamelModel):
    url: str
    expires_at: datetime


class PageImageLink(CamelModel):
    """A short-lived link to one page of a scan as an image, with its size in pixels; the
    document's field boxes are relative to this image (0..1)."""

    page: int
    pages: int
    url: str
    media_type: str
    width: int
    height: int
    expires_at: datetime


class DocumentSummary(CamelModel):
    document_id: str
    status: DocumentStatus
    filename: str
    document_type: DocumentType | None = None
    confidence: float | None = None
    dossier_id: str | None = None
    received_at: datetime
    reason: str | None = None
    candidates: list[DossierCandidate] = Field(default_factory=list, description=CANDIDATES_ORDER)


class DocumentList(CamelModel):
    items: list[DocumentSummary]


class DossierSummary(CamelModel):
    dossier_id: str
    surname: str
    given_names: str
    birth_date: date | None = None
    nationality: str | None = None
    reference_numbers: dict[str, str] = Field(default_factory=dict)
    team: str = Field(description="the team that owns the dossier")


class DossierList(CamelModel):
    items: list[DossierSummary]
    truncated: bool = Field(False, description="more dossiers match than are listed (best first): "
                                               "a given name or the birth date narrows the search")


class KnownAddress(CamelModel):
    address: str = Field(description="as the document showed it")
    source: str = Field(description="the document it was learnt from")


class DossierView(DossierSummary):
    sex: str | None = None
    created_at: datetime
    addresses: list[KnownAddress] = Field(default_factory=list, description="where the person is known to "
                                          "live or have lived, learnt from documents filed with certainty")
    reference_sources: dict[str, str] = Field(default_factory=dict, description="the document (or federal "
                                              "message) each reference number was learnt from")
    documents: list[DocumentSummary]


class DossierChange(CamelModel):
    """A team lead moves a dossier to another team (audited)."""

    team: str = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=500)
