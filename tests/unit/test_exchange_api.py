"""Who may read federal messages: caseworkers and team leads all; senders only their own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eakte.adapters.memory_exchange import MemoryMessageStore
from eakte.auth import Principal
from eakte.errors import ForbiddenError, NotFoundError
from eakte.exchange.api import MessageQueries
from eakte.exchange.model import FederalMessage, HistoryEntry, MessageKind, MessageStatus

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def message(message_id: str, tenant: str, status: MessageStatus, dossier: str | None = None) -> FederalMessage:
    return FederalMessage(message_id=message_id, kind=MessageKind.FORWARD, submission_id=f"sub-{message_id}",
                          document_id=f"doc-{message_id}", tenant=tenant, dossier_id=dossier, message_type="2020",
                          status=status, history=[HistoryEntry(status=status, at=NOW)], created_at=NOW,
                          updated_at=NOW)


@pytest.fixture
def queries() -> MessageQueries:
    store = MemoryMessageStore()
    for m in (message("a", "bfs-230", MessageStatus.ACKNOWLEDGED, "D-1"), message("b", "bfs-261", MessageStatus.QUEUED),
              message("c", "bfs-230", MessageStatus.DEAD, "D-1")):
        store.create(m)
    return MessageQueries(store)


def test_caseworkers_see_all_and_filter(queries: MessageQueries) -> None:
    caseworker = Principal("cw", frozenset({"caseworker"}))
    assert {m.message_id for m in queries.list(caseworker)} == {"a", "b", "c"}
    assert [m.message_id for m in queries.list(caseworker, status=MessageStatus.DEAD)] == ["c"]
    assert {m.message_id for m in queries.list(caseworker, dossier_id="D-1")} == {"a", "c"}
    assert queries.get(caseworker, "b").submission_id == "sub-b"


def test_senders_see_only_their_own_tenants_messages(queries: MessageQueries) -> None:
    municipality = Principal("m", frozenset({"municipality"}), tenant="bfs-230")
    assert {m.message_id for m in queries.list(municipality)} == {"a", "c"}
    assert queries.list(municipality, submission_id="sub-b") == []
    with pytest.raises(NotFoundError):
        queries.get(municipality, "b")
    with pytest.raises(ForbiddenError):
        queries.list(Principal("s", frozenset({"scanner"}), tenant="bfs-230"))
    with pytest.raises(ForbiddenError):
        queries.get(Principal("x", frozenset({"auditor"})), "a")
