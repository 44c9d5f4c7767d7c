"""Teams: which dossiers a caseworker may see.

Every dossier belongs to one team of the office. It gets its team when it is opened, from the
submitting municipality / unit (`settings.TEAM_OF_TENANT`, else `settings.DEFAULT_TEAM`); a team lead
can move it to another team. A document in a dossier belongs to the dossier's team; a document in the
inbox (no dossier yet) to the team its submitter routes to. Dossiers and documents stored before teams
existed have no team and belong to DEFAULT_TEAM.

Scopes are enforced where the records are read: the API service reads only through `ScopedRecords`,
whose every read is limited to the principal's teams (the record store's inbox and dossier search
take the teams too), so a forgotten check in the API cannot hand out another team's dossier. A
foreign team's dossier or document is "not found": its existence is not revealed either.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from eakte.errors import ForbiddenError, TeamRequiredError
from eakte.models.document import Document, Dossier, DossierCandidate, Submission
from eakte.ports import DossierQuery, RecordStore
from eakte.settings import DEFAULT_TEAM, TEAM_OF_TENANT, TEAMS

if TYPE_CHECKING:  # the pipeline stages use this module too; they need no JWT library at cold start
    from eakte.auth import Principal

TEAMLEAD_GROUPS = frozenset({"teamlead"})
CASEWORKER_GROUPS = frozenset({"caseworker"})

# the configuration must route only to teams that exist (a typo would hide dossiers from everyone)
if DEFAULT_TEAM not in TEAMS or not set(TEAM_OF_TENANT.values()) <= set(TEAMS):
    raise ValueError("settings: DEFAULT_TEAM and TEAM_OF_TENANT must name teams of TEAMS")


def team_of_tenant(tenant: str | None) -> str:
    """The team that handles what this municipality / unit submits."""
    return TEAM_OF_TENANT.get(tenant or "", DEFAULT_TEAM)


def dossier_team(dossier: Dossier) -> str:
    return dossier.team or DEFAULT_TEAM


def inbox_team(doc: Document) -> str:
    """The team whose inbox a document without a dossier is in (set at indexing, else by submitter)."""
    return doc.team or team_of_tenant(doc.tenant)


def document_team(doc: Document, dossier: Dossier | None) -> str:
    """A document in a dossier belongs to the dossier's team, else to the inbox team."""
    return dossier_team(dossier) if dossier is not None else inbox_team(doc)


@dataclass(frozen=True)
class TeamScope:
    """The teams whose records a principal may read; `teams=None` means every team."""

    teams: frozenset[str] | None

    def allows(self, team: str) -> bool:
        return self.teams is None or team in self.teams

    @property
    def everything(self) -> bool:
        return self.teams is None


ALL_TEAMS = TeamScope(None)


def scope_of(principal: Principal) -> TeamScope:
    """Team leads see every team; a caseworker their own team only, and nothing without one."""
    if principal.in_any(TEAMLEAD_GROUPS):
        return ALL_TEAMS
    if principal.in_any(CASEWORKER_GROUPS):
        if not principal.team:
            raise TeamRequiredError("the token names no team; a caseworker sees only the dossiers of their team")
        if principal.team not in TEAMS:
            raise TeamRequiredError(f"the token's team {principal.team!r} is not a team of this office")
        return TeamScope(frozenset({principal.team}))
    return TeamScope(frozenset())  # no reader role: no dossier at all


@dataclass
class ScopedRecords:
    """The reads of the record store, limited to one scope. Writes stay on the record store."""

    records: RecordStore
    scope: TeamScope
    _dossiers: dict[str, Dossier | None] = field(default_factory=dict)

    def _any_dossier(self, dossier_id: str) -> Dossier | None:
        # unscoped, for deciding a document's team; never returned to a caller
        if dossier_id not in self._dossiers:
            self._dossiers[dossier_id] = self.records.get_dossier(dossier_id)
        return self._dossiers[dossier_id]

    def team_of_dossier(self, dossier_id: str) -> str | None:
        """The owning team of a dossier (None: no such dossier), whether in scope or not."""
        dossier = self._any_dossier(dossier_id)
        return dossier_team(dossier) if dossier is not None else None

    def team_of(self, doc: Document) -> str:
        return document_team(doc, self._any_dossier(doc.dossier_id) if doc.dossier_id else None)

    def visible_document(self, doc: Document) -> bool:
        return self.scope.allows(self.team_of(doc))

    def get_document(self, document_id: str) -> Document | None:
        doc = self.records.get_document(document_id)
        return doc if doc is not None and self.visible_document(doc) else None

    def get_dossier(self, dossier_id: str) -> Dossier | None:
        dossier = self._any_dossier(dossier_id)
        return dossier if dossier is not None and self.scope.allows(dossier_team(dossier)) else None

    def documents_of_dossier(self, dossier_id: str) -> list[Document]:
        if self.get_dossier(dossier_id) is None:
            return []
        return self.records.documents_of_dossier(dossier_id)

    def documents_of_submission(self, submission_id: str) -> list[Document]:
        return [d for d in self.records.documents_of_submission(submission_id) if self.visible_document(d)]

    def visible_submission(self, submission: Submission, documents: list[Document]) -> bool:
        """A reader sees a submission their team is routed, or with a document of theirs."""
        return self.scope.allows(team_of_tenant(submission.tenant)) or bool(documents)

    def find_dossiers(self, query: DossierQuery) -> list[Dossier]:
        teams = query.teams if self.scope.teams is None else \
            self.scope.teams if query.teams is None else self.scope.teams & query.teams
        found = self.records.find_dossiers(replace(query, teams=teams))
        return [d for d in found if self.scope.allows(dossier_team(d))]  # the store filtered; belt and braces

    def inbox(self, limit: int = 100) -> list[Document]:
        found = self.records.inbox(limit, teams=self.scope.teams)
        return [d for d in found if self.visible_document(d)]

    def candidates(self, candidates: list[DossierCandidate]) -> list[DossierCandidate]:
        """Candidate dossiers the principal may see; others' are left out (not even their ids)."""
        if self.scope.everything:
            return candidates
        return [c for c in candidates if self.get_dossier(c.dossier_id) is not None]


def require_teamlead(principal: Principal, what: str) -> None:
    if not principal.in_any(TEAMLEAD_GROUPS):
        raise ForbiddenError(f"{what} needs the role teamlead")


def team_names(principal: Principal) -> list[str]:
    """GET /api/teams: the office's teams (settings.TEAMS), for the web app's dossier view and its
    "move to team" choice; the office's own staff only."""
    if not principal.in_any(TEAMLEAD_GROUPS | CASEWORKER_GROUPS):
        raise ForbiddenError("the list of teams needs one of the roles caseworker, teamlead")
    scope_of(principal)  # a caseworker's token must name a team of the office, as for every other read
    return list(TEAMS)
