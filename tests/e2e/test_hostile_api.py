"""The API part of the hostile-input catalogue against the running local stack (real HTTP)."""

from __future__ import annotations

import pytest
import requests

from eakte.local.client import LocalClient
from tests.hostile.catalogue import BIG_JSON_MB, REQUESTS, json_body_of
from tests.hostile.report import write_table

pytestmark = pytest.mark.e2e


def test_hostile_requests_over_http(stack: LocalClient) -> None:
    token = stack.token("gemeinde-hostile", ["municipality"], municipality="bfs-5586")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    rows, wrong = [], []
    for entry in REQUESTS:
        r = requests.request(entry.method, f"{stack.base_url}{entry.path}", data=entry.body().encode("utf-8"),
                             headers=headers, timeout=30)
        body = r.json()
        if r.status_code == 200:
            outcome = f"200, stored as …/{body['upload']['fields']['key'].rsplit('/', 1)[-1]}"
            ok = body["upload"]["fields"]["key"].endswith(f"/{body['submissionId']}/{entry.stored_as}")
        else:
            outcome = f"{r.status_code} {body['error']['code']}"
            ok = body["error"]["code"] == entry.code
        rows.append((entry.name, outcome))
        if not ok or r.status_code != entry.status:
            wrong.append((entry.name, r.status_code, body))
    try:
        r = requests.post(f"{stack.base_url}/api/uploads", data=json_body_of(BIG_JSON_MB).encode(), headers=headers,
                          timeout=60)
        big = f"{r.status_code} {r.json()['error']['code']}"
    except requests.ConnectionError as e:  # the front may close the connection while we still send
        big = f"connection closed: {e}"
    rows.append((f"{BIG_JSON_MB} MB JSON body over HTTP", big))
    if big != "413 body_too_large":
        wrong.append(("big json", big))
    # the stack survived all of it
    assert requests.get(f"{stack.base_url}/api/openapi.json", timeout=10).status_code == 200
    write_table("hostile-requests-e2e.md", "Hostile requests over HTTP to the local stack", ("input", "outcome"),
                rows)
    assert not wrong, wrong
