"""The exchange stages: file inbound eCH messages (or reject them with a negative receipt),
forward valid person events to the federal authority in order, apply the endpoint's receipts."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from datetime import datetime

from lxml import etree

from eakte.errors import ConflictError, NotFoundError, PermanentError, TransientError
from eakte.exchange import ech
from eakte.exchange.model import (
    FederalMessage,
    HistoryEntry,
    InboundEvent,
    MessageKind,
    MessageRejection,
    MessageStatus,
    Receipt,
    RejectionCode,
)
from eakte.exchange.model import PersonData as EventPerson
from eakte.exchange.parsing import parse_message
from eakte.exchange.schemas import ECH_0020_V3, ECH_0090_V2, SCHEMA_OF_NAMESPACE, validate
from eakte.logic.addresses import address_key
from eakte.logic.api_service import BadRequestError, safe_filename
from eakte.logic.dossiers import update_dossier, with_reference
from eakte.logic.identity import canonical_name, name_match, placeholder_birth_date
from eakte.logic.inspection import Inspection, Rejection, inspect
from eakte.logic.intake import Buckets
from eakte.logic.names import fold, normalise_reference
from eakte.logic.teams import team_of_tenant
from eakte.models.document import (
    SCAN_MEDIA_TYPES,
    Document,
    DocumentStatus,
    Dossier,
    DossierCandidate,
    ExtractedField,
    FieldSource,
    MediaType,
    StageMessage,
    SubmissionKind,
    utcnow,
)
from eakte.ports import (
    DossierQuery,
    FederalEndpoint,
    FederalOutbox,
    MessageStore,
    ObjectRef,
    ObjectStore,
    Queue,
    RecordStore,
)
from eakte.recognition.countries import alpha2_to_alpha3
from eakte.settings import SEDEX_FEDERAL_ID, SEDEX_OWN_ID, Stage

_MESSAGE_NS = uuid.UUID("2b0f4d1e-5c3a-4e8b-9a7d-1f6e0c9b8a21")
_DOSSIER_NS = uuid.UUID("0b6f4cde-96d2-4c1c-8f0b-8b7a7f0f5a11")  # as the index stage's, other keys
_PARTICIPANT = re.compile(r"T?[1-9]-[0-9A-Z]+-[0-9]+|T?0-sedex-[0-9]")
_MESSAGE_ID = re.compile(r"[a-zA-Z0-9-]{1,36}")
UNKNOWN_PARTICIPANT = "T0-sedex-0"
EXCHANGE_FAILED = f"{Stage.EXCHANGE.value}_failed"


def _safe_name(filename: str, number: int) -> str:
    """A name from inside a message is as untrusted as an upload's: the same sanitising."""
    try:
        name = safe_filename(filename)
    except BadRequestError:
        name = ""
    return name if name.lower().endswith(".pdf") else f"attachment-{number}.pdf"


def forward_message_id(document_id: str) -> str:
    """Deterministic: a redelivered inbound message produces the same outbound message."""
    return str(uuid.uuid5(_MESSAGE_NS, f"forward/{document_id}"))


def receipt_message_id(document_id: str) -> str:
    return str(uuid.uuid5(_MESSAGE_NS, f"receipt/{document_id}"))


def message_key(message_id: str, name: str) -> str:
    return f"messages/{message_id}/{name}"


def draft_key(message_id: str) -> str:
    """The complete message as created, stored before it is queued (see exchange.outbound)."""
    return message_key(message_id, "message.json")


def read_draft(objects: ObjectStore, buckets: Buckets, message_id: str) -> FederalMessage | None:
    try:
        data = objects.read(ObjectRef(buckets.archive, draft_key(message_id)))
    except NotFoundError:
        return None
    return FederalMessage.model_validate_json(data)


