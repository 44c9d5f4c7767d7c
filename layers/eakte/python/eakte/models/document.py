"""Submissions, documents and dossiers: the records of the eAkte."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


def utcnow() -> datetime:
    return datetime.now(UTC)


class CamelModel(BaseModel):
    """Python names in code, camelCase on the wire (API contract, queue bodies)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class SubmissionKind(StrEnum):
    SCAN = "scan"
    MESSAGE = "message"


class MediaType(StrEnum):
    PDF = "application/pdf"
    TIFF = "image/tiff"
    JPEG = "image/jpeg"
    PNG = "image/png"
    XML = "application/xml"


SCAN_MEDIA_TYPES = frozenset({MediaType.PDF, MediaType.TIFF, MediaType.JPEG, MediaType.PNG})
MESSAGE_MEDIA_TYPES = frozenset({MediaType.XML})


class DocumentStatus(StrEnum):
    RECEIVED = "RECEIVED"
    OCR_DONE = "OCR_DONE"
    CLASSIFIED = "CLASSIFIED"
    INDEXED = "INDEXED"
    NEEDS_REVIEW = "NEEDS_REVIEW"
    REJECTED = "REJECTED"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset(
    {DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW, DocumentStatus.REJECTED, DocumentStatus.FAILED}
)


class RejectReason(StrEnum):
    """Why intake refused a file; shown to the sender by GET /api/submissions/{id}."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_PAGES = "too_many_pages"
    UNSUPPORTED_TYPE = "unsupported_type"
    TYPE_MISMATCH = "type_mismatch"
    KIND_MISMATCH = "kind_mismatch"
    CORRUPT = "corrupt"
    POLYGLOT = "polyglot"  # valid as two formats at once (e.g. PDF + ZIP): refused as ambiguous
    ENCRYPTED = "encrypted"
    IMAGE_TOO_LARGE = "image_too_large"
    MALFORMED_XML = "malformed_xml"
    UNSUPPORTED_MESSAGE = "unsupported_message"
    UPLOAD_EXPIRED = "upload_expired"
    UNKNOWN_SUBMISSION = "unknown_submission"


class DocumentType(StrEnum):
    PASSPORT = "passport"
    IDENTITY_CARD = "identity_card"
    RESIDENCE_PERMIT = "residence_permit"
    VISA = "visa"
    APPLICATION_FORM = "application_form"
    BIRTH_CERTIFICATE = "birth_certificate"
    MARRIAGE_CERTIFICATE = "marriage_certificate"
    EMPLOYMENT_CONTRACT = "employment_contract"
    PAYSLIP = "payslip"
    RENTAL_AGREEMENT = "rental_agreement"
    POLICE_REPORT = "police_report"
    COURT_DECISION = "court_decision"
    DECISION_NOTICE = "decision_notice"
    HEALTH_INSURANCE = "health_insurance"
    LANGUAGE_CERTIFICATE = "language_certificate"
    CORRESPONDENCE = "correspondence"
    OTHER = "other"


IDENTITY_DOCUMENT_TYPES = frozenset(
    {DocumentType.PASSPORT, DocumentType.IDENTITY_CARD, DocumentType.RESIDENCE_PERMIT, DocumentType.VISA}
)


class FieldSource(StrEnum):
    MRZ = "mrz"
    TEXT = "text"
    LAYOUT = "layout"
    MESSAGE = "message"
    CORRECTION = "correction"


class FieldBox(CamelModel):
    """Where a field's value stands on the page: 1-based page, box relative to the page (0..1)."""

    page: int = Field(ge=1)
    left: float = Field(ge=0, le=1)
    top: float = Field(ge=0, le=1)
    width: float = Field(ge=0, le=1)
    height: float = Field(ge=0, le=1)


class ExtractedField(CamelModel):
    value: str
    confidence: float = Field(ge=0, le=1)
    source: FieldSource
    # where the value stands on the page (recognition.geometry); left out of the JSON when unknown
    boxes: list[FieldBox] | None = Field(default=None, exclude_if=lambda boxes: boxes is None)


class MrzCheckReport(CamelModel):
    """What the MRZ's check digits proved (recognition.mrz_report): `checks` per ICAO 9303 check
    digit (documentNumber, birthDate, expiryDate, optionalData, composite; only those the format
    has), and the OCR repairs applied because a check digit confirmed them."""

    format: str  # TD1, TD2, TD3, MRV-A, MRV-B
    document_code: str
    issuing_state: str
    valid: bool  # every check digit passed
    checks: dict[str, bool] = Field(default_factory=dict)
    repairs: list[str] = Field(default_factory=list)


