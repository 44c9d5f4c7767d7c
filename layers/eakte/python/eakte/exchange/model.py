"""The exchange's records: a federal message with its status history, and why a message is refused."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from eakte.errors import EakteError
from eakte.models.document import CamelModel


class RejectionCode(StrEnum):
    """Why an inbound message is refused; shown as the document's reason and in the receipt."""

    TOO_LARGE = "too_large"
    TOO_DEEP = "too_deep"
    MALFORMED_XML = "malformed_xml"
    DTD_FORBIDDEN = "dtd_forbidden"
    UNSUPPORTED_MESSAGE = "unsupported_message"
    SCHEMA_INVALID = "schema_invalid"
    BUSINESS_RULE = "business_rule_violated"


class MessageRejection(EakteError):
    """The message is invalid; `path` says where (XPath), `rule` which business rule, if any."""

    def __init__(self, code: RejectionCode, path: str, detail: str, rule: str | None = None) -> None:
        super().__init__(f"{code.value} at {path}: {detail}")
        self.code = code
        self.path = path
        self.detail = detail
        self.rule = rule

    def describe(self) -> str:
        rule = f"[{self.rule}] " if self.rule else ""
        return f"{rule}{self.path}: {self.detail}"


class MessageStatus(StrEnum):
    QUEUED = "QUEUED"  # in the FIFO queue for the federal endpoint
    SENT = "SENT"  # the endpoint accepted it; its receipt is outstanding
    ACKNOWLEDGED = "ACKNOWLEDGED"  # positive receipt
    NACKED = "NACKED"  # negative receipt (from the endpoint, or ours to a sender)
    DEAD = "DEAD"  # delivery failed on every attempt; in the DLQ, waiting for a redrive

    @property
    def is_final(self) -> bool:
        return self in {MessageStatus.ACKNOWLEDGED, MessageStatus.NACKED}


class MessageKind(StrEnum):
    FORWARD = "forward"  # to the federal authority
    RECEIPT = "receipt"  # a negative receipt to the sender of an invalid inbound message


class HistoryEntry(CamelModel):
    status: MessageStatus
    at: datetime
    detail: str | None = None


class Receipt(CamelModel):
    status_code: int
    status_info: str
    received_at: datetime


class FederalMessage(CamelModel):
    message_id: str  # eCH-0058 / eCH-0090 messageId of this message
    kind: MessageKind
    reference_message_id: str | None = None  # the inbound message it forwards or answers
    submission_id: str | None = None  # the inbound submission; None for a caseworker's own message
    document_id: str | None = None  # the inbound message document; None for a caseworker's own message
    tenant: str | None = None  # of the inbound submission (who may read this record); None: office only
    # The upload's submission id (a caseworker action: its API request id): in the logs of every stage
    # and, as eCH-0058 ourBusinessReferenceId, in the header of the message the federal register gets.
    correlation_id: str | None = None
    originator: str | None = None  # the caseworker who created the message (subject of the token)
    # a caseworker's message: SHA-256 of what the request asked for (without its requestId), so that
    # a requestId used again for other content is refused instead of returning the first message
    request_digest: str | None = None
    dossier_id: str | None = None
    message_type: str  # eCH messageType ("2020") or "receipt"
    event: str | None = None  # moveIn, moveOut, changeResidencePermit ...
    group_id: str | None = None  # FIFO message group: the person
    group_sequence: int | None = None  # 1, 2, 3 ... per person: the order the endpoint must see
    status: MessageStatus
    history: list[HistoryEntry] = Field(default_factory=list)
    receipt: Receipt | None = None
    payload_key: str | None = None  # eCH-0020 delivery in the archive bucket
    envelope_key: str | None = None  # eCH-0090 envelope in the archive bucket
    created_at: datetime
    updated_at: datetime
    version: int = 0  # optimistic locking of status changes


class PersonData(CamelModel):
    """The person an eCH-0020 event is about (eCH-0044 identification); authoritative for filing."""

    vn: str | None = None  # AHVN13
    official_name: str
    first_name: str = ""
    sex: str | None = None  # eCH-0044: 1 male, 2 female, 3 unknown
    birth_date: date | None = None
    nationality_iso2: str | None = None
    local_person_id: str | None = None


class InboundEvent(CamelModel):
    """What the exchange needs of a valid eCH-0020 delivery."""

    message_id: str
    sender_id: str
    message_type: str
    event: str
    message_date: datetime
    person: PersonData
    foreign_national: bool = True
    police_report: bool = False  # filed with its attachments, not forwarded to the federal register
    dwelling_address: str | None = None  # eCH-0011 dwellingAddress: where the municipality registered the person
