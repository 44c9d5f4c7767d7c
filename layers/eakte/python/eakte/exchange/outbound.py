"""Caseworker-initiated federal messages: a residence permit decision (or the correction of wrongly
reported permit data) about a person with a dossier, sent to the federal register as an eCH-0020 v3
event in our eCH-0058 v5 header and an eCH-0090 v2 envelope, validated against the official XSDs
before it is queued on the same FIFO queue as forwarded events (group = the person).

No lost and no stuck message. A forwarded inbound event has a durable driver (its exchange queue
entry is deleted only after the forward is queued); a caseworker's request has none: the browser may
give up. So the queue entry, not the visible record, is the commit point, and the steps run in
this order, each one repeatable:

1. the payload, the envelope and the *draft* (the complete FederalMessage as JSON, with its group
   number) go to the archive bucket (`messages/<id>/message.json`); the audit event is written;
2. the message is put on the FIFO queue (deduplication id = message id);
3. the record is created (create-if-absent): only now does it show in the API.

A crash before 2 leaves nothing visible and nothing queued (the request failed; its group number
is skipped by the forward stage's turn logic like any unused number). A crash between 2 and 3
leaves a queue entry without a record: the forward stage registers the message from its draft when
it meets the entry (`service.registered`), so it is delivered anyway and never blocks the person's
later messages. A record therefore never exists without a queue entry having been made, which is
what could leave a QUEUED message stuck before. Retries are safe at every step: the message id is
derived from the client's `requestId` (the web app sends one per form submission and repeats it on
a retry), a repeated request resumes from the stored draft (same id, same group number, same
content) and queues it again (dropped by FIFO deduplication within 5 minutes, a no-op for the
forward stage after that: it checks the status)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from eakte.auth import Principal
from eakte.errors import ConflictError, ForbiddenError, PermanentError
from eakte.exchange import ech
from eakte.exchange.model import (
    FederalMessage,
    HistoryEntry,
    MessageKind,
    MessageRejection,
    MessageStatus,
    PersonData,
    RejectionCode,
)
from eakte.exchange.parsing import parse_message
from eakte.exchange.schemas import ECH_0020_V3, ECH_0090_V2, validate
from eakte.exchange.service import draft_key, enqueue, message_key, read_draft
from eakte.logic.intake import Buckets
from eakte.logic.names import normalise_reference
from eakte.models.api import DossierView
from eakte.models.document import AuditAction, AuditEvent, CamelModel, utcnow
from eakte.ports import AuditTrail, FederalOutbox, MessageStore, ObjectRef, ObjectStore
from eakte.settings import READER_GROUPS, SEDEX_FEDERAL_ID, SEDEX_OWN_ID

_CASEWORKER_NS = uuid.UUID("6c7e2b9a-0d41-4f3e-a8c5-3b1f9e27d6a4")
SENDER_GROUPS = READER_GROUPS  # caseworkers and team leads
_SEX = {"M": "1", "F": "2"}


class CaseworkerMessageRequest(CamelModel):
    """POST /api/dossiers/{id}/messages: what the caseworker decided about the person's permit."""

    event: Literal["changeResidencePermit", "correctResidencePermit"]
    residence_permit: str = Field(min_length=1, max_length=16,
                                  description="eCH-0006 residence permit code, e.g. 02 (B), 0201, 03 (C)")
    residence_permit_valid_from: date | None = None
    residence_permit_valid_till: date | None = None
    entry_date: date | None = None
    comment: str | None = Field(default=None, max_length=250, description="eCH-0058 comment; kept in the audit")
    request_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]{8,64}$",
                                   description="the client's id of this request: a repeated request with "
                                               "the same id and content returns the message created first; "
                                               "the same id with other content is refused (409)")

    def digest(self) -> str:
        """What the request asks for, without its id: a repeated request must ask the same."""
        return hashlib.sha256(self.model_dump_json(exclude={"request_id"}).encode()).hexdigest()


def person_of(dossier: DossierView) -> PersonData:
    """The dossier's person as eCH-0044 identification; what the schema needs but the dossier lacks
    (a birth date, a first name) stays empty and is reported by the validator with its path."""
    ahv = normalise_reference(dossier.reference_numbers.get("ahvNumber", "")) or None
    zemis = normalise_reference(dossier.reference_numbers.get("zemisNumber", ""))
    local = f"CH.ZEMIS:{zemis}" if zemis else f"{ech.OWN_PERSON_ID_CATEGORY}:{dossier.dossier_id}"
    return PersonData(vn=ahv, official_name=dossier.surname, first_name=dossier.given_names,
                      sex=_SEX.get(dossier.sex or ""), birth_date=dossier.birth_date,
                      nationality_iso2=None, local_person_id=local)


