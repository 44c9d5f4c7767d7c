"""The exchange stages with in-memory adapters: filing, forwarding order, delivery, receipts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from eakte.adapters.memory import MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.adapters.memory_exchange import MemoryMessageStore, MemoryOutbox, RecordingEndpoint
from eakte.errors import TransientError
from eakte.exchange import ech
from eakte.exchange.model import MessageKind, MessageStatus
from eakte.exchange.service import (
    ExchangeService,
    ForwardService,
    GroupBlockedError,
    ReceiptService,
    forward_message_id,
)
from eakte.logic.addresses import address_key
from eakte.logic.intake import Buckets
from eakte.models.document import Document, DocumentStatus, Dossier, StageMessage, SubmissionKind
from eakte.ports import ObjectRef
from eakte.settings import Stage
from samples.events import event_person, person_event

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BUCKETS = Buckets(intake="intake", archive="archive")


class World:
    def __init__(self) -> None:
        self.records = MemoryRecordStore()
        self.objects = MemoryObjectStore()
        self.messages = MemoryMessageStore()
        self.outbox = MemoryOutbox()
        self.endpoint = RecordingEndpoint()
        self.queue = MemoryQueue()
        self.exchange = ExchangeService(self.records, self.objects, self.messages, self.outbox, BUCKETS, self.queue,
                                        clock=lambda: NOW)
        self.forward = ForwardService(self.messages, self.objects, self.endpoint, BUCKETS, clock=lambda: NOW)
        self.receipts = ReceiptService(self.messages, clock=lambda: NOW)
        self._n = 0

    def arrive(self, data: bytes) -> Document:
        self._n += 1
        doc_id = f"doc-{self._n}"
        key = f"documents/{doc_id}/original.xml"
        self.objects.put(ObjectRef("archive", key), data, "application/xml")
        doc = Document(document_id=doc_id, submission_id=f"sub-{self._n}", tenant="bfs-230",
                       kind=SubmissionKind.MESSAGE, status=DocumentStatus.RECEIVED, filename="m.xml",
                       source_bucket="intake", source_key=f"incoming/{doc_id}", original_key=key,
                       received_at=NOW, updated_at=NOW)
        self.records.create_document(doc)
        self.exchange.run(StageMessage(document_id=doc_id))
        return self.records.get_document(doc_id)  # type: ignore[return-value]

    def acknowledge(self, message_id: str, code: int = ech.RECEIPT_OK) -> None:
        self.receipts.apply(ech.build_receipt(message_id, "2020", "T4-999999-1", "T2-ZH-7", code, "info", NOW))


def test_a_valid_event_opens_the_dossier_and_queues_the_forward() -> None:
    w = World()
    person = event_person(1)
    doc = w.arrive(person_event(person, 0))
    assert doc.status is DocumentStatus.INDEXED and doc.dossier_id
    dossier = w.records.get_dossier(doc.dossier_id)
    assert dossier is not None and dossier.reference_numbers["ahvNumber"].replace(".", "") == person.ahv
    message = w.messages.get(forward_message_id(doc.document_id))
    assert message is not None and message.status is MessageStatus.QUEUED
    assert w.outbox.queued == [(message.message_id, f"AHV-{person.ahv}", 0)]
    assert message.group_sequence == 1

    second = w.arrive(person_event(person, 1))
    assert second.dossier_id == doc.dossier_id
    assert w.messages.get(forward_message_id(second.document_id)).group_sequence == 2  # type: ignore[union-attr]


def test_the_registered_dwelling_address_is_known_to_the_dossier() -> None:
    w = World()
    person = event_person(1)
    doc = w.arrive(person_event(person, 0))  # moveIn with eCH-0011 dwellingAddress
    assert doc.dossier_id
    expected = f"{person.street}, {person.zip_code} {person.town}"
    assert w.records.dossier_addresses(doc.dossier_id) == [(expected, doc.document_id)]
    assert w.records.dossiers_at(address_key(expected) or "", 5) == [doc.dossier_id]


def test_a_redelivered_exchange_message_forwards_once() -> None:
    w = World()
    doc = w.arrive(person_event(event_person(2), 0))
    w.exchange.run(StageMessage(document_id=doc.document_id))
    assert len(w.outbox.queued) == 1 and len(w.messages.messages) == 1


def test_an_existing_dossier_found_by_name_and_birth_learns_the_ahv_number() -> None:
    w = World()
    person = event_person(4)
    w.records.create_dossier(Dossier(dossier_id="D-1", surname=person.surname, given_names=person.given_names,
                                  birth_date=person.birth_date, created_at=NOW))
    doc = w.arrive(person_event(person, 0))
    assert doc.dossier_id == "D-1"
    assert w.records.get_dossier("D-1").reference_numbers["ahvNumber"].replace(".", "") == person.ahv  # type: ignore[union-attr]


def test_a_dossier_of_another_ahv_number_is_never_taken() -> None:
    w = World()
    person = event_person(5)
    w.records.create_dossier(Dossier(dossier_id="D-OTHER", surname=person.surname, birth_date=person.birth_date,
                                  reference_numbers={"ahvNumber": "756.9999.9999.91"}, created_at=NOW))
    assert w.arrive(person_event(person, 0)).dossier_id != "D-OTHER"


def test_an_invalid_message_is_rejected_with_a_negative_receipt() -> None:
    w = World()
    person = event_person(6)
    bad = person_event(person, 0).replace(b"<eCH-0011:residencePermit>02<", b"<eCH-0011:residencePermit>99<")
    doc = w.arrive(bad)
    assert doc.status is DocumentStatus.REJECTED and doc.reason == "schema_invalid"
    [receipt] = w.messages.messages.values()
    assert receipt.kind is MessageKind.RECEIPT and receipt.status is MessageStatus.NACKED
    assert receipt.receipt is not None and receipt.receipt.status_code == ech.RECEIPT_SCHEMA_INVALID
    assert w.outbox.queued == []
    stored = w.objects.read(ObjectRef("archive", receipt.payload_key or ""))
    assert b"<eCH-0090:statusCode>310</eCH-0090:statusCode>" in stored


def test_a_swiss_citizens_event_is_filed_but_not_forwarded() -> None:
    w = World()
    person = event_person(7)
    data = person_event(person, 0).replace(f"<eCH-0008:countryIdISO2>{person.iso2}<".encode(),
                                           b"<eCH-0008:countryIdISO2>CH<")
    doc = w.arrive(data.replace(f"<eCH-0008:countryId>{person.bfs_country_id}<".encode(),
                                b"<eCH-0008:countryId>8100<"))
    assert doc.status is DocumentStatus.INDEXED and w.outbox.queued == []


def test_delivery_is_once_and_waits_for_the_earlier_message_of_the_person() -> None:
    w = World()
    person = event_person(8)
    first, second = (w.arrive(person_event(person, s)) for s in range(2))
    m1, m2 = forward_message_id(first.document_id), forward_message_id(second.document_id)
    assert w.forward.turn(m1) is True
    assert w.forward.turn(m2) is False  # the first is still queued: the second goes back behind it

    w.endpoint.fail_next = 1
    with pytest.raises(TransientError):
        w.forward.deliver(m1)
    assert w.messages.get(m1).status is MessageStatus.QUEUED  # type: ignore[union-attr]
    w.forward.mark_dead(m1, "delivery failed 10 times")
    with pytest.raises(GroupBlockedError):
        w.forward.turn(m2)  # the first is DEAD: the second waits for the redrive

    assert w.forward.deliver(m1).status is MessageStatus.SENT  # redriven
    assert w.forward.deliver(m1).status is MessageStatus.SENT  # redelivered: not sent again
    assert [d[0] for d in w.endpoint.delivered] == [m1]
    assert w.forward.turn(m2) is True
    w.forward.deliver(m2)
    assert [d[0] for d in w.endpoint.delivered] == [m1, m2]
    assert [e.status for e in w.messages.get(m1).history] == [  # type: ignore[union-attr]
        MessageStatus.QUEUED, MessageStatus.DEAD, MessageStatus.SENT]


def test_receipts_acknowledge_or_nack_once() -> None:
    w = World()
    docs = [w.arrive(person_event(event_person(9 + i), 0)) for i in range(3)]
    ids = [forward_message_id(d.document_id) for d in docs]
    for m in ids[:2]:
        w.forward.deliver(m)
    w.acknowledge(ids[0])
    w.acknowledge(ids[0])  # a repeated receipt changes nothing
    w.acknowledge(ids[1], ech.RECEIPT_SCHEMA_INVALID)
    w.acknowledge(ids[2])  # overtook our own SENT record
    first, second, third = (w.messages.get(m) for m in ids)
    assert first.status is MessageStatus.ACKNOWLEDGED and len(first.history) == 3  # type: ignore[union-attr]
    assert second.status is MessageStatus.NACKED and second.receipt.status_code == 310  # type: ignore[union-attr]
    assert [e.status for e in third.history] == [  # type: ignore[union-attr]
        MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.ACKNOWLEDGED]


def test_a_police_report_files_its_pdfs_for_ocr_and_is_not_forwarded() -> None:
    from samples.events import police_report_message, police_report_pdf

    w = World()
    person = event_person(12)
    w.arrive(person_event(person, 0))  # the person's dossier exists (arrival)
    queued_before = len(w.outbox.queued)
    pdf = police_report_pdf(person)
    doc = w.arrive(police_report_message(person, [pdf, pdf]))
    assert doc.status is DocumentStatus.INDEXED and len(w.outbox.queued) == queued_before
    attached = [d for d in w.records.documents.values() if d.submission_id == doc.submission_id
                and d.document_id != doc.document_id]
    assert len(attached) == 2 and all(d.status is DocumentStatus.RECEIVED and d.pages == 2 for d in attached)
    assert w.objects.read(ObjectRef("archive", attached[0].original_key or "")) == pdf
    assert sorted(m["documentId"] for m in w.queue.take(Stage.OCR)) == sorted(d.document_id for d in attached)
    w.exchange.run(StageMessage(document_id=doc.document_id))  # redelivered: nothing twice
    assert len([d for d in w.records.documents.values() if d.submission_id == doc.submission_id]) == 3


def test_a_police_report_with_a_broken_pdf_is_rejected() -> None:
    from samples.events import police_report_message

    w = World()
    doc = w.arrive(police_report_message(event_person(13), [b"%PDF-1.4 not really"]))
    assert doc.status is DocumentStatus.REJECTED and "attachment_readable" in (doc.reason_detail or "")


def test_a_twin_without_a_dossier_is_not_filed_with_her_sister() -> None:
    """Same surname and birth date, another first name: the sister's dossier neither gets the
    event nor learns the twin's AHV number."""
    w = World()
    person = event_person(6)
    w.records.create_dossier(Dossier(dossier_id="D-SISTER", surname=person.surname, given_names="Zahra",
                                     birth_date=person.birth_date, created_at=NOW))
    doc = w.arrive(person_event(person, 0))
    assert doc.dossier_id != "D-SISTER"
    assert "ahvNumber" not in w.records.get_dossier("D-SISTER").reference_numbers  # type: ignore[union-attr]


