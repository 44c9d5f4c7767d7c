"""The message exchange against moto: intake -> exchange -> forward (SQS FIFO) -> federal stand-in
-> receipt, with the real handlers; ordering per person, redelivery, outage, DLQ and redrive."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from eakte.local.federal import FederalStandIn, receipt_to_queue
from eakte.local.lambda_host import LambdaContext, sqs_record
from eakte.local.redrive import redrive_stage
from eakte.settings import STAGES, EnvVar, Stage
from samples.events import event_message_id, event_person, person_event
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

_run = str(time.time_ns())  # the session's table outlives a test: every test uses fresh persons
_next_person = iter(range(10_000, 20_000))


@pytest.fixture(scope="session")
def federal(harness: Harness) -> Iterator[FederalStandIn]:
    stand_in = FederalStandIn(on_receipt=receipt_to_queue(harness.sqs, harness.aws.queue_urls[Stage.RECEIPT]),
                              receipt_delay_s=(0.0, 0.05), seed=4)
    os.environ[EnvVar.FEDERAL_ENDPOINT_URL] = stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def fed(federal: FederalStandIn, h: Harness) -> FederalStandIn:
    federal.control({"reset": True})
    return federal


def sender(h: Harness) -> str:
    return h.token(["municipality"], municipality="bfs-230")


def upload_event(h: Harness, token: str, person_index: int, seq: int) -> str:
    person = event_person(person_index)
    return h.upload(token, f"event-{seq}.xml", person_event(person, seq, run=_run), "application/xml", kind="message")


def messages(h: Harness, token: str, **query: str) -> list[dict[str, Any]]:
    path = "/api/messages" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    status, body = h.api("GET", path, token)
    assert status == 200, body
    return body["items"]


def receipts_in(h: Harness, fed: FederalStandIn) -> None:
    deadline = time.monotonic() + 10
    # every delivery the stand-in took (new or repeated) gets a receipt; wait until all are in the queue
    while time.monotonic() < deadline:
        stats = fed.stats(False)
        if not stats["pendingReceipts"] and stats["receiptsSent"] >= stats["accepted"] + stats["duplicates"]:
            break
        time.sleep(0.02)
    h.pump(Stage.RECEIPT)


def settle(h: Harness, fed: FederalStandIn, rounds: int = 1, pause_s: float = 0.0) -> None:
    h.pump(Stage.INTAKE)
    h.pump(Stage.EXCHANGE)
    for _ in range(rounds):
        h.pump(Stage.FORWARD)
        receipts_in(h, fed)
        time.sleep(pause_s)


def test_valid_event_is_filed_forwarded_and_acknowledged(h: Harness, fed: FederalStandIn) -> None:
    token, reader = sender(h), h.token(["caseworker"], team="team-a")
    index = next(_next_person)
    submission_id = upload_event(h, token, index, 0)
    settle(h, fed)

    status, view = h.api("GET", f"/api/submissions/{submission_id}", token)
    doc = view["documents"][0]
    assert doc["status"] == "INDEXED", doc
    status, detail = h.api("GET", f"/api/documents/{doc['documentId']}", reader)
    person = event_person(index)
    assert detail["fields"]["ahvNumber"]["value"].replace(".", "") == person.ahv
    status, dossier = h.api("GET", f"/api/dossiers/{detail['dossierId']}", reader)
    assert status == 200 and dossier["surname"] == person.surname  # opened from the message's person data

    [message] = messages(h, token, submissionId=submission_id)
    assert message["status"] == "ACKNOWLEDGED"
    assert message["referenceMessageId"] == event_message_id(person, 0, _run)
    assert message["documentId"] == doc["documentId"] and message["messageType"] == "2020"
    assert [e["status"] for e in message["history"]] == ["QUEUED", "SENT", "ACKNOWLEDGED"]
    status, one = h.api("GET", f"/api/messages/{message['messageId']}", reader)
    assert status == 200 and one["receipt"]["statusCode"] == 100
    assert fed.stats(False)["accepted"] == 1 and fed.stats(False)["invalid"] == 0

    # a second event of the same person lands in the same dossier
    second = upload_event(h, token, index, 1)
    settle(h, fed)
    [message2] = messages(h, token, submissionId=second)
    assert message2["dossierId"] == detail["dossierId"] and message2["status"] == "ACKNOWLEDGED"
    assert len(messages(h, reader, dossierId=detail["dossierId"])) == 2


def test_invalid_message_is_rejected_with_a_negative_receipt_for_the_sender(h: Harness, fed: FederalStandIn) -> None:
    token = sender(h)
    person = event_person(next(_next_person))
    xml = person_event(person, 0, run=_run).replace(person.ahv.encode(), (person.ahv[:-1] + "0").encode()
                                                    if person.ahv[-1] != "0" else (person.ahv[:-1] + "1").encode())
    submission_id = h.upload(token, "bad-ahv.xml", xml, "application/xml", kind="message")
    broken = person_event(event_person(next(_next_person)), 0, run=_run).replace(
        b"<eCH-0011:residencePermit>02<", b"<eCH-0011:residencePermit>99<")
    schema_submission = h.upload(token, "bad-code.xml", broken, "application/xml", kind="message")
    settle(h, fed)

    status, view = h.api("GET", f"/api/submissions/{submission_id}", token)
    doc = view["documents"][0]
    assert doc["status"] == "REJECTED" and doc["reason"] == "business_rule_violated"
    assert "ahv_check_digit" in doc["reasonDetail"] and "/eCH-0044:vn" in doc["reasonDetail"]
    [receipt] = messages(h, token, submissionId=submission_id)
    assert receipt["kind"] == "receipt" and receipt["status"] == "NACKED"
    assert receipt["receipt"]["statusCode"] == 311

    status, view = h.api("GET", f"/api/submissions/{schema_submission}", token)
    doc = view["documents"][0]
    assert doc["status"] == "REJECTED" and doc["reason"] == "schema_invalid"
    assert "residencePermit" in doc["reasonDetail"]  # the validator's error path
    assert fed.stats(False)["accepted"] == 0  # nothing invalid goes to the federal authority

    # another municipality sees neither the messages nor that they exist
    other = h.token(["municipality"], municipality="bfs-261")
    assert messages(h, other, submissionId=submission_id) == []
    status, _ = h.api("GET", f"/api/messages/{receipt['messageId']}", other)
    assert status == 404
    status, _ = h.api("GET", "/api/messages", h.token(["scanner"], municipality="scan-1"))
    assert status == 403


def test_each_persons_messages_arrive_in_order_despite_transient_failures(h: Harness, fed: FederalStandIn) -> None:
    token = sender(h)
    persons = [next(_next_person) for _ in range(3)]
    submissions = []
    for seq in range(3):  # one event per person at a time, as the municipality's register sends them
        submissions += [upload_event(h, token, p, seq) for p in persons]
        h.pump(Stage.INTAKE)
        h.pump(Stage.EXCHANGE)
    fed.control({"failureRate": 0.3})
    # the loop ends when all are acknowledged; the wait covers six failures of one message in a row
    # (backoff 1-2, 2-4 ... 32-64 s), which at 0.3 happens about once in 150 runs of this test
    deadline = time.monotonic() + 200
    while time.monotonic() < deadline:
        settle(h, fed, pause_s=0.5)
        if all(m["status"] == "ACKNOWLEDGED" for s in submissions for m in messages(h, token, submissionId=s)):
            break
    stats = fed.stats(True)
    assert stats["transientFailures"] > 0, "the failure injection did not bite"
    assert stats["accepted"] == 9 and stats["duplicates"] == 0
    for p in persons:
        person = event_person(p)
        arrived = [a["reference"] for a in stats["arrivals"] if a["person"] == person.ahv]
        assert arrived == [event_message_id(person, seq, _run) for seq in range(3)]


def test_redelivered_queue_messages_are_delivered_once(h: Harness, fed: FederalStandIn) -> None:
    token = sender(h)
    submission_id = upload_event(h, token, next(_next_person), 0)
    h.pump(Stage.INTAKE)
    stage_message = h.receive(Stage.EXCHANGE)
    h.deliver(Stage.EXCHANGE, stage_message)
    # the same exchange message again (SQS at-least-once): no second federal message
    h.sqs.send_message(QueueUrl=h.aws.queue_urls[Stage.EXCHANGE], MessageBody=stage_message[0]["Body"])
    h.pump(Stage.EXCHANGE)
    forward = h.receive(Stage.FORWARD)
    assert len(forward) == 1
    h.deliver(Stage.FORWARD, forward)
    # the same forward message again, past the FIFO deduplication (as a redrive would send it)
    h.sqs.send_message(QueueUrl=h.aws.queue_urls[Stage.FORWARD], MessageBody=forward[0]["Body"],
                       MessageGroupId=forward[0]["Attributes"]["MessageGroupId"], MessageDeduplicationId="again")
    h.pump(Stage.FORWARD)
    receipts_in(h, fed)
    [message] = messages(h, token, submissionId=submission_id)
    assert message["status"] == "ACKNOWLEDGED"
    assert fed.stats(False)["accepted"] == 1 and fed.stats(False)["duplicates"] == 0


def test_endpoint_outage_delays_delivery_then_dlq_and_redrive(h: Harness, fed: FederalStandIn) -> None:
    token = sender(h)
    submission_id = upload_event(h, token, next(_next_person), 0)
    h.pump(Stage.INTAKE)
    h.pump(Stage.EXCHANGE)
    fed.control({"down": True})
    forward = h.receive(Stage.FORWARD)
    response = h.deliver(Stage.FORWARD, forward)
    assert response["batchItemFailures"], "a delivery to a down endpoint must fail (and be retried)"
    [message] = messages(h, token, submissionId=submission_id)
    assert message["status"] == "QUEUED"
    assert fed.stats(False)["refusedWhileDown"] == 1

    # the last attempt: the message is marked DEAD and SQS moves it to the DLQ
    settings = STAGES[Stage.FORWARD]
    url, dlq = h.aws.queue_urls[Stage.FORWARD], h.aws.dlq_urls[Stage.FORWARD]
    h.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=forward[0]["ReceiptHandle"], VisibilityTimeout=0)
    last: list[dict[str, Any]] = []
    for _ in range(settings.max_receive_count):
        last = h.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=0,
                                     AttributeNames=["All"]).get("Messages", []) or last
    assert int(last[0]["Attributes"]["ApproximateReceiveCount"]) == settings.max_receive_count
    event = {"Records": [sqs_record(last[0], "arn:aws:sqs:eu-central-1:000000000000:forward.fifo", "eu-central-1")]}
    h.handler("forward").handler(event, LambdaContext("forward", 512, 30))
    assert h.receive(Stage.FORWARD, wait_s=0) == []  # the next receive moved it to the DLQ
    in_dlq = h.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
    assert in_dlq["Attributes"]["ApproximateNumberOfMessages"] == "1"
    [message] = messages(h, token, submissionId=submission_id)
    assert message["status"] == "DEAD" and "503" in message["history"][-1]["detail"]

    # the endpoint is back: redrive, deliver, acknowledge
    fed.control({"down": False})
    assert redrive_stage(h.sqs, h.aws.names, Stage.FORWARD).moved == 1
    settle(h, fed)
    [message] = messages(h, token, submissionId=submission_id)
    assert message["status"] == "ACKNOWLEDGED"
    assert [e["status"] for e in message["history"]] == ["QUEUED", "DEAD", "SENT", "ACKNOWLEDGED"]
    assert fed.stats(False)["accepted"] == 1



def test_a_police_report_is_filed_and_its_pdf_goes_through_ocr(h: Harness, fed: FederalStandIn) -> None:
    from samples.events import police_report_message, police_report_pdf

    index = next(_next_person)
    person = event_person(index)
    upload_event(h, sender(h), index, 0)  # the person arrived: a dossier exists
    settle(h, fed)
    police = h.token(["police"], municipality="kapo-be")
    submission_id = h.upload(police, "rapport.xml", police_report_message(person, [police_report_pdf(person)],
                                                                          run=_run), "application/xml", kind="message")
    h.pump(Stage.INTAKE)
    h.pump(Stage.EXCHANGE)
    assert h.pump(Stage.OCR) == 1
    h.pump(Stage.CLASSIFY)
    h.pump(Stage.INDEX)
    status, view = h.api("GET", f"/api/submissions/{submission_id}", police)
    assert status == 200 and len(view["documents"]) == 2, view
    reader = h.token(["caseworker"], team="team-a")
    docs = {d["filename"]: d for d in view["documents"]}
    message = docs["rapport.xml"]
    assert message["status"] == "INDEXED"
    status, report = h.api("GET", f"/api/documents/{docs['polizeirapport-1.pdf']['documentId']}", reader)
    assert report["documentType"] == "police_report" and report["pages"] == 2
    assert "Polizeirapport".casefold() in report["text"].casefold()
    assert messages(h, police, submissionId=submission_id) == []  # filed, not forwarded
    assert fed.stats(False)["accepted"] == 1  # only the arrival


def test_the_upload_correlation_id_reaches_the_federal_header_and_the_message(h: Harness, fed: FederalStandIn) -> None:
    token = sender(h)
    submission_id = upload_event(h, token, next(_next_person), 0)
    settle(h, fed)
    [message] = messages(h, token, submissionId=submission_id)
    assert message["status"] == "ACKNOWLEDGED" and message["correlationId"] == submission_id
    [arrival] = fed.stats(True)["arrivals"]
    assert arrival["messageId"] == message["messageId"] and arrival["valid"]  # the stand-in validated the XSD
    assert arrival["businessReference"] == submission_id  # eCH-0058 ourBusinessReferenceId


def caseworker_token(h: Harness) -> str:
    return h.token(["caseworker"], subject="sachbearbeiterin-7", team="team-a")


def test_a_caseworker_sends_a_permit_decision_that_is_delivered_after_the_persons_arrival(
        h: Harness, fed: FederalStandIn) -> None:
    token, worker = sender(h), caseworker_token(h)
    index = next(_next_person)
    person = event_person(index)
    submission_id = upload_event(h, token, index, 0)
    h.pump(Stage.INTAKE)
    h.pump(Stage.EXCHANGE)  # filed and queued, not yet delivered
    [arrival] = messages(h, token, submissionId=submission_id)
    dossier_id = arrival["dossierId"]

    status, sent = h.api("POST", f"/api/dossiers/{dossier_id}/messages", worker, {
        "event": "changeResidencePermit", "residencePermit": "03", "residencePermitValidFrom": "2026-11-01",
        "comment": "Niederlassungsbewilligung C erteilt"})
    assert status == 201, sent
    assert sent["status"] == "QUEUED" and sent["originator"] == "sachbearbeiterin-7"
    assert sent["dossierId"] == dossier_id and sent["event"] == "changeResidencePermit"
    assert sent["submissionId"] is None and sent["referenceMessageId"] is None and sent["correlationId"]

    settle(h, fed, rounds=2)
    status, done = h.api("GET", f"/api/messages/{sent['messageId']}", worker)
    assert status == 200 and done["status"] == "ACKNOWLEDGED", done
    assert [e["status"] for e in done["history"]] == ["QUEUED", "SENT", "ACKNOWLEDGED"]
    assert done["receipt"]["statusCode"] == 100  # the stand-in found it valid against the official XSD
    arrivals = [a for a in fed.stats(True)["arrivals"] if a["person"] == person.ahv]
    assert [a["messageId"] for a in arrivals] == [arrival["messageId"], sent["messageId"]]  # the person's order
    assert arrivals[1]["businessReference"] == sent["correlationId"]
    assert {m["messageId"] for m in messages(h, worker, dossierId=dossier_id)} == {
        arrival["messageId"], sent["messageId"]}
    assert messages(h, token, submissionId=submission_id)[0]["messageId"] == arrival["messageId"]
    status, audit = h.api("GET", f"/api/audit?dossierId={dossier_id}", h.token(["auditor"]))
    sends = [e for e in audit["items"] if e["action"] == "send_federal_message"]
    assert status == 200 and len(sends) == 1 and sends[0]["actor"] == "sachbearbeiterin-7"
    assert sends[0]["targetId"] == sent["messageId"]


def test_a_caseworker_message_that_is_not_schema_valid_is_refused_with_the_path(
        h: Harness, fed: FederalStandIn) -> None:
    token, worker = sender(h), caseworker_token(h)
    submission_id = upload_event(h, token, next(_next_person), 0)
    settle(h, fed)
    dossier_id = messages(h, token, submissionId=submission_id)[0]["dossierId"]
    path = f"/api/dossiers/{dossier_id}/messages"
    status, body = h.api("POST", path, worker, {"event": "changeResidencePermit", "residencePermit": "99"})
    assert status == 422 and body["error"]["code"] == "schema_invalid", body
    assert "/eCH-0011:residencePermit" in body["error"]["message"]
    status, body = h.api("POST", path, worker, {"event": "changeResidencePermit", "residencePermit": "02",
                                                "residencePermitValidFrom": "2026-05-01",
                                                "residencePermitValidTill": "2026-01-01"})
    assert status == 422 and "date_range_order" in body["error"]["message"]
    status, body = h.api("POST", path, worker, {"event": "moveIn", "residencePermit": "02"})
    assert status == 400 and body["error"]["code"] == "invalid_request"
    status, _ = h.api("POST", path, token, {"event": "changeResidencePermit", "residencePermit": "02"})
    assert status == 403  # a municipality does not speak for the canton
    status, _ = h.api("POST", "/api/dossiers/D-000000000000/messages", worker,
                      {"event": "changeResidencePermit", "residencePermit": "02"})
    assert status == 404
    assert h.receive(Stage.FORWARD, wait_s=0) == []  # nothing was queued
    assert len(messages(h, worker, dossierId=dossier_id)) == 1


class _Crash(RuntimeError):
    """The API Lambda dies between two writes (a timeout, a lost connection)."""


class _CrashOnce:
    """An adapter whose `method` fails once, then behaves (delegating everything else)."""

    def __init__(self, inner: Any, method: str) -> None:
        self._inner, self._method, self.crashed = inner, method, False

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name != self._method or self.crashed:
            return attribute

        def crash(*args: Any, **kwargs: Any) -> Any:
            self.crashed = True
            raise _Crash(f"{name}: connection reset")

        return crash


@pytest.mark.parametrize("crash_at", ["create", "enqueue"])
def test_a_caseworker_message_survives_a_crash_between_its_writes(
        h: Harness, fed: FederalStandIn, monkeypatch: pytest.MonkeyPatch, crash_at: str) -> None:
    """After queueing (`create` fails): the forward stage registers it from its draft and delivers
    it. Before queueing (`enqueue` fails): nothing is visible or queued, the person's later messages
    go, and the browser's retry with the same request id finishes the one message."""
    from eakte.exchange import wiring as exchange_wiring
    from eakte.exchange.outbound import OutboundService
    from eakte.wiring import audit_trail, buckets, objects

    token, worker = sender(h), caseworker_token(h)
    index = next(_next_person)
    submission_id = upload_event(h, token, index, 0)
    settle(h, fed)
    [arrival] = messages(h, token, submissionId=submission_id)
    dossier_id, path = arrival["dossierId"], f"/api/dossiers/{arrival['dossierId']}/messages"
    request = {"event": "changeResidencePermit", "residencePermit": "0201", "residencePermitValidFrom": "2026-11-01",
               "requestId": f"form-{uuid.uuid4()}"}

    api = h.handler("api")
    store, outbox = exchange_wiring.messages(), exchange_wiring.outbox()
    crashing = _CrashOnce(store if crash_at == "create" else outbox, crash_at)
    monkeypatch.setattr(api, "outbound", lambda: OutboundService(
        crashing if crash_at == "create" else store, objects(), crashing if crash_at == "enqueue" else outbox,
        audit_trail(), buckets()))
    with pytest.raises(_Crash):
        h.api("POST", path, worker, request)
    assert [m["messageId"] for m in messages(h, worker, dossierId=dossier_id)] == [arrival["messageId"]]

    later = upload_event(h, token, index, 1)  # the person's next event is not held up by it
    settle(h, fed, rounds=2)
    later_message = messages(h, token, submissionId=later)[0]
    assert later_message["status"] == "ACKNOWLEDGED", later_message
    in_dossier = {m["messageId"]: m for m in messages(h, worker, dossierId=dossier_id)}
    if crash_at == "create":  # queued before the crash: registered from its draft and delivered
        assert len(in_dossier) == 3
    else:  # the request failed before anything was queued: not visible, nothing stuck
        assert set(in_dossier) == {arrival["messageId"], later_message["messageId"]}

    status, sent = h.api("POST", path, worker, request)  # the browser repeats the request
    assert status == 201, sent
    again, _ = h.api("POST", path, worker, request)
    assert again == 201
    settle(h, fed, rounds=2)
    status, done = h.api("GET", f"/api/messages/{sent['messageId']}", worker)
    assert status == 200 and done["status"] == "ACKNOWLEDGED" and done["originator"] == "sachbearbeiterin-7"
    assert [e["status"] for e in done["history"]] == ["QUEUED", "SENT", "ACKNOWLEDGED"]
    assert len(messages(h, worker, dossierId=dossier_id)) == 3  # one message for the request, not two
    delivered = [a["messageId"] for a in fed.stats(True)["arrivals"] if a["person"] == event_person(index).ahv]
    assert delivered.count(sent["messageId"]) == 1
    expected = [arrival["messageId"], sent["messageId"], later_message["messageId"]] if crash_at == "create" \
        else [arrival["messageId"], later_message["messageId"], sent["messageId"]]
    assert delivered == expected  # the order the register saw them committed
