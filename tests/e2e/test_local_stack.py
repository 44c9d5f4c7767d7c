"""The whole path on the running local stack: presigned upload → OCR → classify → index → API."""

from __future__ import annotations

import pytest

from eakte.local.client import ApiError, LocalClient
from tests.conftest import encode, text_image

pytestmark = pytest.mark.e2e

RENTAL = ["CONTRAT DE BAIL À LOYER", "pour locaux d'habitation", "Bailleur: Régie du Lac SA, Lausanne",
          "Locataire: Monsieur Dawit Tesfaye, né le 04.07.1988", "Objet: appartement de 3 pièces,",
          "Avenue de la Gare 12, 1003 Lausanne", "Date d'entrée: 1er avril 2026",
          "Loyer mensuel net: CHF 1'650.-, charges CHF 180.-"]


def test_uploaded_scan_is_indexed_and_readable_through_the_api(stack: LocalClient) -> None:
    sender = stack.token("gemeinde-user", ["municipality"], municipality="bfs-5586")
    submission_id = stack.upload(sender, "bail.png", encode(text_image(RENTAL), "PNG"))
    view = stack.wait(sender, submission_id, timeout_s=180)
    assert view["status"] in {"COMPLETED", "NEEDS_REVIEW"}
    (document,) = view["documents"]

    reader = stack.token("sachbearbeiterin", ["caseworker"], team="team-a")
    doc = stack.get(reader, f"/api/documents/{document['documentId']}")
    assert doc["documentType"] == "rental_agreement"
    assert 0 < doc["confidence"] <= 1
    assert "bail" in doc["text"].casefold()
    assert "Lausanne" in doc["text"]
    assert doc["ocrChars"] >= 150

    # the municipality sees its submission, another one does not
    other = stack.token("other", ["municipality"], municipality="bfs-261")
    with pytest.raises(ApiError) as e:
        stack.get(other, f"/api/submissions/{submission_id}")
    assert e.value.status == 404
    # and the sender may not read the document itself
    with pytest.raises(ApiError) as e:
        stack.get(sender, f"/api/documents/{document['documentId']}")
    assert e.value.status == 403


def test_disguised_file_is_rejected_with_its_reason(stack: LocalClient) -> None:
    sender = stack.token("gemeinde-user", ["municipality"], municipality="bfs-5586")
    submission_id = stack.upload(sender, "rechnung.pdf", b"MZ\x90\x00" + b"\x00" * 4000, "application/pdf")
    view = stack.wait(sender, submission_id, timeout_s=60)
    assert view["status"] == "REJECTED"
    assert view["documents"][0]["reason"] == "unsupported_type"


def test_missing_token_is_refused(stack: LocalClient) -> None:
    with pytest.raises(ApiError) as e:
        stack.get("", "/api/inbox")
    assert e.value.status == 401


def test_passport_opens_a_dossier_that_search_finds(stack: LocalClient) -> None:
    from samples.generate import PASSPORT_PERSON, SAMPLES

    spec = next(s for s in SAMPLES if s.document_type == "passport")
    sender = stack.token("scan-provider", ["scanner"], municipality="scan-ag")
    submission_id = stack.upload(sender, spec.filename, (stack_root() / "samples" / spec.relpath).read_bytes())
    view = stack.wait(sender, submission_id, timeout_s=180)
    document_id = view["documents"][0]["documentId"]

    reader = stack.token("sachbearbeiter", ["caseworker"], team="team-a")
    doc = stack.get(reader, f"/api/documents/{document_id}")
    assert doc["status"] == "INDEXED"
    assert doc["documentType"] == "passport"
    assert doc["fields"]["birthDate"]["source"] == "mrz"
    dossier_id = doc["dossierId"]
    assert dossier_id

    birth = PASSPORT_PERSON.birth_date.isoformat()
    assert doc["fields"]["birthDate"]["value"] == birth
    assert doc["fields"]["documentNumber"]["value"] == PASSPORT_PERSON.passport_no
    # type-ahead: the first letters of the surname find the person
    by_name = stack.get(reader, "/api/dossiers", q=PASSPORT_PERSON.surname.split()[-1][:4])
    by_birth = stack.get(reader, "/api/dossiers", birthDate=birth)
    by_ref = stack.get(reader, "/api/dossiers", ref=doc["fields"]["documentNumber"]["value"])
    # as a caseworker may spell it on hearing it: 'Alhasan' for Al Hassan
    variant = PASSPORT_PERSON.surname.replace(" ", "").replace("ss", "s")
    assert variant.casefold() not in {PASSPORT_PERSON.surname.casefold(), doc["fields"]["surname"]["value"].casefold()}
    by_variant = stack.get(reader, "/api/dossiers", q=f"{variant} {PASSPORT_PERSON.given_names}")
    # ... and with the birth year or date a caller gives on the phone
    year = PASSPORT_PERSON.birth_date.year
    by_year = stack.get(reader, "/api/dossiers", q=f"{variant} {year}")
    by_day = stack.get(reader, "/api/dossiers", q=f"{variant} {PASSPORT_PERSON.birth_date:%d.%m.%Y}")
    next_year = stack.get(reader, "/api/dossiers", q=f"{variant} {year + 1}")
    assert dossier_id not in {d["dossierId"] for d in next_year["items"]}
    for found in (by_name, by_birth, by_ref, by_variant, by_year, by_day):
        assert dossier_id in {d["dossierId"] for d in found["items"]}
    dossier = stack.get(reader, f"/api/dossiers/{dossier_id}")
    assert document_id in {d["documentId"] for d in dossier["documents"]}
    assert dossier["birthDate"] == birth