def test_a_register_knowing_a_further_first_name_is_the_same_person() -> None:
    w = World()
    person = replace(event_person(8), given_names="Khaled Samir")
    w.records.create_dossier(Dossier(dossier_id="D-KHALED", surname=person.surname, given_names="Chaled",
                                     birth_date=person.birth_date, created_at=NOW))
    assert w.arrive(person_event(person, 0)).dossier_id == "D-KHALED"


@pytest.mark.parametrize(("register", "dossier"), [("Al-Hassan", "AL HASSAN"), ("Müller", "MUELLER"),
                                                   ("Ben Ali", "BEN-ALI")])
def test_the_register_s_spelling_of_a_surname_finds_the_dossier_a_passport_opened(register: str, dossier: str) -> None:
    """Hyphens, capitals, umlauts and the article as the MRZ writes them: one person, one dossier."""
    w = World()
    person = replace(event_person(9), surname=register)
    w.records.create_dossier(Dossier(dossier_id="D-MRZ", surname=dossier, given_names=person.given_names.upper(),
                                     birth_date=person.birth_date, created_at=NOW))
    assert w.arrive(person_event(person, 0)).dossier_id == "D-MRZ"


def test_surname_and_1_january_go_to_a_caseworker() -> None:
    w = World()
    person = replace(event_person(7), birth_date=date(1990, 1, 1))
    w.records.create_dossier(Dossier(dossier_id="D-JAN", surname=person.surname, given_names=person.given_names,
                                     birth_date=person.birth_date, created_at=NOW))
    doc = w.arrive(person_event(person, 0))
    assert doc.status is DocumentStatus.NEEDS_REVIEW and doc.dossier_id is None
    assert doc.candidates[0].dossier_id == "D-JAN" and "1 January" in doc.candidates[0].reason
    assert "ahvNumber" not in w.records.get_dossier("D-JAN").reference_numbers  # type: ignore[union-attr]