def registered(messages: MessageStore, objects: ObjectStore, buckets: Buckets, message_id: str) -> FederalMessage:
    """The message's record; a queued message whose sender stopped before creating the record is
    registered from its draft here, so the queue entry is never without a message."""
    message = messages.get(message_id)
    if message is not None:
        return message
    draft = read_draft(objects, buckets, message_id)
    if draft is None:
        raise NotFoundError(f"federal message {message_id} is not registered")
    if not messages.create(draft):
        return messages.get(message_id) or draft
    return draft


def format_ahv(vn: str) -> str:
    return f"{vn[:3]}.{vn[3:7]}.{vn[7:11]}.{vn[11:]}"


def with_status(message: FederalMessage, status: MessageStatus, at: datetime, detail: str | None = None,
                **update: object) -> FederalMessage:
    history = [*message.history, HistoryEntry(status=status, at=at, detail=detail)]
    return message.model_copy(update={"status": status, "history": history, "updated_at": at,
                                      "version": message.version + 1, **update})


def enqueue(outbox: FederalOutbox, message: FederalMessage) -> FederalMessage:
    """Hand a QUEUED message to the FIFO outbox (its group: the person), carrying its correlation id."""
    if message.status is MessageStatus.QUEUED and message.group_id is not None:
        outbox.enqueue(message.message_id, message.group_id, correlation_id=message.correlation_id)
    return message


class MessageLedger:
    """Status changes of federal messages: conditional on the version read, retried on a lost race."""

    def __init__(self, messages: MessageStore, clock: Callable[[], datetime] = utcnow) -> None:
        self._messages = messages
        self._clock = clock

    def change(self, message_id: str, decide: Callable[[FederalMessage], FederalMessage | None],
               read: FederalMessage | None = None) -> FederalMessage:
        """Apply `decide` (None: leave as is) to the current message; retried when another writer won.
        `read`: the message as just read, tried first (the write is conditional on its version)."""
        for _ in range(8):
            current, read = read or self._messages.get(message_id), None
            if current is None:
                raise NotFoundError(f"federal message {message_id} is not registered")
            changed = decide(current)
            if changed is None:
                return current
            try:
                self._messages.save(changed, expected_version=current.version)
            except ConflictError:
                continue
            return changed
        raise ConflictError(f"federal message {message_id} kept changing under us")


