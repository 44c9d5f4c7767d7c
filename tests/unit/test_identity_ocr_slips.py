"""Identity evidence as the OCR reads it: letters the page's models lack, misread articles and
digits, a compound given name split between the fields (each from a document of the identity
bench read through the OCR that missed its dossier)."""

from __future__ import annotations

import pytest

from eakte.logic.addresses import address_key, misread_address_keys
from eakte.logic.identity import (
    _OCR_CONFUSIONS,
    OCR_SLIP_SIM,
    misread_dossier_numbers,
    misread_number_dossier,
    name_match,
    names_compatible,
    resolve,
    token_similarity,
)
from eakte.logic.names import e_for_c_caron, name_field_tokens
from tests.unit.test_identity_evidence import dossier, person
from tests.unit.test_learning import _index, _payslip, _records

# --- letters the OCR models lack ---------------------------------------------------------------


def test_the_ocr_confusions_are_pairs_of_latin_letters() -> None:
    """Names are compared folded to a-z: a pair with another letter in it never applies (the c/o
    pair had a Cyrillic о since the first version, so 'Kcvalenko' was no OCR slip of Kovalenko)."""
    assert all(len(pair) == 2 and pair <= set("abcdefghijklmnopqrstuvwxyz") for pair in _OCR_CONFUSIONS)
    assert token_similarity("kcvalenko", "kovalenko") == OCR_SLIP_SIM


@pytest.mark.parametrize(("read", "known"), [
    ("Sevéenko", "Shevchenko"),  # Ševčenko: č read as é
    ("Sevéenko", "Ševčenko"),
    ("Krasniéi", "Krasnići"),  # ć read as é
    ("Krasniéi", "Krasniqi"),
    ("Kovaéevié", "Kovačević"),
])
def test_an_e_acute_read_for_a_c_caron_is_an_ocr_slip(read: str, known: str) -> None:
    m = name_match(read, "Dmytro", known, "Dmytro")
    assert 0.9 <= m.score < 1.0 and not m.conflict


@pytest.mark.parametrize("name", ["Andrée", "Renée Dupont", "André", "Désirée", "Mélanie"])
def test_french_names_keep_their_e_acute(name: str) -> None:
    assert e_for_c_caron(name) is None


def test_an_e_acute_undone_makes_no_other_name_alike() -> None:
    assert name_match("Sevéenko", "Dmytro", "Sergeenko", "Dmytro").score < 0.9
    assert name_match("Sevéenko", "Dmytro", "Semenko", "Dmytro").score < 0.9
    assert name_match("Dubois", "Léa", "Dubois", "Lea").score == 1.0  # read as it is, it stays her name


def test_a_g_read_for_a_c_cedilla_next_to_a_number() -> None:
    assert names_compatible("Kog", "Fatma", "Koç", "Fatma")
    koc = dossier("D-KOC", "Koç", "Fatma", "1965-07-07", nationality="TUR", sex="F", zemisNumber="15189049")
    read = person("Kog", "Fatma", "1965-07-07", references={"zemisNumber": "15189049"})
    assert resolve(read, {"zemisNumber": [koc]}, [koc]).dossier_id == "D-KOC"
    # never as a name on its own, nor for another letter
    assert name_match("Kog", "Fatma", "Koç", "Fatma").score < 0.9
    assert not names_compatible("Kag", "Fatma", "Koç", "Fatma")


def test_a_polish_cz_read_as_ez_next_to_a_number() -> None:
    assert names_compatible("Jurij Serhiy", "Poliszezuk", "Polishchuk", "Yurii Serhii")
    assert not names_compatible("Poliszezuk", "Jurij", "Polishchuk", "Taras")


# --- a misread article ---------------------------------------------------------------------------


def test_the_article_al_read_as_ai() -> None:
    assert name_match("Ai Ahmad", "Abdulaziz", "Al Ahmad", "Abd al-Aziz").score == 1.0
    assert names_compatible("Aishami", "Khalid", "Al Shami", "Khalid")
    assert name_match("Aishami", "Khalid", "Al Shami", "Khalid").score >= 0.9
    # a surname Ai on its own is one (Ai Weiwei); 'Aileen' is not Leen
    assert name_match("Ai", "Weiwei", "Ai", "Weiwei").score == 1.0
    assert name_match("Aileen", "Murphy", "Leen", "Murphy").score < 0.9