def stack_root():
    from eakte.local.stack import repo_root

    return repo_root()


def test_a_payslip_naming_only_its_employee_is_filed_by_the_person_named_at_upload_then_by_address(
        stack: LocalClient) -> None:
    import dataclasses
    import datetime as dt
    import random

    from samples.generate import PERSONS, jpeg_bytes, render_passport

    person = dataclasses.replace(PERSONS[0], key="e2e-gebrekidan", surname="Gebrekidan", given_names="Tesfalem",
                                 birth_date=dt.date(1993, 2, 11), passport_no="E77120458")
    scanner = stack.token("scan-provider", ["scanner"], municipality="scan-ag")
    passport = stack.wait(scanner, stack.upload(scanner, "pass-gebrekidan.jpg",
                                                jpeg_bytes(render_passport(person, random.Random(5)), quality=80)),
                          timeout_s=180)
    reader = stack.token("sachbearbeiter", ["caseworker"], team="team-a")
    dossier_id = stack.get(reader, f"/api/documents/{passport['documents'][0]['documentId']}")["dossierId"]
    assert dossier_id

    payslip = encode(text_image(["Brunner Haustechnik GmbH", "Industriestrasse 21, 8404 Winterthur", "",
                                 "Herr", "Tesfalem Gebrekidan", "Rosenweg 17", "8405 Winterthur", "",
                                 "Lohnabrechnung März 2026", "Monatslohn brutto CHF 5'600.00",
                                 "AHV/IV/EO 5.30 % CHF -296.80", "ALV 1.10 % CHF -61.60", "BVG CHF -312.00",
                                 "Nettolohn CHF 4'929.60"]), "PNG")
    municipality = stack.token("gemeinde-user", ["municipality"], municipality="bfs-230")

    def filed(concerns: dict[str, str] | None, scan: bytes = payslip) -> dict:
        started = stack.start_upload(municipality, "lohn.png", "image/png", len(scan), concerns=concerns)
        stack.post_form(started["upload"], "lohn.png", scan, "image/png")
        view = stack.wait(municipality, started["submissionId"], timeout_s=180)
        return stack.get(reader, f"/api/documents/{view['documents'][0]['documentId']}")

    alone = filed(None)
    assert alone["documentType"] == "payslip" and alone["fields"]["surname"]["value"] == "Gebrekidan"
    assert alone["status"] == "NEEDS_REVIEW" and alone["dossierId"] is None  # a name alone files nothing
    assert dossier_id in {c["dossierId"] for c in alone["candidates"]}
    named = filed({"surname": "Gebrekidan", "givenNames": "Tesfalem", "birthDate": "1993-02-11"})
    assert named["status"] == "INDEXED" and named["dossierId"] == dossier_id
    assert "named by the uploader" in named["candidates"][0]["reason"]
    # filed with certainty, it taught the dossier the address it shows: next month's payslip, with
    # nobody named, is filed by the name and that address
    assert [a["address"] for a in stack.get(reader, f"/api/dossiers/{dossier_id}")["addresses"]] == \
        ["Rosenweg 17, 8405 Winterthur"]  # an address no other test files anyone at
    next_month = filed(None)
    assert next_month["status"] == "INDEXED" and next_month["dossierId"] == dossier_id
    assert "known at the address shown" in next_month["candidates"][0]["reason"]

    # a payslip with the birth date and the AHV number is filed by name and birth date and teaches
    # the dossier the number; a later one that shows the name and the number only is filed by it
    ahv = "756.8800.1234.64"  # no other test or sample uses it

    def payslip_with(*lines: str) -> bytes:
        return encode(text_image(["Brunner Haustechnik GmbH", "Industriestrasse 21, 8404 Winterthur", "",
                                  "Herr", "Tesfalem Gebrekidan", "", "Lohnabrechnung April 2026", *lines,
                                  "Monatslohn brutto CHF 5'600.00", "Nettolohn CHF 4'929.60"]), "PNG")

    teaching = filed(None, payslip_with("Geburtsdatum: 11.02.1993", f"AHV-Nr.: {ahv}"))
    assert teaching["status"] == "INDEXED" and teaching["dossierId"] == dossier_id
    assert teaching["fields"]["ahvNumber"]["value"] == ahv
    learnt = stack.get(reader, f"/api/dossiers/{dossier_id}")
    assert learnt["referenceNumbers"]["ahvNumber"] == ahv
    assert learnt["referenceSources"]["ahvNumber"] == teaching["documentId"]
    by_number = filed(None, payslip_with(f"AHV-Nr.: {ahv}"))
    assert by_number["status"] == "INDEXED" and by_number["dossierId"] == dossier_id
    assert by_number["candidates"][0]["reason"].startswith("ahvNumber matches")