class DeclaredPerson(CamelModel):
    """Whom an upload concerns, as the uploader states it (a municipality knows its resident, the
    police whom they reported, a scan provider the legacy file): evidence for identity resolution,
    never enough on its own: the document's own names must match that person (logic.identity)."""

    surname: str | None = Field(default=None, min_length=1, max_length=100)
    given_names: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: date | None = None
    ahv_number: str | None = Field(default=None, min_length=13, max_length=16)
    zemis_number: str | None = Field(default=None, min_length=8, max_length=12)
    azr_number: str | None = Field(default=None, min_length=6, max_length=16)

    def references(self) -> dict[str, str]:
        """In the field names of the extraction (ahvNumber ...), as identity resolution reads them."""
        return {name: value for name, value in (("ahvNumber", self.ahv_number), ("zemisNumber", self.zemis_number),
                                                ("azrNumber", self.azr_number)) if value}


class Submission(CamelModel):
    submission_id: str
    tenant: str  # the municipality / police unit / scan provider that submits
    kind: SubmissionKind
    filename: str
    content_type: str
    declared_size: int
    created_by: str
    created_at: datetime
    expires_at: datetime
    object_key: str
    concerns: DeclaredPerson | None = None  # whom the uploader says the document is about


class DossierCandidate(CamelModel):
    dossier_id: str
    score: float
    reason: str


class Document(CamelModel):
    document_id: str
    submission_id: str
    tenant: str
    kind: SubmissionKind
    status: DocumentStatus
    reason: str | None = None  # reject/failure reason code
    reason_detail: str | None = None
    filename: str
    media_type: MediaType | None = None
    size: int = 0
    sha256: str | None = None
    pages: int = 0
    source_bucket: str
    source_key: str
    source_version: str | None = None
    original_key: str | None = None  # in the archive bucket (or quarantine key in intake)
    ocr_json_key: str | None = None
    text_key: str | None = None
    words_key: str | None = None  # word boxes per page (logic.ocr_words), in the archive
    ocr_chars: int = 0
    ocr_job_id: str | None = None
    document_type: DocumentType | None = None
    confidence: float | None = None
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    mrz: MrzCheckReport | None = None  # the MRZ's check digits and repairs, if it has one
    dossier_id: str | None = None
    candidates: list[DossierCandidate] = Field(default_factory=list)
    # the team whose inbox holds the document while it has no dossier (eakte.logic.teams); once in a
    # dossier, the dossier's team decides who sees it
    team: str | None = None
    correlation_id: str | None = None
    received_at: datetime
    updated_at: datetime
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    sweeps: int = 0  # how often the sweeper (eakte.logic.sweeper) found it stuck and set it going again


class Dossier(CamelModel):
    dossier_id: str
    surname: str
    given_names: str = ""
    birth_date: date | None = None
    nationality: str | None = None
    sex: str | None = None
    reference_numbers: dict[str, str] = Field(default_factory=dict)
    # where each number came from (the document or federal message that showed it; for the numbers
    # a dossier was opened with, the opening document): moving that document out forgets the number
    reference_sources: dict[str, str] = Field(default_factory=dict)
    created_at: datetime
    created_from: str | None = None  # document that opened the dossier
    team: str | None = None  # owning team (eakte.logic.teams); None: opened before teams, DEFAULT_TEAM
    # optimistic concurrency: RecordStore.save_dossier replaces only the version it was read at
    # (a team change and an AHV number learnt at the same moment must not undo each other)
    version: int = 0


class StageMessage(CamelModel):
    """Body of a message between pipeline stages."""

    document_id: str
    correlation_id: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class AuditAction(StrEnum):
    READ_DOCUMENT = "read_document"
    DOWNLOAD_ORIGINAL = "download_original"
    READ_DOSSIER = "read_dossier"
    SEARCH_DOSSIERS = "search_dossiers"
    CORRECT_DOCUMENT = "correct_document"
    REASSIGN_DOSSIER = "reassign_dossier"  # a team lead moved a dossier to another team
    SEND_FEDERAL_MESSAGE = "send_federal_message"  # a caseworker's own eCH message to the federal register


class AuditEvent(CamelModel):
    """Who saw or changed what, when, from where and why. Written once, never changed."""

    event_id: str
    at: datetime
    actor: str
    actor_groups: list[str]
    action: AuditAction
    target_id: str
    dossier_id: str | None = None
    source_ip: str | None = None
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