# --- a compound given name split between the fields ------------------------------------------------


def test_a_compound_given_name_read_across_the_fields() -> None:
    # 'Miguel Angel Garcia' read as given name Miguel, surname Angel Garcia
    assert names_compatible("Angel Garcia", "Miguel", "García López", "Miguel Ángel")
    assert name_match("Angel Garcia", "Miguel", "García López", "Miguel Ángel").score >= 0.9
    # a surname that is the partner word alone stays the surname (Mr Juan Carlos)
    assert name_field_tokens("Carlos", "Juan") == (["carlos"], ["juan"])


# --- misread digits ------------------------------------------------------------------------------


def test_a_quoted_dossier_number_with_a_misread_hex_digit() -> None:
    assert "D-D59A0CD54A80" in misread_dossier_numbers("D-D59A0CD54480")  # A read as 4
    assert "D-9E009DAA12D3" in misread_dossier_numbers("D-9F009DAA12D3")  # E read as F
    julija = dossier("D-D59A0CD54A80", "Shevchuk", "Yuliia", "1975-01-01", sex="F")
    other = dossier("D-D59A0CD54A8E", "Bondarenko", "Olena", "1975-01-01", sex="F")
    read = person("Schewtschuk", "Julija", "1975-01-01", references={"dossierNumber": "D-D59A0CD54480"})
    assert misread_number_dossier(read, [other, julija]) is julija
    # another birth date or other names: not the one the letter meant
    assert misread_number_dossier(person("Schewtschuk", "Julija", "1975-02-01"), [julija]) is None
    assert misread_number_dossier(person("Schewtschuk", "Julija", None), [julija]) is None
    assert misread_number_dossier(person("Bondarenko", "Olena", "1975-01-01"), [julija]) is None


def test_the_index_stage_finds_the_dossier_a_misread_number_names() -> None:
    # names and 1 January alone file nothing (a stranger of that name and year): the number does
    rami = _records(dossier("D-CE5DCADE01E5", "Al Hassan", "Rami", "1991-01-01", nationality="SYR"))
    out = _index(rami, _payslip("P1", dossierNumber="D-CE5DCADE01F5", surname="Al Hassan", givenNames="Rami",
                                birthDate="1991-01-01"))
    assert out.dossier_id == "D-CE5DCADE01E5"
    assert "dossierNumber matches" in out.candidates[0].reason
    # the same letter of another person (another birth date) stays in the inbox
    out = _index(rami, _payslip("P2", dossierNumber="D-CE5DCADE01F5", surname="Al Hassan", givenNames="Rami",
                                birthDate="1981-01-01"))
    assert out.dossier_id is None


def test_a_house_number_letter_read_as_8() -> None:
    key = address_key("Birkenweg 978, 1201 Genève")
    assert key is not None and misread_address_keys(key) == [address_key("Birkenweg 97B, 1201 Genève")]
    assert misread_address_keys(address_key("Birkenweg 97, 1201 Genève") or "") == []
    assert misread_address_keys(address_key("Birkenweg 8, 1201 Genève") or "") == []  # no number before it


def test_the_index_stage_finds_residents_at_an_address_with_a_misread_house_number() -> None:
    records = _records(dossier("D-HAKIMI", "Hakimi", "Shabnam", "1990-05-05", nationality="AFG", sex="F"))
    shown = "Birkenweg 97b, 1201 Genève"
    records.add_dossier_address("D-HAKIMI", address_key(shown) or "", shown, "earlier")
    out = _index(records, _payslip("P1", surname="Hakimi", givenNames="Shabnam", address="BIRKENWEG 978, 1201 GENÈVE"))
    assert out.dossier_id == "D-HAKIMI"
    out = _index(records, _payslip("P2", surname="Hakimi", givenNames="Shabnam", address="BIRKENWEG 97, 1201 GENÈVE"))
    assert out.dossier_id is None
