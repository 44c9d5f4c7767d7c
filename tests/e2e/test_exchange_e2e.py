"""End-to-end on the local stack: an eCH-0020 event uploaded by a municipality is validated, filed,
forwarded to the federal stand-in and acknowledged, visible in /api/messages."""

from __future__ import annotations

import time

import requests

from eakte.local.client import LocalClient
from samples.events import event_message_id, event_person, person_event


def wait_for(client: LocalClient, token: str, submission_id: str, status: str, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        items = client.get(token, "/api/messages", submissionId=submission_id)["items"]
        if items and items[0]["status"] == status:
            return items[0]
        assert time.monotonic() < deadline, f"message of {submission_id} still {items}"
        time.sleep(0.3)


def test_uploaded_event_is_acknowledged_by_the_federal_stand_in(stack: LocalClient) -> None:
    sender = stack.token("gemeinde-e2e", ["municipality"], municipality="bfs-230")
    reader = stack.token("caseworker-e2e", ["caseworker"], team="team-a")
    person = event_person(777)
    federal = f"{stack.base_url}/local/federal"
    failures_before = requests.get(f"{federal}/stats", timeout=5).json()["transientFailures"]
    # the endpoint fails the next two deliveries (503): the message is retried and still arrives. A
    # count, not a rate: at a rate of 0.5 five failures in a row (1 in 32) back off past the wait
    requests.post(f"{federal}/control", json={"failNext": 2}, timeout=5)
    try:
        first = stack.upload(sender, "zuzug.xml", person_event(person, 0, run="e2e"))
        message = wait_for(stack, sender, first, "ACKNOWLEDGED")
    finally:
        requests.post(f"{federal}/control", json={"failNext": 0}, timeout=5)
    assert requests.get(f"{federal}/stats", timeout=5).json()["transientFailures"] - failures_before == 2
    assert message["referenceMessageId"] == event_message_id(person, 0, "e2e")
    assert [e["status"] for e in message["history"]][-2:] == ["SENT", "ACKNOWLEDGED"]
    detail = stack.get(reader, f"/api/messages/{message['messageId']}")
    assert detail["receipt"]["statusCode"] == 100 and detail["dossierId"]
    assert detail["correlationId"] == first  # the upload's submission id, also in the eCH-0058 header

    # the caseworker's own decision about the person goes the same way, behind the arrival
    sent = stack.post(reader, f"/api/dossiers/{detail['dossierId']}/messages", {
        "event": "changeResidencePermit", "residencePermit": "0201", "residencePermitValidFrom": "2026-10-01",
        "residencePermitValidTill": "2027-09-30"})
    assert sent["status"] == "QUEUED" and sent["originator"] == "caseworker-e2e"
    deadline = time.monotonic() + 60
    while (done := stack.get(reader, f"/api/messages/{sent['messageId']}"))["status"] != "ACKNOWLEDGED":
        assert time.monotonic() < deadline, f"caseworker message still {done['status']}"
        time.sleep(0.3)
    arrivals = requests.get(f"{stack.base_url}/local/federal/stats?arrivals=1", timeout=5).json()["arrivals"]
    mine = {a["messageId"]: a for a in arrivals}
    assert mine[sent["messageId"]]["businessReference"] == sent["correlationId"]
    assert mine[message["messageId"]]["businessReference"] == first

    broken = person_event(person, 1, run="e2e").replace(person.ahv.encode(), b"7560000000001")
    rejected = stack.upload(sender, "kaputt.xml", broken)
    receipt = wait_for(stack, sender, rejected, "NACKED")
    assert receipt["kind"] == "receipt" and "ahv_check_digit" in receipt["receipt"]["statusInfo"]
    stats = requests.get(f"{stack.base_url}/local/federal/stats", timeout=5).json()
    assert stats["accepted"] >= 1 and stats["duplicates"] == 0
