"""Generated eCH-0020 v3 person events for tests and the exchange benchmark: many fictitious persons
(variants of `generate.PERSONS` with their own AHV numbers and birth dates), each with a sequence of
events (arrival, then residence permit changes), every message with its own messageId.

    from samples.events import event_person, person_event
    p = event_person(17)
    xml = person_event(p, seq=0)          # moveIn
    xml = person_event(p, seq=1)          # changeResidencePermit, later validity
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import uuid
from dataclasses import replace

from lxml import etree

from samples.generate import (
    NS,
    PERSONS,
    Person,
    bilevel_scan,
    build_move_in_message,
    doc_police_report,
    image_pdf_bytes,
    rasterize,
)

_NS_EVENTS = uuid.UUID("8a1d9d4e-2f1c-4f0e-9b64-5b0c7c2e1d33")


def event_person(i: int) -> Person:
    """The i-th fictitious person: a variant of one of the sample persons (valid AHV check digit)."""
    base = PERSONS[i % len(PERSONS)]
    ahv12 = "756" + f"{(104_729 * (i + 1) + 10_000_000) % 10**9:09d}"
    return replace(base, key=f"{base.key}-{i}", ahv12=ahv12,
                   birth_date=base.birth_date - dt.timedelta(days=(i * 37) % 3000))


def event_message_id(person: Person, seq: int, run: str = "") -> str:
    return str(uuid.uuid5(_NS_EVENTS, f"{run}/{person.ahv}/{seq}"))


def _set(root: etree._Element, xpath: str, text: str) -> None:
    for el in root.xpath(xpath, namespaces=NS):
        el.text = text


def person_event(person: Person, seq: int, run: str = "", message_id: str | None = None) -> bytes:
    """Event `seq` of the person: 0 = moveIn (arrival from abroad), then changeResidencePermit."""
    message_id = message_id or event_message_id(person, seq, run)
    root = etree.fromstring(build_move_in_message(person))
    _set(root, "//eCH-0058:messageId", message_id)
    _set(root, "//eCH-0058:businessProcessId", f"eakte-{person.ahv}-{seq:04d}")
    when = dt.datetime(2025, 3, 4, 8, 30, tzinfo=dt.UTC) + dt.timedelta(minutes=seq)
    _set(root, "//eCH-0058:messageDate", when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if seq == 0:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    header = root.find(f"{{{NS['eCH-0020']}}}deliveryHeader")
    _set(header, "eCH-0058:subMessageType", "changeResidencePermit")
    _set(header, "eCH-0058:subject", f"Bewilligungsänderung: {person.surname}, {person.given_names}")
    for event in root.xpath("eCH-0020:moveIn", namespaces=NS):
        root.remove(event)
    event = etree.SubElement(root, f"{{{NS['eCH-0020']}}}changeResidencePermit")
    ident = etree.SubElement(event, f"{{{NS['eCH-0020']}}}entryResidencePermitPerson")
    etree.SubElement(ident, f"{{{NS['eCH-0044']}}}vn").text = person.ahv
    local = etree.SubElement(ident, f"{{{NS['eCH-0044']}}}localPersonId")
    etree.SubElement(local, f"{{{NS['eCH-0044']}}}personIdCategory").text = f"CH.GDE.{person.municipality_bfs}"
    etree.SubElement(local, f"{{{NS['eCH-0044']}}}personId").text = str(100000 + int(person.ahv12[-5:]))
    for tag, text in (("officialName", person.surname), ("firstName", person.given_names),
                      ("sex", "2" if person.female else "1")):
        etree.SubElement(ident, f"{{{NS['eCH-0044']}}}{tag}").text = text
    birth = etree.SubElement(ident, f"{{{NS['eCH-0044']}}}dateOfBirth")
    etree.SubElement(birth, f"{{{NS['eCH-0044']}}}yearMonthDay").text = person.birth_date.isoformat()
    permit = etree.SubElement(event, f"{{{NS['eCH-0020']}}}residencePermitData")
    valid_from = person.entry_date + dt.timedelta(days=365 * seq)
    for tag, text in (("residencePermit", "02"), ("residencePermitValidFrom", valid_from.isoformat()),
                      ("residencePermitValidTill", (valid_from + dt.timedelta(days=364)).isoformat()),
                      ("entryDate", person.entry_date.isoformat())):
        etree.SubElement(permit, f"{{{NS['eCH-0011']}}}{tag}").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def police_report_pdf(person: Person, seed: int = 0) -> bytes:
    """The person's police report (Polizeirapport, 2 pages) as an image-only PDF, as scanned."""
    rng = random.Random(seed)
    pages = [bilevel_scan(rasterize(page), rng) for page in doc_police_report(person, rng)]
    return image_pdf_bytes(pages, title=f"Polizeirapport {person.surname}")


def police_report_message(person: Person, pdfs: list[bytes], run: str = "", message_id: str | None = None) -> bytes:
    """An eCH-0020 v3 delivery from the police: header subMessageType `policeReport`, a `dataRequest`
    event naming the person, and the report PDF(s) as eCH-0058 header attachments (xs:anyType;
    our convention: fileName, mimeType, content = base64)."""
    root = etree.fromstring(person_event(person, 1, run=run, message_id=message_id or
                                         str(uuid.uuid5(_NS_EVENTS, f"{run}/{person.ahv}/police"))))
    header = root.find(f"{{{NS['eCH-0020']}}}deliveryHeader")
    _set(header, "eCH-0058:senderId", "T3-BE-2")  # test participant: cantonal police
    _set(header, "eCH-0058:subMessageType", "policeReport")
    _set(header, "eCH-0058:subject", f"Polizeirapport: {person.surname}, {person.given_names}")
    test_flag = header.find(f"{{{NS['eCH-0058']}}}testDeliveryFlag")
    for number, pdf in enumerate(pdfs, start=1):
        attachment = etree.Element(f"{{{NS['eCH-0058']}}}attachment")
        for tag, text in (("fileName", f"polizeirapport-{number}.pdf"), ("mimeType", "application/pdf"),
                          ("content", base64.b64encode(pdf).decode("ascii"))):
            etree.SubElement(attachment, tag).text = text
        test_flag.addprevious(attachment)
    event = root.find(f"{{{NS['eCH-0020']}}}changeResidencePermit")
    request = etree.Element(f"{{{NS['eCH-0020']}}}dataRequest")
    ident = event.find(f"{{{NS['eCH-0020']}}}entryResidencePermitPerson")
    ident.tag = f"{{{NS['eCH-0020']}}}dataRequestPerson"
    request.append(ident)
    root.replace(event, request)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

