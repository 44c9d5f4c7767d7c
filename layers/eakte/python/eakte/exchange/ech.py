"""eCH-0020 v3 deliveries, eCH-0058 v5 headers and eCH-0090 v2 envelopes and receipts: read what
the exchange needs, check the business rules the XSD cannot express, build what we send."""

from __future__ import annotations

import base64
import binascii
import copy
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from lxml import etree

from eakte.exchange.model import InboundEvent, MessageRejection, PersonData, RejectionCode
from eakte.recognition.fields import ean13_ok

NS = {
    "e20": "http://www.ech.ch/xmlns/eCH-0020/3",
    "e58": "http://www.ech.ch/xmlns/eCH-0058/5",
    "e44": "http://www.ech.ch/xmlns/eCH-0044/4",
    "e11": "http://www.ech.ch/xmlns/eCH-0011/8",
    "e08": "http://www.ech.ch/xmlns/eCH-0008/3",
    "e90": "http://www.ech.ch/xmlns/eCH-0090/2",
}
E20, E58, E90 = NS["e20"], NS["e58"], NS["e90"]

ECH_0020_MESSAGE_TYPE = "2020"
# The person events the canton forwards to the federal register (arrival, departure, move, permit,
# name and civil status, birth, death). Other eCH-0020 events are refused as unsupported.
SUPPORTED_EVENTS = frozenset({
    "moveIn", "moveOut", "move", "changeResidenceType", "changeResidencePermit", "correctResidencePermit",
    "changeName", "correctName", "marriage", "partnership", "separation", "undoSeparation", "divorce",
    "undoMarriage", "undoPartnership", "maritalStatusPartner", "birth", "death", "changeNationality",
})
# A police report: header subMessageType, a dataRequest event naming the person, PDFs attached.
POLICE_REPORT = "policeReport"
# sedex receipt status codes used by this system (eCH-0090 allows 100..999)
RECEIPT_OK = 100
RECEIPT_SCHEMA_INVALID = 310
RECEIPT_BUSINESS_RULE = 311
RECEIPT_UNREADABLE = 312

# Dates that report something that already happened: never after the day the message is checked.
_PAST_DATES = ("dateOfBirth", "dateOfDeath", "arrivalDate", "entryDate", "dateOfMaritalStatus")
HEADER_ORDER = (
    "senderId", "originalSenderId", "declarationLocalReference", "recipientId", "messageId",
    "referenceMessageId", "businessProcessId", "ourBusinessReferenceId", "yourBusinessReferenceId",
    "uniqueIdBusinessTransaction", "messageType", "subMessageType", "sendingApplication", "partialDelivery",
    "subject", "comment", "messageDate", "initialMessageDate", "eventDate", "modificationDate", "action",
    "attachment", "testDeliveryFlag", "responseExpected", "businessCaseClosed", "namedMetaData", "extension",
)


def _path(el: etree._Element) -> str:
    return el.getroottree().getpath(el)


def _text(el: etree._Element | None) -> str | None:
    return el.text.strip() if el is not None and el.text and el.text.strip() else None


def _find(el: etree._Element, xpath: str) -> etree._Element | None:
    found = el.xpath(xpath, namespaces=NS)
    return found[0] if found else None


def _rule(rule: str, el: etree._Element, detail: str) -> MessageRejection:
    return MessageRejection(RejectionCode.BUSINESS_RULE, _path(el), detail, rule=rule)


def _date(el: etree._Element) -> date | None:
    try:
        return date.fromisoformat(_text(el) or "")
    except ValueError:
        return None


def event_element(root: etree._Element) -> etree._Element:
    header = _find(root, "e20:deliveryHeader")
    if header is None:
        raise MessageRejection(RejectionCode.SCHEMA_INVALID, _path(root), "no deliveryHeader")
    event = header.getnext()
    while event is not None and not isinstance(event.tag, str):
        event = event.getnext()
    if event is None:
        raise MessageRejection(RejectionCode.SCHEMA_INVALID, _path(root), "no event after the header")
    return event


