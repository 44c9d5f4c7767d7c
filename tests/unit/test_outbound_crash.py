"""A caseworker's federal message survives a crash between its writes (in-memory adapters): it is
never visible without being queued, never blocks the person's later messages, and a repeated
request with the same request id finishes the one message instead of making a second."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from eakte.errors import ConflictError, NotFoundError, TransientError
from eakte.exchange import ech
from eakte.exchange.model import FederalMessage, MessageStatus
from eakte.exchange.outbound import OutboundService
from eakte.exchange.service import draft_key, format_ahv, forward_message_id
from eakte.models.api import DossierView
from eakte.models.document import AuditAction, Document, DocumentStatus, StageMessage, SubmissionKind
from eakte.ports import ObjectRef
from samples.events import event_person, person_event
from tests.unit.test_exchange_outbound import BUCKETS, NOW, World, caseworker, dossier, permit


class Crash(TransientError):
    """The process dies here (a Lambda timeout, a lost connection): the request fails."""


@dataclass
class CrashingOutbox:
    """The FIFO outbox, failing its next `crashes` calls."""

    world: World
    crashes: int = 1

    def enqueue(self, message_id: str, group_id: str, requeued: int = 0, correlation_id: str | None = None) -> str:
        if self.crashes > 0:
            self.crashes -= 1
            raise Crash("enqueue: connection reset")
        return self.world.outbox.enqueue(message_id, group_id, requeued, correlation_id)


def crashing_create(w: World, crashes: int = 1) -> None:
    """The message store's create fails its next `crashes` calls (after the queue got the entry)."""
    create = w.messages.create
    left = [crashes]

    def create_or_crash(message: FederalMessage) -> bool:
        if left[0] > 0:
            left[0] -= 1
            raise Crash("create: connection reset")
        return create(message)

    w.messages.create = create_or_crash  # type: ignore[method-assign]


def service(w: World, outbox: object) -> OutboundService:
    return OutboundService(w.messages, w.objects, outbox, w.audit, BUCKETS, clock=lambda: NOW)  # type: ignore[arg-type]


def person_dossier(w: World, index: int) -> tuple[DossierView, str]:
    """A person with an arrival that is already delivered; returns (their dossier, group)."""
    doc = w.arrive(person_event(event_person(index), 0))
    w.forward.forward(forward_message_id(doc.document_id))
    person = event_person(index)
    view = dossier(dossier_id=doc.dossier_id, surname=person.surname, given_names=person.given_names,
                   birth_date=person.birth_date, reference_numbers={"ahvNumber": format_ahv(person.ahv)})
    return view, f"AHV-{person.ahv}"


def later_event(w: World, index: int) -> str:
    """The person's next message: a municipality's event, filed and queued after the caseworker's."""
    key = "documents/doc-2/original.xml"
    w.objects.put(ObjectRef("archive", key), person_event(event_person(index), 1), "application/xml")
    w.records.create_document(Document(
        document_id="doc-2", submission_id="sub-2", tenant="bfs-230", kind=SubmissionKind.MESSAGE,
        status=DocumentStatus.RECEIVED, filename="m2.xml", source_bucket="intake", source_key="incoming/doc-2",
        original_key=key, received_at=NOW, updated_at=NOW))
    w.exchange.run(StageMessage(document_id="doc-2"))
    return forward_message_id("doc-2")


def test_a_crash_after_queueing_leaves_a_queue_entry_that_registers_and_delivers_itself() -> None:
    w = World()
    view, group = person_dossier(w, 3)
    crashing_create(w)
    with pytest.raises(Crash):
        w.outbound.send(caseworker(), view, permit(requestId="form-0000-crash1"), "req-1")
    [(message_id, queued_group, _)] = [q for q in w.outbox.queued if q[1] == group][1:]
    assert w.messages.get(message_id) is None and queued_group == group  # queued, not yet visible

    later = later_event(w, 3)  # the person's next message, queued behind it
    delivered = w.forward.forward(message_id)  # the forward stage meets the entry first (FIFO order)
    assert delivered is not None and delivered.status is MessageStatus.SENT
    assert delivered.originator == "cw-1" and delivered.group_sequence == 2
    assert w.forward.turn(later) is True and w.forward.forward(later) is not None  # not stuck behind it
    assert [d[0] for d in w.endpoint.delivered][-2:] == [message_id, later]

    # the browser repeats its request: the same message, nothing queued again, nothing sent again
    again = w.outbound.send(caseworker(), view, permit(requestId="form-0000-crash1"),
                            "req-2")
    assert again.message_id == message_id and again.status is MessageStatus.SENT
    assert len([q for q in w.outbox.queued if q[0] == message_id]) == 1
    assert [d[0] for d in w.endpoint.delivered].count(message_id) == 1


