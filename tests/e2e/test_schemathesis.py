"""schemathesis against /api/openapi.json of the running local stack, bounded: every operation
gets valid (positive) and invalid (negative) generated requests under the role that may call it.
No 5xx, no response outside the served schema. The summary goes to test-artifacts/schemathesis.md."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.generation import GenerationMode

from eakte.local.client import LocalClient
from tests.hostile.report import write_table

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 25  # per operation and generation mode: ~650 requests, well under a minute
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
ROLE_BY_PATH = {"/api/uploads": "municipality", "/api/submissions": "municipality",
                "/api/submissions/{submission_id}": "municipality", "/api/audit": "auditor",
                "/api/ops/overview": "ops"}


def _fuzz(operation: Any, mode: GenerationMode, base_url: str, token: str) -> tuple[Counter[int], list[str]]:
    statuses: Counter[int] = Counter()
    problems: list[str] = []

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as e:  # schemathesis' failures are AssertionErrors (grouped)
            problems.append(f"{operation.method.upper()} {operation.path} [{mode.value}] "
                            f"{response.status_code}: {str(e)[:600]}")
            raise

    try:
        run()
    except AssertionError:
        problems[:] = problems[-1:]  # the shrunk, minimal example
    return statuses, problems


def test_generated_requests_get_no_5xx_and_match_the_schema(stack: LocalClient) -> None:
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/api/openapi.json")
    tokens = {role: stack.token(f"schemathesis-{role}", [role], municipality="bfs-st", team="team-a")
              for role in ("caseworker", "municipality", "auditor", "ops")}
    rows: list[tuple[Any, ...]] = []
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        role = ROLE_BY_PATH.get(operation.path, "caseworker")
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            statuses, problems = _fuzz(operation, mode, stack.base_url, tokens[role])
            failures += problems
            rows.append((f"{operation.method.upper()} {operation.path}", role, mode.value, sum(statuses.values()),
                         ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items())),
                         "yes" if problems else "none"))
    total = sum(r[3] for r in rows)
    rows.append(("all operations", "", "", total, "", f"{len(failures)} failing" if failures else "none"))
    write_table("schemathesis.md", f"schemathesis {schemathesis.SCHEMATHESIS_VERSION}: checks "
                f"{', '.join(c.__name__ for c in CHECKS)}", ("operation", "role", "mode", "requests",
                                                             "statuses", "failures"), rows)
    assert total >= 100
    assert not failures, "\n".join(failures)