class ExchangeService:
    """The exchange stage: an inbound message document (status RECEIVED) is validated against the
    official XSD and the business rules, then filed into the person's dossier and forwarded, or
    REJECTED with the validator's finding and a negative receipt for the sender."""

    def __init__(self, records: RecordStore, objects: ObjectStore, messages: MessageStore, outbox: FederalOutbox,
                 buckets: Buckets, queue: Queue, clock: Callable[[], datetime] = utcnow,
                 own_id: str = SEDEX_OWN_ID, federal_id: str = SEDEX_FEDERAL_ID) -> None:
        self._queue = queue
        self._records = records
        self._objects = objects
        self._messages = messages
        self._outbox = outbox
        self._buckets = buckets
        self._clock = clock
        self._own_id = own_id
        self._federal_id = federal_id

    def run(self, stage_message: StageMessage) -> Document | None:
        doc = self._records.get_document(stage_message.document_id)
        if doc is None:
            raise NotFoundError(f"document {stage_message.document_id} is not registered")
        redriven = doc.status is DocumentStatus.FAILED and doc.reason == EXCHANGE_FAILED
        if doc.status is DocumentStatus.INDEXED:
            self._finish_forwarding(doc)  # a crash after filing: make sure the forward is queued
            return None
        if doc.status is not DocumentStatus.RECEIVED and not redriven:
            return None  # REJECTED / NEEDS_REVIEW: done before
        if doc.original_key is None:
            raise PermanentError(f"document {doc.document_id} has no archived original")
        data = self._objects.read(ObjectRef(self._buckets.archive, doc.original_key))
        root: etree._Element | None = None
        try:
            root = parse_message(data)
            namespace = etree.QName(root).namespace or ""
            schema_name = SCHEMA_OF_NAMESPACE.get(namespace)
            if schema_name is None or (schema_name != ECH_0020_V3 and etree.QName(root).localname != "envelope"):
                raise MessageRejection(RejectionCode.UNSUPPORTED_MESSAGE, root.getroottree().getpath(root),
                                       f"{etree.QName(root).localname!r} in {namespace!r} is not an eCH-0020 v3 "
                                       "delivery or an eCH-0090 envelope")
            violations = validate(root, schema_name)
            if violations:
                more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
                raise MessageRejection(RejectionCode.SCHEMA_INVALID, violations[0].path,
                                       f"{violations[0].message}{more}; schema {schema_name}")
            if schema_name != ECH_0020_V3:
                return self._envelope_only(doc)
            ech.check_business_rules(root, self._clock().date())
            event = ech.read_event(root)
            attachments = [(a, self._inspect(a)) for a in ech.read_attachments(root)]
        except MessageRejection as rejection:
            return self._reject(doc, rejection, root)
        return self._file(doc, root, event, attachments)

    @staticmethod
    def _inspect(attachment: ech.Attachment) -> Inspection:
        """The same checks intake makes on an uploaded PDF (structure, pages, encryption)."""
        try:
            return inspect(attachment.data, MediaType.PDF, attachment.filename, SCAN_MEDIA_TYPES)
        except Rejection as e:
            raise MessageRejection(RejectionCode.BUSINESS_RULE, attachment.path,
                                   f"attachment {attachment.filename!r}: {e.reason.value}: {e.detail}",
                                   rule="attachment_readable") from e

    # --- valid messages
    def _file(self, doc: Document, root: etree._Element, event: InboundEvent,
              attachments: list[tuple[ech.Attachment, Inspection]]) -> Document:
        dossier_id, candidates = self._resolve(doc, event)
        for number, (attachment, inspection) in enumerate(attachments, start=1):
            self._register_attachment(doc, number, attachment, inspection)
        fields = self._fields(event)
        status = DocumentStatus.INDEXED if dossier_id else DocumentStatus.NEEDS_REVIEW
        filed = doc.model_copy(update={
            "status": status, "dossier_id": dossier_id, "candidates": candidates, "fields": fields,
            "confidence": 1.0, "reason": None if dossier_id else "ambiguous_person", "reason_detail": None,
            "updated_at": self._clock(),
        })
        if dossier_id and event.dwelling_address and (key := address_key(event.dwelling_address)) is not None:
            # the municipality registered the person there: identity evidence for later letters
            self._records.add_dossier_address(dossier_id, key, event.dwelling_address, doc.document_id)
        if event.foreign_national and dossier_id and not event.police_report:
            # every valid event about a foreign national goes to the federal register, in order
            self._forward(filed, root, event)
        try:
            self._records.save_document(filed, expected_status=doc.status)
        except ConflictError:
            return self._records.get_document(doc.document_id) or filed
        return filed

    def _register_attachment(self, doc: Document, number: int, attachment: ech.Attachment,
                             inspection: Inspection) -> None:
        """A document the message carries (a police report's PDF) becomes a document of the same
        submission and goes through OCR, classification and indexing like an uploaded scan."""
        document_id = str(uuid.uuid5(_MESSAGE_NS, f"attachment/{doc.document_id}/{number}"))
        existing = self._records.get_document(document_id)
        if existing is None:
            now = self._clock()
            key = f"documents/{document_id}/original.pdf"
            self._objects.put(ObjectRef(self._buckets.archive, key), attachment.data, MediaType.PDF.value,
                              metadata={"document-id": document_id, "submission-id": doc.submission_id,
                                        "tenant": doc.tenant, "attached-to": doc.document_id})
            existing = Document(
                document_id=document_id, submission_id=doc.submission_id, tenant=doc.tenant,
                kind=SubmissionKind.SCAN, status=DocumentStatus.RECEIVED,
                filename=_safe_name(attachment.filename, number),
                media_type=MediaType.PDF, size=len(attachment.data),
                sha256=hashlib.sha256(attachment.data).hexdigest(), pages=inspection.pages,
                source_bucket=doc.source_bucket, source_key=doc.source_key, source_version=doc.source_version,
                original_key=key, correlation_id=doc.correlation_id, received_at=now, updated_at=now)
            if not self._records.create_document(existing):
                existing = self._records.get_document(document_id) or existing
        if existing.status is DocumentStatus.RECEIVED:  # (again, after a crash before handing on)
            self._queue.send(Stage.OCR, StageMessage(document_id=document_id,
                                                     correlation_id=doc.correlation_id).model_dump(by_alias=True))

    def _fields(self, event: InboundEvent) -> dict[str, ExtractedField]:
        person = event.person
        values = {"surname": person.official_name, "givenNames": person.first_name,
                  "birthDate": person.birth_date.isoformat() if person.birth_date else None,
                  "ahvNumber": format_ahv(person.vn) if person.vn else None,
                  "nationality": alpha2_to_alpha3(person.nationality_iso2), "messageEvent": event.event,
                  "messageId": event.message_id}
        return {k: ExtractedField(value=v, confidence=1.0, source=FieldSource.MESSAGE) for k, v in values.items() if v}

    def _resolve(self, doc: Document, event: InboundEvent) -> tuple[str | None, list[DossierCandidate]]:
        person = event.person
        if person.vn:
            hits = self._records.find_dossiers(DossierQuery(reference=person.vn, limit=2))
            if len(hits) == 1:
                return hits[0].dossier_id, [DossierCandidate(dossier_id=hits[0].dossier_id, score=1.0,
                                                              reason="AHV number matches")]
            if len(hits) > 1:
                return None, [DossierCandidate(dossier_id=d.dossier_id, score=0.5, reason="AHV number matches, "
                                               "ambiguous") for d in hits]
        if person.birth_date:
            hits = self._records.find_dossiers(DossierQuery(name=person.official_name,
                                                            birth_date=person.birth_date.isoformat(), limit=5))
            # same name and birth date, and no other AHV number: a dossier of another person is never
            # taken. The surname as one spelling (the register's 'Al-Hassan', 'Müller' is the passport's
            # 'AL HASSAN', 'MUELLER': logic.identity.canonical_name); the first names too (a twin has the
            # surname and the birth date), where both know them
            exact = [d for d in hits if canonical_name(d.surname) == canonical_name(person.official_name)
                     and not (person.first_name and d.given_names and _other_first_names(person, d))
                     and not (person.vn and d.reference_numbers.get("ahvNumber")
                              and normalise_reference(d.reference_numbers["ahvNumber"]) != person.vn)]
            if len(exact) == 1 and placeholder_birth_date(person.birth_date):
                # 1 January: registered for an unknown birthday, shared by strangers of that name and year
                return None, [DossierCandidate(dossier_id=exact[0].dossier_id, score=0.5,
                                               reason="surname and birth date match, but 1 January: often a "
                                                      "birthday unknown")]
            if len(exact) == 1:
                dossier = exact[0]
                if person.vn and "ahvNumber" not in dossier.reference_numbers:
                    # the message's person data is authoritative: the dossier learns the AHV number
                    ahv = format_ahv(person.vn)
                    update_dossier(self._records, dossier.dossier_id,
                                   lambda d: with_reference(d, "ahvNumber", ahv, doc.document_id))
                return dossier.dossier_id, [DossierCandidate(dossier_id=dossier.dossier_id, score=0.95,
                                                              reason="surname and birth date match")]
            if len(exact) > 1:
                return None, [DossierCandidate(dossier_id=d.dossier_id, score=0.5,
                                               reason="surname and birth date match, ambiguous") for d in exact]
        return self._open_dossier(doc, event), []

    def _open_dossier(self, doc: Document, event: InboundEvent) -> str:
        person = event.person
        key = f"vn|{person.vn}" if person.vn else \
            f"name|{fold(person.official_name)}|{person.birth_date}|{person.local_person_id}"
        dossier_id = "D-" + uuid.uuid5(_DOSSIER_NS, key).hex[:12].upper()
        if self._records.get_dossier(dossier_id) is None:
            self._records.create_dossier(Dossier(
                dossier_id=dossier_id, surname=person.official_name, given_names=person.first_name,
                birth_date=person.birth_date, nationality=alpha2_to_alpha3(person.nationality_iso2),
                sex={"1": "M", "2": "F"}.get(person.sex or ""),
                reference_numbers={"ahvNumber": format_ahv(person.vn)} if person.vn else {},
                created_at=self._clock(), created_from=doc.document_id, team=team_of_tenant(doc.tenant),
            ))
        return dossier_id

    def _forward(self, doc: Document, root: etree._Element, event: InboundEvent) -> FederalMessage:
        message_id = forward_message_id(doc.document_id)
        message = self._messages.get(message_id)
        if message is None:
            now = self._clock()
            correlation_id = doc.correlation_id or doc.submission_id
            payload = ech.build_forward(ech.without_attachments(root), message_id, self._own_id, self._federal_id,
                                        now, correlation_id=correlation_id)
            envelope = ech.build_envelope(message_id, ech.ECH_0020_MESSAGE_TYPE, self._own_id, self._federal_id,
                                          event_date=event.message_date, now=now,
                                          reference_message_id=self._id_or_none(event.message_id))
            for body, name in ((payload, ECH_0020_V3), (envelope, ECH_0090_V2)):
                problems = validate(parse_message(body), name)
                if problems:  # our own output must be valid: a bug, never sent
                    raise PermanentError(f"built {name} message is invalid: {problems[0]}")
            payload_key, envelope_key = message_key(message_id, "delivery.xml"), message_key(message_id, "envelope.xml")
            self._objects.put(ObjectRef(self._buckets.archive, payload_key), payload, "application/xml")
            self._objects.put(ObjectRef(self._buckets.archive, envelope_key), envelope, "application/xml")
            group = f"AHV-{event.person.vn}" if event.person.vn else f"DOS-{doc.dossier_id}"
            sequence = self._messages.next_sequence(group)
            message = FederalMessage(
                message_id=message_id, kind=MessageKind.FORWARD, reference_message_id=event.message_id,
                submission_id=doc.submission_id, document_id=doc.document_id, tenant=doc.tenant,
                dossier_id=doc.dossier_id, message_type=ech.ECH_0020_MESSAGE_TYPE, event=event.event,
                group_id=group, group_sequence=sequence, status=MessageStatus.QUEUED,
                payload_key=payload_key, envelope_key=envelope_key, correlation_id=correlation_id,
                history=[HistoryEntry(status=MessageStatus.QUEUED, at=now,
                                      detail=f"{event.event} of {event.person.official_name} for {self._federal_id}")],
                created_at=now, updated_at=now,
            )
            if not self._messages.create(message):
                message = self._messages.get(message_id) or message
        return self._enqueue(message)

    def _enqueue(self, message: FederalMessage) -> FederalMessage:
        # A repeated enqueue (a redelivered exchange message) is harmless: FIFO deduplication by the
        # message id drops it within 5 minutes, and after that the forward stage sees the status.
        return enqueue(self._outbox, message)

    def _finish_forwarding(self, doc: Document) -> None:
        message = self._messages.get(forward_message_id(doc.document_id))
        if message is not None:
            self._enqueue(message)

    def _envelope_only(self, doc: Document) -> Document:
        # a sedex envelope without its data file: valid, but nothing to file; a human looks at it
        review = doc.model_copy(update={"status": DocumentStatus.NEEDS_REVIEW, "reason": "envelope_only",
                                        "reason_detail": "a valid eCH-0090 envelope without its eCH-0020 delivery",
                                        "updated_at": self._clock()})
        try:
            self._records.save_document(review, expected_status=doc.status)
        except ConflictError:
            return self._records.get_document(doc.document_id) or review
        return review

    # --- invalid messages
    @staticmethod
    def _id_or_none(value: str | None) -> str | None:
        return value if value and _MESSAGE_ID.fullmatch(value) else None

    def _reject(self, doc: Document, rejection: MessageRejection, root: etree._Element | None) -> Document:
        now = self._clock()
        inbound_id = sender = None
        if root is not None:
            header = root.xpath("//e58:messageId | //e90:messageId", namespaces=ech.NS)
            inbound_id = header[0].text.strip() if header and header[0].text else None
            senders = root.xpath("//e58:senderId | //e90:senderId", namespaces=ech.NS)
            sender = senders[0].text.strip() if senders and senders[0].text else None
        status_code = {RejectionCode.SCHEMA_INVALID: ech.RECEIPT_SCHEMA_INVALID,
                       RejectionCode.BUSINESS_RULE: ech.RECEIPT_BUSINESS_RULE}.get(rejection.code,
                                                                                    ech.RECEIPT_UNREADABLE)
        info = f"{rejection.code.value}: {rejection.describe()}"
        receipt_id = receipt_message_id(doc.document_id)
        receipt_xml = ech.build_receipt(
            self._id_or_none(inbound_id) or doc.document_id, ech.ECH_0020_MESSAGE_TYPE, self._own_id,
            sender if sender and _PARTICIPANT.fullmatch(sender) else UNKNOWN_PARTICIPANT, status_code, info, now)
        key = message_key(receipt_id, "receipt.xml")
        self._objects.put(ObjectRef(self._buckets.archive, key), receipt_xml, "application/xml")
        self._messages.create(FederalMessage(
            message_id=receipt_id, kind=MessageKind.RECEIPT, reference_message_id=inbound_id,
            submission_id=doc.submission_id, document_id=doc.document_id, tenant=doc.tenant,
            message_type="receipt", status=MessageStatus.NACKED, payload_key=key,
            correlation_id=doc.correlation_id or doc.submission_id,
            receipt=Receipt(status_code=status_code, status_info=info[:255], received_at=now),
            history=[HistoryEntry(status=MessageStatus.NACKED, at=now, detail=info[:500])],
            created_at=now, updated_at=now,
        ))
        rejected = doc.model_copy(update={"status": DocumentStatus.REJECTED, "reason": rejection.code.value,
                                          "reason_detail": rejection.describe()[:500], "updated_at": now})
        try:
            self._records.save_document(rejected, expected_status=doc.status)
        except ConflictError:
            return self._records.get_document(doc.document_id) or rejected
        return rejected


