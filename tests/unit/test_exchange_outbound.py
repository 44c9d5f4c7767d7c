"""Correlation ids in federal messages, and caseworker-initiated messages (in-memory adapters)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from lxml import etree

from eakte.adapters.memory import MemoryAuditTrail, MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.adapters.memory_exchange import MemoryMessageStore, MemoryOutbox, RecordingEndpoint
from eakte.auth import Principal
from eakte.errors import ConflictError, ForbiddenError
from eakte.exchange import ech
from eakte.exchange.model import MessageRejection, MessageStatus, RejectionCode
from eakte.exchange.outbound import CaseworkerMessageRequest, OutboundService, person_of
from eakte.exchange.parsing import parse_message
from eakte.exchange.schemas import ECH_0020_V3, ECH_0090_V2, validate
from eakte.exchange.service import ExchangeService, ForwardService, ReceiptService, forward_message_id
from eakte.logic.intake import Buckets
from eakte.models.api import DossierView
from eakte.models.document import AuditAction, Document, DocumentStatus, StageMessage, SubmissionKind
from eakte.ports import ObjectRef
from samples.events import event_person, person_event

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BUCKETS = Buckets(intake="intake", archive="archive")
SUBMISSION = "0f8c1a52-3a51-4c43-9d1e-6f5b6c1d2e3f"


def caseworker(*groups: str) -> Principal:
    return Principal(subject="cw-1", groups=frozenset(groups or ("caseworker",)), tenant=None, team="team-a")


class World:
    def __init__(self) -> None:
        self.records, self.objects, self.messages = MemoryRecordStore(), MemoryObjectStore(), MemoryMessageStore()
        self.outbox, self.endpoint, self.audit = MemoryOutbox(), RecordingEndpoint(), MemoryAuditTrail()
        self.exchange = ExchangeService(self.records, self.objects, self.messages, self.outbox, BUCKETS,
                                        MemoryQueue(), clock=lambda: NOW)
        self.forward = ForwardService(self.messages, self.objects, self.endpoint, BUCKETS, clock=lambda: NOW)
        self.receipts = ReceiptService(self.messages, clock=lambda: NOW)
        self.outbound = OutboundService(self.messages, self.objects, self.outbox, self.audit, BUCKETS,
                                        clock=lambda: NOW)

    def arrive(self, data: bytes, correlation_id: str | None = SUBMISSION) -> Document:
        key = "documents/doc-1/original.xml"
        self.objects.put(ObjectRef("archive", key), data, "application/xml")
        doc = Document(document_id="doc-1", submission_id="sub-1", tenant="bfs-230", kind=SubmissionKind.MESSAGE,
                       status=DocumentStatus.RECEIVED, filename="m.xml", source_bucket="intake",
                       source_key="incoming/doc-1", original_key=key, correlation_id=correlation_id,
                       received_at=NOW, updated_at=NOW)
        self.records.create_document(doc)
        self.exchange.run(StageMessage(document_id="doc-1", correlation_id=correlation_id))
        return self.records.get_document("doc-1")  # type: ignore[return-value]

    def payload(self, message_id: str) -> etree._Element:
        message = self.messages.get(message_id)
        assert message is not None and message.payload_key
        return parse_message(self.objects.read(ObjectRef("archive", message.payload_key)))

    def envelope(self, message_id: str) -> etree._Element:
        message = self.messages.get(message_id)
        assert message is not None and message.envelope_key
        return parse_message(self.objects.read(ObjectRef("archive", message.envelope_key)))


def dossier(**changes: object) -> DossierView:
    person = event_person(3)
    values: dict[str, object] = {
        "dossier_id": "D-ABC123", "surname": person.surname, "given_names": person.given_names,
        "birth_date": person.birth_date, "nationality": "SYR", "sex": "F" if person.female else "M",
        "reference_numbers": {"ahvNumber": f"{person.ahv[:3]}.{person.ahv[3:7]}.{person.ahv[7:11]}.{person.ahv[11:]}"},
        "team": "team-a", "created_at": NOW, "documents": []}
    return DossierView.model_validate(values | changes)


def permit(**changes: object) -> CaseworkerMessageRequest:
    return CaseworkerMessageRequest.model_validate({
        "event": "changeResidencePermit", "residencePermit": "03", "residencePermitValidFrom": "2026-11-01",
        "comment": "Niederlassungsbewilligung erteilt", **changes})


# --- correlation id in the forwarded message ------------------------------------------------------


def test_the_upload_correlation_id_travels_in_the_official_header_of_the_forward() -> None:
    w = World()
    doc = w.arrive(person_event(event_person(1), 0))
    message_id = forward_message_id(doc.document_id)
    message = w.messages.get(message_id)
    assert message is not None and message.correlation_id == SUBMISSION
    payload = w.payload(message_id)
    assert validate(payload, ECH_0020_V3) == [] and validate(w.envelope(message_id), ECH_0090_V2) == []
    assert ech.read_business_reference(payload) == SUBMISSION
    # the municipality's businessProcessId travels on unchanged (eCH-0058: kept through the process)
    process = payload.xpath("//e58:businessProcessId", namespaces=ech.NS)
    assert process and process[0].text.startswith("eakte-")
    assert w.outbox.correlation[message_id] == SUBMISSION  # the forward stage logs under it


def test_a_municipality_reference_is_replaced_by_ours_and_a_missing_correlation_falls_back() -> None:
    w = World()
    xml = person_event(event_person(2), 0).replace(
        b"<eCH-0058:messageType>", b"<eCH-0058:ourBusinessReferenceId>GDE-4711</eCH-0058:ourBusinessReferenceId>"
                                   b"<eCH-0058:messageType>")
    doc = w.arrive(xml, correlation_id=None)
    payload = w.payload(forward_message_id(doc.document_id))
    assert validate(payload, ECH_0020_V3) == []
    assert ech.read_business_reference(payload) == "sub-1"  # the submission id is the correlation id


def test_a_correlation_id_that_does_not_fit_the_header_type_is_left_out() -> None:
    assert ech.business_reference("x" * 51) is None
    assert ech.business_reference("has space") is None
    assert ech.business_reference(SUBMISSION) == SUBMISSION


def test_a_negative_receipt_carries_the_correlation_id() -> None:
    w = World()
    doc = w.arrive(person_event(event_person(5), 0).replace(b"<eCH-0058:messageType>2020<",
                                                            b"<eCH-0058:messageType>2021<"))
    assert doc.status is DocumentStatus.REJECTED
    [receipt] = w.messages.messages.values()
    assert receipt.status is MessageStatus.NACKED and receipt.correlation_id == SUBMISSION


# --- caseworker messages --------------------------------------------------------------------------


def test_a_caseworker_permit_decision_is_validated_queued_and_audited() -> None:
    w = World()
    message = w.outbound.send(caseworker(), dossier(), permit(), correlation_id="req-0001-abcd")
    assert message.status is MessageStatus.QUEUED and message.originator == "cw-1"
    assert message.event == "changeResidencePermit" and message.dossier_id == "D-ABC123"
    assert message.submission_id is None and message.tenant is None and message.reference_message_id is None
    person = event_person(3)
    assert message.group_id == f"AHV-{person.ahv}" and message.group_sequence == 1
    assert w.outbox.queued == [(message.message_id, f"AHV-{person.ahv}", 0)]
    assert w.outbox.correlation[message.message_id] == "req-0001-abcd"
    payload, envelope = w.payload(message.message_id), w.envelope(message.message_id)
    assert validate(payload, ECH_0020_V3) == [] and validate(envelope, ECH_0090_V2) == []
    assert ech.read_business_reference(payload) == "req-0001-abcd"
    event = ech.read_event(payload)
    assert event.event == "changeResidencePermit" and event.person.vn == person.ahv
    assert payload.xpath("string(//e11:residencePermit)", namespaces=ech.NS) == "03"
    assert envelope.xpath("string(e90:messageId)", namespaces=ech.NS) == message.message_id
    [audit] = w.audit.events(dossier_id="D-ABC123")
    assert audit.action is AuditAction.SEND_FEDERAL_MESSAGE and audit.actor == "cw-1"
    assert audit.target_id == message.message_id and audit.reason == "Niederlassungsbewilligung erteilt"
    assert audit.details["residencePermit"] == "03"

    # it goes the same way as a forwarded event: delivered, then acknowledged
    assert w.forward.turn(message.message_id)
    w.forward.deliver(message.message_id)
    w.receipts.apply(ech.build_receipt(message.message_id, "2020", "T4-999999-1", "T2-ZH-7", 100, "ok", NOW))
    done = w.messages.get(message.message_id)
    assert done is not None and [h.status for h in done.history] == [
        MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.ACKNOWLEDGED]


def test_the_caseworker_message_is_ordered_behind_the_persons_forwarded_events() -> None:
    w = World()
    person = event_person(3)
    doc = w.arrive(person_event(person, 0))
    view = dossier(dossier_id=doc.dossier_id)
    message = w.outbound.send(caseworker(), view, permit(event="correctResidencePermit"), "req-0002-abcd")
    assert message.group_id == f"AHV-{person.ahv}" and message.group_sequence == 2
    assert w.forward.turn(message.message_id) is False  # the arrival is still queued: it goes first
    w.forward.deliver(forward_message_id(doc.document_id))
    assert w.forward.turn(message.message_id) is True
    assert ech.read_event(w.payload(message.message_id)).event == "correctResidencePermit"


def test_an_invalid_permit_code_is_refused_with_the_validators_path_and_nothing_is_queued() -> None:
    w = World()
    with pytest.raises(MessageRejection) as refused:
        w.outbound.send(caseworker(), dossier(), permit(residencePermit="99"), None)
    assert refused.value.code is RejectionCode.SCHEMA_INVALID
    assert refused.value.path.endswith("/eCH-0011:residencePermit")
    assert w.outbox.queued == [] and w.messages.messages == {} and w.audit.events() == []


def test_business_rules_and_missing_person_data_are_refused() -> None:
    w = World()
    with pytest.raises(MessageRejection) as refused:
        w.outbound.send(caseworker(), dossier(), permit(residencePermitValidTill="2026-01-01"), None)
    assert refused.value.rule == "date_range_order"
    with pytest.raises(MessageRejection) as refused:
        w.outbound.send(caseworker(), dossier(birth_date=None), permit(), None)
    assert refused.value.code is RejectionCode.SCHEMA_INVALID and "yearMonthDay" in refused.value.path
    with pytest.raises(MessageRejection) as refused:
        w.outbound.send(caseworker(), dossier(nationality="CHE"), permit(), None)
    assert refused.value.rule == "foreign_national"
    assert w.outbox.queued == []


def test_only_caseworkers_and_team_leads_send() -> None:
    w = World()
    for groups in (("municipality",), ("auditor",), ("ops",)):
        with pytest.raises(ForbiddenError):
            w.outbound.send(caseworker(*groups), dossier(), permit(), None)
    assert w.outbound.send(caseworker("teamlead"), dossier(), permit(), None).status is MessageStatus.QUEUED


def test_a_repeated_request_id_returns_the_first_message_queued_once() -> None:
    w = World()
    first = w.outbound.send(caseworker(), dossier(), permit(requestId="form-7f3a9c21"), "req-a")
    again = w.outbound.send(caseworker(), dossier(), permit(requestId="form-7f3a9c21"), "req-b")
    assert again.message_id == first.message_id and again.correlation_id == "req-a"
    assert len(w.messages.messages) == 1 and len(w.outbox.queued) == 1
    with pytest.raises(ConflictError):
        w.outbound.send(caseworker(), dossier(), permit(requestId="form-7f3a9c21", event="correctResidencePermit"),
                        "req-c")
    # the same id for another permit code: refused, not answered with the first message
    with pytest.raises(ConflictError):
        w.outbound.send(caseworker(), dossier(), permit(requestId="form-7f3a9c21", residencePermit="02"), "req-d")
    assert len(w.messages.messages) == 1 and len(w.outbox.queued) == 1


def test_person_of_a_dossier_without_ahv_uses_our_dossier_id_and_its_own_group() -> None:
    person = person_of(dossier(reference_numbers={}))
    assert person.vn is None and person.local_person_id == "CT.ZH.EAKTE:D-ABC123"
    assert person_of(dossier(reference_numbers={"zemisNumber": "1234.5678-9"})).local_person_id == \
        "CH.ZEMIS:123456789"
    w = World()
    message = w.outbound.send(caseworker(), dossier(reference_numbers={}), permit(), None)
    assert message.group_id == "DOS-D-ABC123" and message.correlation_id == message.message_id
    assert validate(w.payload(message.message_id), ECH_0020_V3) == []


def test_the_request_model_refuses_unknown_events() -> None:
    with pytest.raises(ValueError, match="event"):
        permit(event="moveIn")
    assert permit().residence_permit_valid_from == date(2026, 11, 1)


def test_forward_reads_once_and_a_receipt_faster_than_our_sent_record_wins() -> None:
    w = World()
    doc = w.arrive(person_event(event_person(6), 0))
    message_id = forward_message_id(doc.document_id)

    class QuickEndpoint(RecordingEndpoint):
        def deliver(self, message_id: str, envelope: bytes, payload: bytes) -> None:
            super().deliver(message_id, envelope, payload)
            w.receipts.apply(ech.build_receipt(message_id, "2020", "T4-999999-1", "T2-ZH-7", 100, "ok", NOW))

    w.forward = ForwardService(w.messages, w.objects, QuickEndpoint(), BUCKETS, clock=lambda: NOW)
    done = w.forward.forward(message_id)
    assert done is not None and done.status is MessageStatus.ACKNOWLEDGED  # our stale SENT write lost the race
    assert [h.status for h in done.history] == [MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.ACKNOWLEDGED]
    assert w.forward.forward(message_id) == done  # delivered before: nothing again


def test_control_characters_are_refused_not_a_crash() -> None:
    w = World()
    with pytest.raises(MessageRejection) as refused:
        w.outbound.send(caseworker(), dossier(), permit(residencePermit="0\x01"), None)
    assert refused.value.code is RejectionCode.MALFORMED_XML
    assert w.outbox.queued == []
