"""Ports: the small interfaces the domain talks to. Adapters implement them for AWS
(`eakte.adapters.aws`), for local OCR (`eakte.adapters.tesseract`) and in memory for
fast unit tests (`eakte.adapters.memory`). Nothing here imports boto3."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eakte.exchange.model import FederalMessage, MessageStatus
from eakte.models.document import AuditEvent, Document, DocumentStatus, Dossier, MediaType, Submission
from eakte.settings import Stage


@dataclass(frozen=True)
class ObjectRef:
    bucket: str
    key: str
    version_id: str | None = None


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    content_type: str | None
    last_modified: datetime | None
    metadata: Mapping[str, str] = field(default_factory=dict)
    version_id: str | None = None


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]


class ObjectStore(ABC):
    @abstractmethod
    def head(self, ref: ObjectRef) -> ObjectInfo: ...

    @abstractmethod
    def read(self, ref: ObjectRef, max_bytes: int | None = None) -> bytes:
        """Whole object; raises PermanentError when it is larger than max_bytes."""

    @abstractmethod
    def iter_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    @abstractmethod
    def put(self, ref: ObjectRef, body: bytes, content_type: str,
            metadata: Mapping[str, str] | None = None) -> None: ...

    @abstractmethod
    def copy(self, source: ObjectRef, target: ObjectRef, metadata: Mapping[str, str] | None = None) -> None: ...

    @abstractmethod
    def presign_post(self, ref: ObjectRef, content_type: str, max_bytes: int, expires_s: int,
                     metadata: Mapping[str, str]) -> PresignedPost: ...

    @abstractmethod
    def presign_get(self, ref: ObjectRef, expires_s: int, filename: str | None = None) -> str: ...


class Queue(ABC):
    """The pipeline's queues, addressed by stage."""

    @abstractmethod
    def send(self, stage: Stage, body: Mapping[str, Any], group_id: str | None = None,
             dedup_id: str | None = None) -> str: ...

    @abstractmethod
    def delay_retry(self, stage: Stage, receipt_handle: str, seconds: int) -> None:
        """Make a failed message visible again after `seconds` (retry backoff)."""

    @abstractmethod
    def waiting(self, stage: Stage) -> int:
        """About how many messages wait in the stage's queue (not yet taken by its Lambda)."""


@dataclass(frozen=True)
class DossierQuery:
    name: str | None = None
    birth_date: str | None = None
    reference: str | None = None
    # transliteration keys (logic.names.name_keys): dossiers with ANY of these name keys
    name_keys: tuple[str, ...] = ()
    limit: int = 25
    # only dossiers owned by one of these teams (a caseworker's scope, eakte.logic.teams); None: all
    teams: frozenset[str] | None = None


class RecordStore(ABC):
    """Submissions, documents and dossiers (DynamoDB in AWS and locally via moto)."""

    # submissions
    @abstractmethod
    def put_submission(self, submission: Submission) -> None: ...

    @abstractmethod
    def get_submission(self, submission_id: str) -> Submission | None: ...

    @abstractmethod
    def list_submissions(self, tenant: str, limit: int = 50) -> list[Submission]: ...

    # documents
    @abstractmethod
    def create_document(self, document: Document) -> bool:
        """Insert if absent; False when a document with this id already exists."""

    @abstractmethod
    def get_document(self, document_id: str) -> Document | None: ...

    @abstractmethod
    def save_document(self, document: Document, expected_status: DocumentStatus | None) -> None:
        """Replace the document; with expected_status the write is conditional (ConflictError)."""

    @abstractmethod
    def documents_of_submission(self, submission_id: str) -> list[Document]: ...

    @abstractmethod
    def inbox(self, limit: int = 100, teams: frozenset[str] | None = None) -> list[Document]:
        """Documents that need a human, of these teams' inboxes (None: every team's)."""

    @abstractmethod
    def documents_of_dossier(self, dossier_id: str) -> list[Document]: ...

    # dossiers
    @abstractmethod
    def create_dossier(self, dossier: Dossier) -> bool:
        """Store a new dossier (version 0) and its lookup keys (name tokens, birth date, reference
        numbers). False, and nothing replaced, if a dossier of that id exists already."""

    @abstractmethod
    def save_dossier(self, dossier: Dossier, expected_version: int) -> Dossier:
        """Replace the dossier if the stored one is still at `expected_version` (else ConflictError:
        someone else changed it since it was read); returns it as saved, at the next version.
        Lookup keys of names and numbers it did not have before are added."""

    @abstractmethod
    def get_dossier(self, dossier_id: str) -> Dossier | None: ...

    @abstractmethod
    def find_dossiers(self, query: DossierQuery) -> list[Dossier]:
        """Dossiers meeting every criterion given; by `reference` only those whose own numbers
        include it (a lookup key written before its dossier lost a conflict points nowhere)."""

    # addresses a dossier's person is known at (logic.addresses): items of their own, so adding
    # one never rewrites the dossier (no lost update beside a team change)
    @abstractmethod
    def add_dossier_address(self, dossier_id: str, key: str, address: str, source: str) -> None:
        """Remember that the person lives (or lived) at `address` (its key), as `source` showed."""

    @abstractmethod
    def dossiers_at(self, key: str, limit: int) -> list[str]:
        """Ids of the dossiers whose person is known at the address (at most `limit`)."""

    @abstractmethod
    def dossier_addresses(self, dossier_id: str) -> list[tuple[str, str]]:
        """(address as shown, source document) for each address the dossier knows."""

    @abstractmethod
    def forget_dossier_addresses(self, dossier_id: str, source: str) -> list[str]:
        """Forget the addresses the dossier learnt from `source` (a document filed there wrongly);
        returns their keys."""


