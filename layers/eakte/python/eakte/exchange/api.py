"""GET /api/messages and GET /api/messages/{id}: federal messages and receipts with their history.
Caseworkers and team leads see all; municipalities and police only those of their own submissions."""

from __future__ import annotations

from datetime import datetime

from eakte.auth import Principal
from eakte.errors import ForbiddenError, NotFoundError
from eakte.exchange.model import FederalMessage, HistoryEntry, MessageKind, MessageStatus, Receipt
from eakte.models.document import CamelModel
from eakte.ports import MessageStore
from eakte.settings import READER_GROUPS

SENDER_GROUPS = frozenset({"municipality", "police"})


class MessageView(CamelModel):
    message_id: str
    kind: MessageKind
    reference_message_id: str | None
    submission_id: str | None
    document_id: str | None
    dossier_id: str | None
    correlation_id: str | None
    originator: str | None
    message_type: str
    event: str | None
    status: MessageStatus
    history: list[HistoryEntry]
    receipt: Receipt | None
    created_at: datetime
    updated_at: datetime


class MessageList(CamelModel):
    items: list[MessageView]


def view(m: FederalMessage) -> MessageView:
    return MessageView(message_id=m.message_id, kind=m.kind, reference_message_id=m.reference_message_id,
                       submission_id=m.submission_id, document_id=m.document_id, dossier_id=m.dossier_id,
                       correlation_id=m.correlation_id, originator=m.originator,
                       message_type=m.message_type, event=m.event, status=m.status, history=m.history,
                       receipt=m.receipt, created_at=m.created_at, updated_at=m.updated_at)


class MessageQueries:
    def __init__(self, messages: MessageStore) -> None:
        self._messages = messages

    @staticmethod
    def _visible(principal: Principal, message: FederalMessage) -> bool:
        return principal.in_any(READER_GROUPS) or (principal.tenant is not None and message.tenant == principal.tenant)

    @staticmethod
    def _require(principal: Principal) -> None:
        if not principal.in_any(READER_GROUPS | SENDER_GROUPS):
            raise ForbiddenError("reading federal messages needs one of the roles "
                                 f"{', '.join(sorted(READER_GROUPS | SENDER_GROUPS))}")

    def list(self, principal: Principal, submission_id: str | None = None, status: MessageStatus | None = None,
             dossier_id: str | None = None, limit: int = 100) -> list[MessageView]:
        self._require(principal)
        found = self._messages.query(submission_id=submission_id, dossier_id=dossier_id, status=status,
                                     limit=limit if principal.in_any(READER_GROUPS) else limit * 5)
        return [view(m) for m in found if self._visible(principal, m)
                and (submission_id is None or m.submission_id == submission_id)][:limit]

    def get(self, principal: Principal, message_id: str) -> MessageView:
        self._require(principal)
        message = self._messages.get(message_id)
        # a sender asking for another tenant's message learns nothing, not even that it exists
        if message is None or not self._visible(principal, message):
            raise NotFoundError(f"message {message_id} not found")
        return view(message)
