"""Every audit event is also archived as an immutable object (Object Lock) in the archive bucket."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from eakte import wiring
from eakte.adapters.archived_audit import AUDIT_PREFIX
from eakte.models.document import Dossier
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration


def test_reads_are_archived_under_object_lock(h: Harness) -> None:
    wiring.records().create_dossier(Dossier(dossier_id="D-AUDIT-1", surname="Rahimi", given_names="Farid",
                                         birth_date=date(1979, 11, 23), created_at=datetime.now(UTC)))
    reader = h.token(["caseworker"], subject="sb-archive-1", team="team-a")
    assert h.api("GET", "/api/dossiers/D-AUDIT-1", reader)[0] == 200

    keys = [o["Key"] for page in h.s3.get_paginator("list_objects_v2").paginate(
        Bucket=h.aws.archive_bucket, Prefix=AUDIT_PREFIX) for o in page.get("Contents", [])]
    events = {k: json.loads(h.s3.get_object(Bucket=h.aws.archive_bucket, Key=k)["Body"].read()) for k in keys}
    mine = [(k, e) for k, e in events.items() if e["actor"] == "sb-archive-1"]
    assert len(mine) == 1
    key, event = mine[0]
    assert (event["action"], event["targetId"], event["sourceIp"]) == ("read_dossier", "D-AUDIT-1", "127.0.0.1")
    assert key.startswith(f"{AUDIT_PREFIX}{datetime.now(UTC):%Y/%m/%d}/")

    head = h.s3.head_object(Bucket=h.aws.archive_bucket, Key=key)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"].year >= datetime.now(UTC).year + 9
    # the same event is in the trail the auditors query
    _, trail = h.api("GET", "/api/audit?dossierId=D-AUDIT-1", h.token(["auditor"]))
    assert event["eventId"] in {e["eventId"] for e in trail["items"]}
    # and the archived copy cannot simply be deleted away
    with pytest.raises(Exception, match=r"AccessDenied|locked|retention"):
        h.s3.delete_object(Bucket=h.aws.archive_bucket, Key=key, VersionId=head["VersionId"])
