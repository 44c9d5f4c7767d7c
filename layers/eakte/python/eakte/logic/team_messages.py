"""Federal messages seen through a principal's team scope (eakte.logic.teams): a caseworker reads only
messages about their team's dossiers (a message without a dossier: the team its sender routes to)."""

from __future__ import annotations

from eakte.auth import Principal
from eakte.errors import NotFoundError
from eakte.exchange.api import MessageQueries, MessageView
from eakte.exchange.model import MessageStatus
from eakte.logic.teams import ALL_TEAMS, ScopedRecords, TeamScope, scope_of, team_of_tenant
from eakte.ports import RecordStore
from eakte.settings import READER_GROUPS


class ScopedMessageQueries:
    """GET /api/messages for a caseworker: only messages about their team's dossiers (a message
    without a dossier: the team its sender routes to). Senders and team leads as MessageQueries."""

    def __init__(self, queries: MessageQueries, records: RecordStore) -> None:
        self._queries = queries
        self._records = records

    def _scope(self, principal: Principal) -> TeamScope:
        return scope_of(principal) if principal.in_any(READER_GROUPS) else ALL_TEAMS  # senders: by tenant

    def _visible(self, reader: ScopedRecords, m: MessageView) -> bool:
        if m.dossier_id and (team := reader.team_of_dossier(m.dossier_id)) is not None:
            return reader.scope.allows(team)
        submission = self._records.get_submission(m.submission_id) if m.submission_id else None
        return submission is not None and reader.scope.allows(team_of_tenant(submission.tenant))

    def list(self, principal: Principal, submission_id: str | None = None, status: MessageStatus | None = None,
             dossier_id: str | None = None, limit: int = 100) -> list[MessageView]:
        scope = self._scope(principal)
        if scope.everything:
            return self._queries.list(principal, submission_id, status, dossier_id, limit)
        reader = ScopedRecords(self._records, scope)
        found = self._queries.list(principal, submission_id, status, dossier_id, limit * 5)
        return [m for m in found if self._visible(reader, m)][:limit]

    def get(self, principal: Principal, message_id: str) -> MessageView:
        scope = self._scope(principal)
        message = self._queries.get(principal, message_id)
        if not scope.everything and not self._visible(ScopedRecords(self._records, scope), message):
            raise NotFoundError(f"message {message_id} not found")
        return message