def read_dwelling_address(event: etree._Element) -> str | None:
    """'Zürcherstrasse 112, 8406 Winterthur' from the event's eCH-0011 dwellingAddress (its eCH-0010
    swiss address; by local names, so any version of those schemas)."""
    found = event.xpath(".//*[local-name()='dwellingAddress']/*[local-name()='address']")
    if not found:
        return None

    def part(name: str) -> str:
        return " ".join(found[0].xpath(f"string(*[local-name()='{name}'])").split())

    street, number, zip_code, town = part("street"), part("houseNumber"), part("swissZipCode"), part("town")
    if not (street and zip_code and town):
        return None
    return f"{street} {number}, {zip_code} {town}" if number else f"{street}, {zip_code} {town}"


def read_event(root: etree._Element) -> InboundEvent:
    """The header and the person of a schema-valid eCH-0020 delivery."""
    header = _find(root, "e20:deliveryHeader")
    event = event_element(root)
    name = etree.QName(event).localname
    police_report = _text(_find(header, "e58:subMessageType")) == POLICE_REPORT
    if police_report and (name != "dataRequest" or len(event.xpath("e20:dataRequestPerson", namespaces=NS)) != 1):
        raise MessageRejection(RejectionCode.UNSUPPORTED_MESSAGE, _path(event),
                               "a police report is a dataRequest naming exactly one person", rule="police_report")
    if name not in SUPPORTED_EVENTS and not police_report:
        raise MessageRejection(RejectionCode.UNSUPPORTED_MESSAGE, _path(event),
                               f"event {name!r} is not one the canton forwards "
                               f"(supported: {', '.join(sorted(SUPPORTED_EVENTS))})", rule="supported_event")
    ident = _find(event, ".//*[e44:officialName and e44:dateOfBirth]")
    if ident is None:
        raise MessageRejection(RejectionCode.BUSINESS_RULE, _path(event), "the event names no person "
                               "(eCH-0044 personIdentification)", rule="person_identified")
    birth = _find(ident, "e44:dateOfBirth/e44:yearMonthDay")
    nationality = _text(_find(event, ".//e20:nationalityData//e08:countryIdISO2"))
    local = _find(ident, "e44:localPersonId")
    person = PersonData(
        vn=_text(_find(ident, "e44:vn")),
        official_name=_text(_find(ident, "e44:officialName")) or "",
        first_name=_text(_find(ident, "e44:firstName")) or "",
        sex=_text(_find(ident, "e44:sex")),
        birth_date=_date(birth) if birth is not None else None,
        nationality_iso2=nationality,
        local_person_id=(f"{_text(_find(local, 'e44:personIdCategory'))}:{_text(_find(local, 'e44:personId'))}"
                         if local is not None else None),
    )
    message_date = datetime.fromisoformat((_text(_find(header, "e58:messageDate")) or "").replace("Z", "+00:00"))
    return InboundEvent(
        message_id=_text(_find(header, "e58:messageId")) or "",
        sender_id=_text(_find(header, "e58:senderId")) or "",
        message_type=_text(_find(header, "e58:messageType")) or "",
        event=name, message_date=message_date if message_date.tzinfo else message_date.replace(tzinfo=UTC),
        person=person, foreign_national=nationality != "CH", police_report=police_report,
        dwelling_address=read_dwelling_address(event),
    )


