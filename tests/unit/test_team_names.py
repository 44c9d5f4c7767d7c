"""GET /api/teams: the office's teams, for its own staff only."""

from __future__ import annotations

import pytest

from eakte.auth import Principal
from eakte.errors import ForbiddenError, TeamRequiredError
from eakte.logic.teams import team_names
from eakte.settings import DEFAULT_TEAM, TEAMS


def test_caseworkers_and_team_leads_get_the_teams_others_do_not() -> None:
    for groups in ({"caseworker"}, {"teamlead"}):
        names = team_names(Principal(subject="s", groups=frozenset(groups), tenant=None, team="team-b"))
        assert names == list(TEAMS) and DEFAULT_TEAM in names
    for groups in ({"municipality"}, {"auditor"}, {"ops"}, set()):
        with pytest.raises(ForbiddenError):
            team_names(Principal(subject="s", groups=frozenset(groups), tenant="bfs-230", team=None))
    for team in (None, "team-x"):  # a caseworker without a team of the office: as for every read
        with pytest.raises(TeamRequiredError):
            team_names(Principal(subject="s", groups=frozenset({"caseworker"}), tenant=None, team=team))