class AuditTrail(ABC):
    """Append-only record of reads and changes of personal data."""

    @abstractmethod
    def record(self, event: AuditEvent) -> None: ...

    @abstractmethod
    def events(self, dossier_id: str | None = None, limit: int = 200) -> list[AuditEvent]:
        """Newest first; of one dossier, or of the last days when no dossier is given."""


@dataclass(frozen=True)
class OcrResult:
    """Textract-shaped responses (one per result page of GetDocumentTextDetection, or one
    DetectDocumentText response), parsed by the same textract-trp code for every engine."""

    responses: list[dict[str, Any]]
    engine: str


@dataclass(frozen=True)
class OcrJob:
    """An asynchronous OCR job that reports completion later (Textract + SNS)."""

    job_id: str
    engine: str


class OcrEngine(ABC):
    @abstractmethod
    def recognize(self, ref: ObjectRef, media_type: MediaType, document_id: str) -> OcrResult | OcrJob:
        """Read the text of a scan: a result now, or a job whose completion arrives later."""

    @abstractmethod
    def job_result(self, job_id: str) -> OcrResult:
        """All result pages of a finished asynchronous job."""


# --- federal message exchange ------------------------------------------------------------------


class FederalEndpoint(ABC):
    """Where forwarded messages go (the sedex gateway of the federal authority). Receipts come
    back later, asynchronously, on the receipt queue."""

    @abstractmethod
    def deliver(self, message_id: str, envelope: bytes, payload: bytes) -> None:
        """Hand over one message; TransientError when worth retrying, PermanentError when not."""


class FederalOutbox(ABC):
    """The ordered outbox (SQS FIFO): one message group per person, deduplicated by message id."""

    @abstractmethod
    def enqueue(self, message_id: str, group_id: str, requeued: int = 0, correlation_id: str | None = None) -> str:
        """Queue the message for delivery at the end of its group (`requeued`: how often it was put
        back behind an earlier message of the person; `correlation_id`: for the forward stage's
        logs); returns the queue's message id."""


class MessageStore(ABC):
    """Federal messages and receipts with their status history (DynamoDB in AWS and locally)."""

    @abstractmethod
    def create(self, message: FederalMessage) -> bool:
        """Insert if absent; False when a message with this id already exists."""

    @abstractmethod
    def get(self, message_id: str) -> FederalMessage | None: ...

    @abstractmethod
    def save(self, message: FederalMessage, expected_version: int) -> None:
        """Replace the message if its stored version is `expected_version` (else ConflictError)."""

    @abstractmethod
    def in_group(self, group_id: str, sequence: int) -> FederalMessage | None:
        """The message with this number in its group (consistent read), if there is one."""

    @abstractmethod
    def next_sequence(self, group_id: str) -> int:
        """The next number of the group (atomic counter): the order the person's messages must keep."""

    @abstractmethod
    def query(self, submission_id: str | None = None, dossier_id: str | None = None,
              status: MessageStatus | None = None, limit: int = 100) -> list[FederalMessage]:
        """Messages of a submission, of a dossier or with a status (newest first); all when none is given."""



# --- the sweeper (eakte.logic.sweeper) ---------------------------------------------------------


class StaleDocuments(ABC):
    """Documents per status by their last change: the keys-only status index, never a scan."""

    @abstractmethod
    def stale_document_ids(self, status: DocumentStatus, changed_before: datetime, limit: int) -> list[str]:
        """Ids of documents in `status` unchanged since before `changed_before`, oldest first."""


class OcrJobs(ABC):
    """What the sweeper asks of an engine with asynchronous jobs (Textract)."""

    @abstractmethod
    def job_status(self, job_id: str) -> str:
        """IN_PROGRESS, SUCCEEDED, PARTIAL_SUCCESS or FAILED; EXPIRED when the engine no longer knows the job."""

    @abstractmethod
    def restart(self, ref: ObjectRef, media_type: MediaType, document_id: str, attempt: int) -> OcrJob:
        """Start a new job for the document (not the idempotent replay of the first start)."""