class GroupBlockedError(TransientError):
    """An earlier message of the same person is not delivered yet; this one waits its turn."""


DELIVERED = frozenset({MessageStatus.SENT, MessageStatus.ACKNOWLEDGED, MessageStatus.NACKED})


class ForwardService:
    """Delivers one queued message to the federal endpoint and records SENT (the receipt follows)."""

    def __init__(self, messages: MessageStore, objects: ObjectStore, endpoint: FederalEndpoint, buckets: Buckets,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._messages = messages
        self._objects = objects
        self._endpoint = endpoint
        self._buckets = buckets
        self._clock = clock
        self._ledger = MessageLedger(messages, clock)

    def _get(self, message_id: str) -> FederalMessage:
        return registered(self._messages, self._objects, self._buckets, message_id)

    def forward(self, message_id: str) -> FederalMessage | None:
        """The forward stage's step: deliver the message if it is its turn (None: it is not)."""
        message = self._get(message_id)
        return self._deliver(message) if self._turn(message) else None

    def turn(self, message_id: str) -> bool:
        """Whether the message may go now: every earlier message of its person is delivered. False
        when an earlier one is still queued (put this one back behind it); GroupBlockedError when an
        earlier one is DEAD (this one waits, and follows it to the DLQ and back on redrive)."""
        return self._turn(self._get(message_id))

    def _turn(self, message: FederalMessage) -> bool:
        if message.status in DELIVERED or message.group_id is None or message.group_sequence is None:
            return True
        # The predecessor was itself delivered only after its own predecessor: one look back suffices.
        for sequence in range(message.group_sequence - 1, 0, -1):
            earlier = self._messages.in_group(message.group_id, sequence)
            if earlier is None:
                continue  # a number taken by an attempt that crashed before registering its message
            if earlier.status in DELIVERED:
                return True
            if earlier.status is MessageStatus.DEAD:
                raise GroupBlockedError(f"the earlier message {earlier.message_id} of {message.group_id} is DEAD")
            return False
        return True

    def deliver(self, message_id: str) -> FederalMessage:
        return self._deliver(self._get(message_id))

    def _deliver(self, message: FederalMessage) -> FederalMessage:
        message_id = message.message_id
        if message.status in DELIVERED:
            return message  # delivered before (a redelivered queue message)
        if message.payload_key is None or message.envelope_key is None:
            raise PermanentError(f"federal message {message_id} has no stored payload")
        payload = self._objects.read(ObjectRef(self._buckets.archive, message.payload_key))
        envelope = self._objects.read(ObjectRef(self._buckets.archive, message.envelope_key))
        self._endpoint.deliver(message_id, envelope, payload)  # TransientError -> retried with backoff
        return self._ledger.change(message_id, lambda m: None if m.status not in {
            MessageStatus.QUEUED, MessageStatus.DEAD} else with_status(m, MessageStatus.SENT, self._clock(),
                                                                        "accepted by the federal endpoint"),
                                   read=message)  # a receipt that came first makes the write conflict

    def mark_dead(self, message_id: str, detail: str) -> FederalMessage | None:
        try:
            return self._ledger.change(message_id, lambda m: None if m.status is not MessageStatus.QUEUED else
                                       with_status(m, MessageStatus.DEAD, self._clock(), detail[:500]),
                                       read=self._get(message_id))  # (registered from its draft if need be)
        except NotFoundError:
            return None


class ReceiptService:
    """A receipt of the federal endpoint (eCH-0090 v2): ACKNOWLEDGED or NACKED."""

    def __init__(self, messages: MessageStore, clock: Callable[[], datetime] = utcnow) -> None:
        self._clock = clock
        self._ledger = MessageLedger(messages, clock)

    def apply(self, data: bytes) -> FederalMessage:
        try:
            root = parse_message(data)
        except MessageRejection as e:
            raise PermanentError(f"unreadable receipt: {e}") from e
        if etree.QName(root).localname != "receipt" or etree.QName(root).namespace != ech.E90:
            raise PermanentError("not an eCH-0090 v2 receipt")
        problems = validate(root, ECH_0090_V2)
        if problems:
            raise PermanentError(f"invalid receipt: {problems[0]}")
        message_id, code, info = ech.read_receipt(root)
        now = self._clock()
        status = MessageStatus.ACKNOWLEDGED if code == ech.RECEIPT_OK else MessageStatus.NACKED

        def decide(m: FederalMessage) -> FederalMessage | None:
            if m.status.is_final:
                return None  # a repeated receipt
            if m.status is not MessageStatus.SENT:  # the receipt overtook our own SENT record
                m = with_status(m, MessageStatus.SENT, now, "implied by the receipt")
            return with_status(m, status, now, f"receipt {code}: {info}",
                               receipt=Receipt(status_code=code, status_info=info, received_at=now))

        return self._ledger.change(message_id, decide)


def _other_first_names(person: EventPerson, dossier: Dossier) -> bool:
    """Do the event's first names name someone else than the dossier's: each side has a name the
    other lacks (spelling-aware, as for documents: logic.identity.name_match)? One side knowing a
    further first name is the same person (a passport's 'Rami', the register's 'Rami Khaled')."""
    return name_match(person.official_name, person.first_name, dossier.surname, dossier.given_names).conflict