def check_business_rules(root: etree._Element, today: date) -> None:
    """Rules beyond the XSD; the first violation is raised, naming the rule and the element."""
    header = _find(root, "e20:deliveryHeader")
    if header is not None:
        message_type = _find(header, "e58:messageType")
        if message_type is not None and _text(message_type) != ECH_0020_MESSAGE_TYPE:
            raise _rule("known_message_type", message_type,
                        f"messageType {_text(message_type)!r}; an eCH-0020 delivery is {ECH_0020_MESSAGE_TYPE}")
    for vn in root.xpath("//e44:vn", namespaces=NS):
        if not ean13_ok(_text(vn) or ""):
            raise _rule("ahv_check_digit", vn, f"AHV number {_text(vn)} has a wrong check digit (EAN-13)")
    for name in _PAST_DATES:
        for el in root.xpath(f"//*[local-name()='{name}']", namespaces=NS):
            if len(el) == 0:
                day = _date(el)
            else:
                precise = _find(el, "e44:yearMonthDay")
                day = _date(precise) if precise is not None else None
            if day is not None and day > today:
                raise _rule("date_not_in_future", el, f"{name} {day.isoformat()} is after today ({today.isoformat()})")
    for start in root.xpath("//*[substring(local-name(), string-length(local-name()) - 8) = 'ValidFrom']"):
        base = etree.QName(start).localname.removesuffix("ValidFrom")
        end = _find(start.getparent(), f"*[local-name()='{base}ValidTill']")
        begin_day, end_day = _date(start), (_date(end) if end is not None else None)
        if begin_day and end_day and end_day < begin_day:
            raise _rule("date_range_order", end, f"{base}ValidTill {end_day} is before {base}ValidFrom {begin_day}")
    birth = _find(root, "//e44:dateOfBirth/e44:yearMonthDay")
    birth_day = _date(birth) if birth is not None else None
    if birth_day:
        for name in ("dateOfDeath", "arrivalDate", "entryDate"):
            for el in root.xpath(f"//*[local-name()='{name}']"):
                day = _date(el)
                if day is not None and day < birth_day:
                    raise _rule("date_range_order", el, f"{name} {day} is before the birth date {birth_day}")


# --- attachments (police reports) ---------------------------------------------------------------
# eCH-0058 v5 gives the header `attachment` elements of xs:anyType. Our convention for documents
# that travel with a message (a police report's PDF): per attachment `fileName`, `mimeType` and
# `content` (base64), in any namespace or none.
ATTACHMENT_TYPES = frozenset({"application/pdf"})
MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime_type: str
    data: bytes
    path: str  # where in the message


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return _text(child)
    return None


def read_attachments(root: etree._Element) -> list[Attachment]:
    found = root.xpath("e20:deliveryHeader/e58:attachment", namespaces=NS)
    if len(found) > MAX_ATTACHMENTS:
        raise _rule("attachment_count", found[MAX_ATTACHMENTS], f"more than {MAX_ATTACHMENTS} attachments")
    attachments = []
    for number, el in enumerate(found, start=1):
        mime = (_child_text(el, "mimeType") or "").lower()
        if mime not in ATTACHMENT_TYPES:
            raise _rule("attachment_type", el, f"attachment of type {mime or '(none)'!r}; accepted: "
                        f"{', '.join(sorted(ATTACHMENT_TYPES))}")
        try:
            data = base64.b64decode(_child_text(el, "content") or "", validate=True)
        except (binascii.Error, ValueError) as e:
            raise _rule("attachment_content", el, "the attachment's content is not base64") from e
        if not data:
            raise _rule("attachment_content", el, "the attachment is empty")
        name = (_child_text(el, "fileName") or f"attachment-{number}.pdf").replace("/", "_").replace("\\", "_")
        attachments.append(Attachment(filename=name[-120:], mime_type=mime, data=data, path=_path(el)))
    return attachments


def without_attachments(root: etree._Element) -> etree._Element:
    """The message as the federal register gets it: person events, not the documents they carried."""
    copied = copy.deepcopy(root)
    for el in copied.xpath("e20:deliveryHeader/e58:attachment", namespaces=NS):
        el.getparent().remove(el)
    return copied


# --- outbound ------------------------------------------------------------------------------------