def test_a_crash_before_queueing_leaves_nothing_visible_and_the_retry_resumes_the_same_message() -> None:
    w = World()
    view, group = person_dossier(w, 4)
    outbox = CrashingOutbox(w)
    with pytest.raises(Crash):
        service(w, outbox).send(caseworker(), view, permit(requestId="form-0000-crash2"),
                                "req-1")
    assert [m for m in w.messages.messages.values() if m.originator] == []  # not visible, so not stuck
    assert [q for q in w.outbox.queued if q[1] == group][1:] == []

    later = later_event(w, 4)  # the person's next message is not blocked by the failed request
    assert w.forward.turn(later) is True and w.forward.forward(later) is not None

    message = service(w, outbox).send(caseworker(), view,
                                      permit(requestId="form-0000-crash2"), "req-2")
    assert message.status is MessageStatus.QUEUED and message.group_sequence == 2  # the draft's number
    assert message.correlation_id == "req-1"  # the first attempt's message, not a new one
    assert w.objects.head(ObjectRef(BUCKETS.archive, draft_key(message.message_id))).size > 0
    assert (message.message_id, group, 0) in w.outbox.queued
    sends = [e for e in w.audit.events(dossier_id=view.dossier_id) if e.action is AuditAction.SEND_FEDERAL_MESSAGE]
    assert [e.target_id for e in sends] == [message.message_id] * 2  # both attempts are on record
    assert w.forward.turn(message.message_id) is True
    assert w.forward.forward(message.message_id) is not None
    w.receipts.apply(ech.build_receipt(message.message_id, "2020", "T4-999999-1", "T2-ZH-7", 100, "ok", NOW))
    assert w.messages.get(message.message_id).status is MessageStatus.ACKNOWLEDGED  # type: ignore[union-attr]


def test_without_a_request_id_a_failed_request_leaves_no_stuck_message() -> None:
    w = World()
    view, _ = person_dossier(w, 5)
    with pytest.raises(Crash):
        service(w, CrashingOutbox(w)).send(caseworker(), view, permit(), None)
    assert not [m for m in w.messages.messages.values() if m.status is MessageStatus.QUEUED]
    later = later_event(w, 5)
    assert w.forward.turn(later) is True


def test_a_queue_entry_without_record_that_goes_to_the_dlq_is_registered_dead() -> None:
    w = World()
    view, _ = person_dossier(w, 6)
    crashing_create(w)
    with pytest.raises(Crash):
        w.outbound.send(caseworker(), view, permit(requestId="form-0000-crash3"), None)
    message_id = w.outbox.queued[-1][0]
    dead = w.forward.mark_dead(message_id, "delivery failed: endpoint down")
    assert dead is not None and dead.status is MessageStatus.DEAD  # visible, and redriven like any other
    assert w.forward.mark_dead("no-such-message", "x") is None
    with pytest.raises(NotFoundError):
        w.forward.forward("no-such-message")


def test_a_draft_is_only_resumed_for_the_same_request() -> None:
    w = World()
    view, _ = person_dossier(w, 7)
    with pytest.raises(Crash):
        service(w, CrashingOutbox(w)).send(caseworker(), view,
                                           permit(requestId="form-0000-crash4"), None)
    with pytest.raises(ConflictError):
        w.outbound.send(caseworker(), view,
                        permit(requestId="form-0000-crash4", event="correctResidencePermit"), None)