class OutboundService:
    def __init__(self, messages: MessageStore, objects: ObjectStore, outbox: FederalOutbox, audit: AuditTrail,
                 buckets: Buckets, clock: Callable[[], datetime] = utcnow, own_id: str = SEDEX_OWN_ID,
                 federal_id: str = SEDEX_FEDERAL_ID) -> None:
        self._messages = messages
        self._objects = objects
        self._outbox = outbox
        self._audit = audit
        self._buckets = buckets
        self._clock = clock
        self._own_id = own_id
        self._federal_id = federal_id

    def send(self, principal: Principal, dossier: DossierView, request: CaseworkerMessageRequest,
             correlation_id: str | None) -> FederalMessage:
        """`dossier` as the API service let this caller read it (role and team checks done there)."""
        if not principal.in_any(SENDER_GROUPS):
            raise ForbiddenError(f"sending a federal message needs one of the roles {', '.join(sorted(SENDER_GROUPS))}")
        if dossier.nationality == "CHE":
            raise MessageRejection(RejectionCode.BUSINESS_RULE, "/", f"dossier {dossier.dossier_id} is of a Swiss "
                                   "citizen: no residence permit to report", rule="foreign_national")
        message_id = (str(uuid.uuid5(_CASEWORKER_NS, f"{principal.subject}/{dossier.dossier_id}/{request.request_id}"))
                      if request.request_id else str(uuid.uuid4()))
        existing = self._messages.get(message_id)
        if existing is not None:  # the client repeated its request: the same message, queued once
            self._same_request(existing, dossier, request)
            return self._enqueue(existing)
        draft = read_draft(self._objects, self._buckets, message_id) if request.request_id else None
        if draft is not None:  # an earlier attempt stopped before its record: finish that one
            self._same_request(draft, dossier, request)
            self._audit_send(principal, dossier, request, draft)
            return self._publish(draft)
        now = self._clock()
        correlation = ech.business_reference(correlation_id) or message_id
        person = person_of(dossier)
        try:
            payload = ech.build_permit_event(
                request.event, person, ech.PermitData(request.residence_permit, request.residence_permit_valid_from,
                                                      request.residence_permit_valid_till, request.entry_date),
                message_id, self._own_id, self._federal_id, now, correlation_id=correlation, comment=request.comment)
        except ValueError as e:  # lxml refuses control characters: no XML document can carry them
            raise MessageRejection(RejectionCode.MALFORMED_XML, "/", f"not representable in XML: {e}") from e
        root = parse_message(payload)
        violations = validate(root, ECH_0020_V3)
        if violations:  # the caseworker's input does not make an official message: nothing is queued
            more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
            raise MessageRejection(RejectionCode.SCHEMA_INVALID, violations[0].path,
                                   f"{violations[0].message}{more}; schema {ECH_0020_V3}")
        ech.check_business_rules(root, now.date())
        envelope = ech.build_envelope(message_id, ech.ECH_0020_MESSAGE_TYPE, self._own_id, self._federal_id,
                                      event_date=now, now=now)
        problems = validate(parse_message(envelope), ECH_0090_V2)
        if problems:  # our own envelope must be valid: a bug, never sent
            raise PermanentError(f"built {ECH_0090_V2} envelope is invalid: {problems[0]}")
        return self._register(principal, dossier, request, message_id, correlation, person, payload, envelope, now)

    @staticmethod
    def _same_request(message: FederalMessage, dossier: DossierView, request: CaseworkerMessageRequest) -> None:
        # records made before the digest existed carry none: then dossier and event are compared
        if message.dossier_id != dossier.dossier_id or message.event != request.event or \
                (message.request_digest is not None and message.request_digest != request.digest()):
            raise ConflictError(f"request {request.request_id} was used for another message")

    def _register(self, principal: Principal, dossier: DossierView, request: CaseworkerMessageRequest,
                  message_id: str, correlation: str, person: PersonData, payload: bytes, envelope: bytes,
                  now: datetime) -> FederalMessage:
        payload_key, envelope_key = message_key(message_id, "delivery.xml"), message_key(message_id, "envelope.xml")
        self._objects.put(ObjectRef(self._buckets.archive, payload_key), payload, "application/xml")
        self._objects.put(ObjectRef(self._buckets.archive, envelope_key), envelope, "application/xml")
        # the same group as the person's forwarded events: the register sees them in the order made
        group = f"AHV-{person.vn}" if person.vn else f"DOS-{dossier.dossier_id}"
        message = FederalMessage(
            message_id=message_id, kind=MessageKind.FORWARD, dossier_id=dossier.dossier_id,
            message_type=ech.ECH_0020_MESSAGE_TYPE, event=request.event, group_id=group,
            group_sequence=self._messages.next_sequence(group), status=MessageStatus.QUEUED,
            payload_key=payload_key, envelope_key=envelope_key, correlation_id=correlation,
            originator=principal.subject, request_digest=request.digest(),
            history=[HistoryEntry(status=MessageStatus.QUEUED, at=now,
                                  detail=f"{request.event} ({request.residence_permit}) of {dossier.surname} "
                                         f"by {principal.subject} for {self._federal_id}")],
            created_at=now, updated_at=now)
        # step 1 (see the module docstring): the draft, then the audit event, before anything is queued
        self._objects.put(ObjectRef(self._buckets.archive, draft_key(message_id)),
                          message.model_dump_json(by_alias=True).encode(), "application/json")
        self._audit_send(principal, dossier, request, message)
        return self._publish(message)

    def _audit_send(self, principal: Principal, dossier: DossierView, request: CaseworkerMessageRequest,
                    message: FederalMessage) -> None:
        self._audit.record(AuditEvent(
            event_id=str(uuid.uuid4()), at=self._clock(), actor=principal.subject,
            actor_groups=sorted(principal.groups), action=AuditAction.SEND_FEDERAL_MESSAGE,
            target_id=message.message_id, dossier_id=dossier.dossier_id, source_ip=principal.source_ip,
            reason=request.comment,
            details={"correlationId": message.correlation_id, **request.model_dump(
                mode="json", by_alias=True, include={"event", "residence_permit", "residence_permit_valid_from",
                                                     "residence_permit_valid_till", "entry_date"})}))

    def _publish(self, message: FederalMessage) -> FederalMessage:
        """Steps 2 and 3: queue, then make the record visible (the forward stage may have registered
        it from the draft in between: then that record is the one)."""
        self._enqueue(message)
        if not self._messages.create(message):
            message = self._messages.get(message.message_id) or message
        return message

    def _enqueue(self, message: FederalMessage) -> FederalMessage:
        return enqueue(self._outbox, message)