def _utc(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _set_header(header: etree._Element, values: dict[str, list[str]]) -> None:
    """Set eCH-0058 header fields (text values) keeping the schema's element order."""
    children: dict[str, list[etree._Element]] = {}
    other: list[etree._Element] = []
    for child in list(header):
        header.remove(child)
        if isinstance(child.tag, str) and etree.QName(child).namespace == E58:
            children.setdefault(etree.QName(child).localname, []).append(child)
        elif isinstance(child.tag, str):
            other.append(child)
    for name, texts in values.items():
        elements = []
        for text in texts:
            el = etree.Element(f"{{{E58}}}{name}")
            el.text = text
            elements.append(el)
        children[name] = elements
    for name in HEADER_ORDER:
        for el in children.get(name, []):
            header.append(el)
    for el in other:
        header.append(el)


_BUSINESS_REFERENCE = re.compile(r"[A-Za-z0-9._:/-]{1,50}")  # eCH-0058 businessReferenceIdType: token, 1..50


def business_reference(correlation_id: str | None) -> str | None:
    """The correlation id as eCH-0058 v5 `ourBusinessReferenceId` (the sender's own reference of the
    business case), or None when it would not fit the type (our ids are UUIDs: they always fit)."""
    return correlation_id if correlation_id and _BUSINESS_REFERENCE.fullmatch(correlation_id) else None


def read_business_reference(root: etree._Element) -> str | None:
    return _text(_find(root, "e20:deliveryHeader/e58:ourBusinessReferenceId"))


def sending_application(product_version: str = "1.0") -> etree._Element:
    app = etree.Element(f"{{{E58}}}sendingApplication")
    for tag, text in (("manufacturer", "eAkte Migration"), ("product", "eAkte"), ("productVersion", product_version)):
        etree.SubElement(app, f"{{{E58}}}{tag}").text = text
    return app


def build_forward(inbound: etree._Element, message_id: str, own_id: str, recipient_id: str,
                  now: datetime, product_version: str = "1.0", correlation_id: str | None = None) -> bytes:
    """The inbound delivery as the canton forwards it: same event, our eCH-0058 header
    (sender = us, original sender = the municipality, reference = the inbound messageId, our business
    reference = the correlation id; the municipality's businessProcessId travels on unchanged)."""
    root = copy.deepcopy(inbound)
    header = _find(root, "e20:deliveryHeader")
    if header is None:
        raise MessageRejection(RejectionCode.SCHEMA_INVALID, "/", "no deliveryHeader")
    inbound_sender = _text(_find(header, "e58:senderId")) or ""
    inbound_id = _text(_find(header, "e58:messageId")) or ""
    app = sending_application(product_version)
    reference = business_reference(correlation_id)
    _set_header(header, {
        "senderId": [own_id], "originalSenderId": [inbound_sender], "recipientId": [recipient_id],
        "messageId": [message_id], "referenceMessageId": [inbound_id], "messageDate": [_utc(now)],
        # the municipality's own reference is not ours: replaced, or dropped when we have none
        "ourBusinessReferenceId": [reference] if reference else [],
    })
    existing_app = _find(header, "e58:sendingApplication")
    if existing_app is not None:
        header.replace(existing_app, app)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_envelope(message_id: str, message_type: str, sender_id: str, recipient_id: str,
                   event_date: datetime, now: datetime, reference_message_id: str | None = None) -> bytes:
    """sedex envelope, eCH-0090 v2. It has no business reference element (only messageId and
    referenceMessageId, and testData, which is reserved for steering test simulators), so the
    correlation id travels in the data file's eCH-0058 header; the shared messageId links the two."""
    root = etree.Element(f"{{{E90}}}envelope", nsmap={"eCH-0090": E90})
    root.set("version", "2.0")

    def el(tag: str, text: str) -> None:
        etree.SubElement(root, f"{{{E90}}}{tag}").text = text

    el("messageId", message_id)
    el("messageType", message_type)
    el("messageClass", "0")
    if reference_message_id:
        el("referenceMessageId", reference_message_id)
    el("senderId", sender_id)
    el("recipientId", recipient_id)
    el("eventDate", _utc(event_date))
    el("messageDate", _utc(now))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_receipt(message_id: str, message_type: str, sender_id: str, recipient_id: str, status_code: int,
                  status_info: str, now: datetime) -> bytes:
    """sedex receipt, eCH-0090 v2: what the receiver says about a message it got."""
    root = etree.Element(f"{{{E90}}}receipt", nsmap={"eCH-0090": E90})
    root.set("version", "2.0")

    def el(tag: str, text: str) -> None:
        etree.SubElement(root, f"{{{E90}}}{tag}").text = text

    el("eventDate", _utc(now))
    el("statusCode", str(status_code))
    el("statusInfo", status_info[:255])
    el("messageId", message_id)
    el("messageType", message_type)
    el("messageClass", "0")
    el("senderId", sender_id)
    el("recipientId", recipient_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def read_receipt(root: etree._Element) -> tuple[str, int, str]:
    """(messageId, statusCode, statusInfo) of a schema-valid eCH-0090 v2 receipt."""
    return (_text(_find(root, "e90:messageId")) or "", int(_text(_find(root, "e90:statusCode")) or 0),
            _text(_find(root, "e90:statusInfo")) or "")


# --- caseworker events ----------------------------------------------------------------------------
# The residence permit events a Migrationsamt reports to the federal register on its own decision:
# a new permit decision (changeResidencePermit) or the correction of wrongly reported permit data
# (correctResidencePermit); element name of the person in each (eCH-0020 v3).
PERMIT_EVENTS = {"changeResidencePermit": "entryResidencePermitPerson",
                 "correctResidencePermit": "correctResidencePermitPerson"}
OWN_PERSON_ID_CATEGORY = "CT.ZH.EAKTE"  # eCH-0044 localPersonId category of our dossier ids


@dataclass(frozen=True)
class PermitData:
    """eCH-0011 residencePermitData: the eCH-0006 permit code and its dates."""

    residence_permit: str
    valid_from: date | None = None
    valid_till: date | None = None
    entry_date: date | None = None


def _sub(parent: etree._Element, ns: str, tag: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        el.text = text
    return el


def build_permit_event(event: str, person: PersonData, permit: PermitData, message_id: str, own_id: str,
                       recipient_id: str, now: datetime, correlation_id: str | None = None,
                       comment: str | None = None, product_version: str = "1.0") -> bytes:
    """An eCH-0020 v3 delivery of a caseworker's residence permit event, with our eCH-0058 v5 header.
    Built as given: the caller validates it against the official XSD (a bad permit code or an empty
    name is the schema's finding, with its path)."""
    if event not in PERMIT_EVENTS:
        raise ValueError(f"not a residence permit event: {event!r}")
    e44, e11 = NS["e44"], NS["e11"]
    root = etree.Element(f"{{{E20}}}delivery", nsmap={"eCH-0020": E20, "eCH-0058": E58, "eCH-0044": e44,
                                                        "eCH-0011": e11})
    root.set("version", "3.0")
    header = _sub(root, E20, "deliveryHeader")
    reference = business_reference(correlation_id)
    for tag, text in (("senderId", own_id), ("recipientId", recipient_id), ("messageId", message_id),
                      ("businessProcessId", reference), ("ourBusinessReferenceId", reference),
                      ("messageType", ECH_0020_MESSAGE_TYPE), ("subMessageType", event)):
        if text:
            _sub(header, E58, tag, text)
    header.append(sending_application(product_version))
    _sub(header, E58, "subject", f"{event}: {person.official_name}, {person.first_name}"[:100].strip())
    if comment and comment.strip():
        _sub(header, E58, "comment", " ".join(comment.split())[:250])
    _sub(header, E58, "messageDate", _utc(now))
    _sub(header, E58, "eventDate", (permit.valid_from or now.astimezone(UTC).date()).isoformat())
    _sub(header, E58, "action", "1")  # a new message (not a correction or cancellation of one)
    _sub(header, E58, "testDeliveryFlag", "true" if own_id.startswith("T") else "false")  # T…: sedex test
    body = _sub(root, E20, event)
    ident = _sub(body, E20, PERMIT_EVENTS[event])
    if person.vn:
        _sub(ident, e44, "vn", person.vn)
    category, _, local_id = (person.local_person_id or "").partition(":")
    local = _sub(ident, e44, "localPersonId")
    _sub(local, e44, "personIdCategory", category)
    _sub(local, e44, "personId", local_id)
    _sub(ident, e44, "officialName", person.official_name)
    _sub(ident, e44, "firstName", person.first_name)
    _sub(ident, e44, "sex", person.sex or "3")
    birth = _sub(ident, e44, "dateOfBirth")
    _sub(birth, e44, "yearMonthDay", person.birth_date.isoformat() if person.birth_date else "")
    data = _sub(body, E20, "residencePermitData")
    _sub(data, e11, "residencePermit", permit.residence_permit)
    for tag, day in (("residencePermitValidFrom", permit.valid_from), ("residencePermitValidTill", permit.valid_till),
                     ("entryDate", permit.entry_date)):
        if day is not None:
            _sub(data, e11, tag, day.isoformat())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
