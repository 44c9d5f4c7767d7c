"""The identity benchmark's breakdown of documents by the strongest evidence they show
(bench/identity.py): which class a document falls in decides what its recall figure means."""

from __future__ import annotations

from datetime import date

from bench.identity import AS_BUILT, EVIDENCE, FRONTIER, run_frontier, strongest_evidence
from samples.identities import IdDeclared, IdDocument, IdPerson, Name

AHV = "756.1234.5678.97"


def person(**kw: object) -> IdPerson:
    base: dict[str, object] = {
        "key": "P00001", "origin": "AFG", "sex": "M", "surname": Name((("Karimi",),)),
        "given": Name((("Farid", "Fareed"),)), "birth_date": date(1990, 5, 4), "ahv": AHV,
        "passport_no": "P1234567", "has_dossier": True, "zemis": "12345678",
        "address": "Seestrasse 12a, 5400 Baden", "address_known": True, "ahv_known": True}
    return IdPerson(**(base | kw))  # type: ignore[arg-type]


def document(**kw: object) -> IdDocument:
    base: dict[str, object] = {"person_key": "P00001", "surname": "Karimi", "given_names": "Farid",
                               "birth_date": None, "nationality": None, "sex": None, "category": "payslip"}
    return IdDocument(**(base | kw))  # type: ignore[arg-type]


def test_a_number_counts_only_if_the_dossier_knows_it() -> None:
    doc = document(references={"ahvNumber": AHV}, birth_date=date(1990, 5, 4))
    assert strongest_evidence(doc, person()) == "a number the dossier knows"
    assert strongest_evidence(doc, person(ahv_known=False)) == "names + birth date"


def test_the_uploaders_word_right_or_wrong() -> None:
    assert strongest_evidence(document(declared=IdDeclared("P00001", ahv=AHV)), person()) == \
        "the uploader named the person"
    assert strongest_evidence(document(declared=IdDeclared("P00002", ahv=AHV)), person()) == \
        "the uploader named someone else"


def test_an_address_counts_if_it_is_the_known_current_one() -> None:
    shown = document(address="Seestr. 12a, 5400 Baden", variation="address")
    assert strongest_evidence(shown, person()) == "an address the dossier knows"
    assert strongest_evidence(shown, person(address_known=False)) == "nothing but a name"
    moved = document(address="Rosenweg 3, 3011 Bern", variation="new_address")
    assert strongest_evidence(moved, person()) == "nothing but a name"


def test_birth_dates_and_the_name_alone() -> None:
    assert strongest_evidence(document(birth_date=date(1990, 1, 1)), person()) == "names + 1 January"
    assert strongest_evidence(document(birth_date=date(1990, 5, 14)), person()) == "names + birth date"
    assert strongest_evidence(document(), person()) == EVIDENCE[-1] == "nothing but a name"


def test_the_frontier_runs_each_rule_over_the_same_offices() -> None:
    """--frontier: the rules production lacks file at least what it files (they only add ways to
    attach), and 'as built' is production's own figure."""
    r = run_frontier([3], dossiers=150, documents=300)
    rules = r["rules"]
    assert list(rules) == list(FRONTIER)
    built = rules[AS_BUILT]
    for name, v in rules.items():
        assert v["correct"] + v["false_attachments"] >= built["correct"] + built["false_attachments"], name
    assert rules["both"]["correct"] > built["correct"]
