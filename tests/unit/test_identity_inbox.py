"""What the inbox shows when identity resolution files nothing: the candidate dossiers in the
order a caseworker should look at them. Without a birth date every name match is capped at the
same score, so the order among equal scores carries the evidence: the person the uploader named
first (and always shown), then a dossier known at the address the document shows, then the
closer name. And a surname the lookup keys spell apart is still found, through the given names;
a document that fits no one lists whom it may still mean (born that day with names a letter apart
or partly alike, its names born on another day) rather than nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from eakte.adapters.memory import MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.logic.identity import (
    MAX_CANDIDATES,
    PLAUSIBLE,
    PersonData,
    near_misses,
    possible_duplicates,
    resolve,
    with_address,
    with_declared,
)
from eakte.logic.intake import Buckets
from eakte.logic.names import name_keys
from eakte.logic.stages import IndexStage
from eakte.models.document import (
    Document,
    DocumentStatus,
    DocumentType,
    Dossier,
    ExtractedField,
    FieldSource,
    StageMessage,
    SubmissionKind,
)

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def dossier(did: str, surname: str, given: str, birth: str, sex: str = "M") -> Dossier:
    return Dossier(dossier_id=did, surname=surname, given_names=given, birth_date=date.fromisoformat(birth),
                   nationality="UKR", sex=sex, reference_numbers={}, created_at=NOW)


def person(surname: str, given: str, address: str | None = None) -> PersonData:
    return PersonData(surname=surname, given_names=given, birth_date=None, address=address)


# one family name, many people: the surname alone fits them all alike
BOIKOS = [dossier(f"D-{i:02d}", "Boiko", given, birth) for i, (given, birth) in enumerate([
    ("Nataliia", "1958-11-12"), ("Svitlana", "1999-04-29"), ("Taras", "1974-10-31"), ("Yuliia", "1966-03-13"),
    ("Yurii", "1959-08-07"), ("Oksana", "1981-05-02")])]
NAMED = dossier("D-99", "Boiko", "Mykola Taras", "2007-08-28")


def test_the_person_the_uploader_named_is_shown_first_however_many_share_the_name() -> None:
    surname_only = person("BOYKO", "")
    everyone = [*BOIKOS, NAMED]
    own = resolve(surname_only, {}, everyone)
    assert len(own.candidates) == MAX_CANDIDATES and NAMED.dossier_id not in {c.dossier_id for c in own.candidates}
    shown = with_declared(surname_only, own, NAMED, everyone)
    assert shown.dossier_id is None  # a surname alone files nothing, named or not
    assert shown.candidates[0].dossier_id == NAMED.dossier_id
    assert len(shown.candidates) == MAX_CANDIDATES and "named by the uploader" in shown.candidates[0].reason


def test_the_named_person_is_kept_even_when_the_document_contradicts_them() -> None:
    # the uploader named a woman; the document names a Taras, as do six dossiers: she is shown
    # all the same, below the names that fit
    mother = dossier("D-00", "Boiko", "Nataliia", "1958-11-12", sex="F")
    son = person("Boiko", "Taras")
    sons = [dossier(f"D-{i}", "Boiko", "Taras", f"19{70 + i}-01-15") for i in range(1, 7)]
    shown = with_declared(son, resolve(son, {}, sons), mother, [*sons, mother])
    ids = [c.dossier_id for c in shown.candidates]
    assert len(ids) == MAX_CANDIDATES and ids[-1] == mother.dossier_id
    assert shown.candidates[-1].score < shown.candidates[0].score


def test_of_equal_scores_the_closer_name_comes_first() -> None:
    # both capped alike without a birth date; the dossier id would put the middle name first
    with_middle = dossier("D-A", "Halimi", "Shpëtim Agron", "1964-03-20")
    same = dossier("D-B", "Halimi", "Shpëtim", "1987-06-09")
    found = resolve(person("Halimi", "Shpetim"), {}, [with_middle, same])
    assert [c.score for c in found.candidates] == [found.candidates[0].score] * 2
    assert [c.dossier_id for c in found.candidates] == ["D-B", "D-A"]


def test_of_equal_scores_the_one_known_at_the_address_comes_first() -> None:
    elder, younger = dossier("D-1", "Ahmadi", "Sayed", "1983-04-02"), dossier("D-2", "Ahmadi", "Sayed", "1999-06-20")
    doc = person("Ahmadi", "Sayed", address="Weiherstrasse 149, 1003 Lausanne")
    own = resolve(doc, {}, [elder, younger])
    assert [c.dossier_id for c in own.candidates] == ["D-1", "D-2"]
    # an asylum centre (more dossiers known there than make evidence): still the better guess first
    centre = ["D-2", *(f"D-R{i}" for i in range(9))]
    shown = with_address(doc, own, centre, [elder, younger])
    assert shown.dossier_id is None and [c.dossier_id for c in shown.candidates] == ["D-2", "D-1"]
    assert [c.reason.endswith("known at the address shown") for c in shown.candidates] == [True, False]


def test_two_residents_who_both_fit_are_shown_even_if_the_name_lookups_missed_one() -> None:
    # father and son of one name at one address: a caseworker decides, and sees both
    father, son = dossier("D-F", "Ahmadi", "Sayed", "1960-02-14"), dossier("D-S", "Ahmadi", "Sayed", "1999-06-20")
    doc = person("Ahmadi", "Sayed", address="Birkenweg 54, 4600 Olten")
    own = resolve(doc, {}, [father])  # the son's dossier came only from the address lookup
    shown = with_address(doc, own, ["D-F", "D-S"], [father, son])
    assert shown.dossier_id is None and {c.dossier_id for c in shown.candidates} == {"D-F", "D-S"}


def test_a_resident_the_surname_may_mean_is_listed_first_though_many_share_the_surname() -> None:
    # 'POPAL' alone, no birth date: six Popals fill the list; the one known at the address shown
    # does not back a surname alone (nothing is filed), but is the one to look at first
    popals = [dossier(f"D-{i}", "Popal", given, f"19{60 + i}-05-0{i}") for i, given in
              enumerate(["Ahmad", "Parwana", "Shabnam", "Sayed", "Farid", "Zarghona"], start=1)]
    resident = dossier("D-R", "Popal", "Ahmad Farid", "1980-10-15")
    doc = person("POPAL", "", address="Birkenweg 54, 4600 Olten")
    own = resolve(doc, {}, popals)
    assert len(own.candidates) == MAX_CANDIDATES and "D-R" not in {c.dossier_id for c in own.candidates}
    shown = with_address(doc, own, ["D-R"], [*popals, resident])
    assert shown.dossier_id is None and shown.candidates[0].dossier_id == "D-R"
    assert shown.candidates[0].reason.endswith("known at the address shown")


def index(records: MemoryRecordStore, document_type: DocumentType, **fields: str) -> Document:
    """Run the index stage over one classified document showing `fields`."""
    records.create_document(Document(
        document_id="DOC-1", submission_id="S1", tenant="t", kind=SubmissionKind.SCAN,
        status=DocumentStatus.CLASSIFIED, filename="scan.pdf", source_bucket="in", source_key="k",
        document_type=document_type, confidence=0.95, received_at=NOW, updated_at=NOW,
        fields={k: ExtractedField(value=v, confidence=0.8, source=FieldSource.TEXT) for k, v in fields.items()}))
    stage = IndexStage(records, MemoryObjectStore(), MemoryQueue(), Buckets("in", "arch"), clock=lambda: NOW)
    out = stage.run(StageMessage(document_id="DOC-1"))
    assert out is not None
    return out


def test_a_surname_the_lookup_keys_spell_apart_is_found_through_the_given_names() -> None:
    # Osman is the Turkish Othman: the similarity knows it, the strict lookup keys do not
    assert not set(name_keys("Osman")) & set(name_keys("Othman"))
    records = MemoryRecordStore()
    records.create_dossier(Dossier(dossier_id="D-OTHMAN", surname="Othman", given_names="Jamal",
                                   birth_date=date(1979, 2, 27), nationality="SYR", sex="M", created_at=NOW))
    out = index(records, DocumentType.PAYSLIP, surname="Osman", givenNames="Djamal")  # a payslip: no birth date
    assert out.status is DocumentStatus.NEEDS_REVIEW and out.dossier_id is None
    assert [c.dossier_id for c in out.candidates] == ["D-OTHMAN"]  # shown, not filed: a name alone files nothing


MARIAMS = [dossier("D-FAR", "Ahmadi", "Mariam", "1990-06-01", sex="F"),
           dossier("D-NEAR", "Ahmadi", "Mariam", "1975-04-04", sex="F"),
           dossier("D-MAN", "Ahmadi", "Mariam", "1975-03-26", sex="M"),  # sex differs: someone else
           dossier("D-ZAHRA", "Ahmadi", "Zahra", "1975-03-25", sex="F")]  # born that day, another given name


def test_a_document_that_fits_no_one_lists_its_names_born_on_other_days_the_nearest_first() -> None:
    doc = PersonData(surname="AHMADI", given_names="MARIAM", birth_date=date(1975, 3, 25), sex="F")
    assert resolve(doc, {}, MARIAMS).candidates == []  # another birth date scores below the inbox's floor
    shown = near_misses(doc, MARIAMS)
    # the same names first, the nearest date first; the woman of that surname born that day last
    assert [c.dossier_id for c in shown] == ["D-NEAR", "D-FAR", "D-ZAHRA"]
    assert all(c.score < PLAUSIBLE for c in shown) and "10 days apart" in shown[0].reason
    assert shown[1].reason.endswith("born 1990-06-01")  # years apart: the date says it
    assert shown[2].reason.startswith("born the same day, names partly alike")


def test_the_index_stage_shows_them_and_files_nothing() -> None:
    records = MemoryRecordStore()
    for d in MARIAMS:
        records.create_dossier(d)
    # a language certificate, the birth date typed ten days off
    out = index(records, DocumentType.LANGUAGE_CERTIFICATE, surname="AHMADI", givenNames="MARIAM",
                birthDate="1975-03-25", sex="F")
    assert out.status is DocumentStatus.NEEDS_REVIEW and out.dossier_id is None
    assert [c.dossier_id for c in out.candidates] == ["D-NEAR", "D-FAR", "D-ZAHRA"]


def test_someone_born_that_day_whose_name_is_a_letter_apart_is_listed_for_any_document() -> None:
    records = MemoryRecordStore()
    records.create_dossier(dossier("D-HASHIMI", "Hashimi", "Zabihullah", "1963-06-12"))
    out = index(records, DocumentType.COURT_DECISION, surname="Hasehimi", givenNames="Zabihullah",
                birthDate="1963-06-12")
    assert out.status is DocumentStatus.NEEDS_REVIEW and out.dossier_id is None
    assert [c.dossier_id for c in out.candidates] == ["D-HASHIMI"]
    assert out.candidates[0].reason.startswith("possibly the same person")


def test_someone_born_that_day_whose_names_are_partly_alike_is_listed_but_not_on_1_january() -> None:
    # 'Albassan' is Al Hassan glued and misread; Sameera is Samira: more than a letter apart
    samira = dossier("D-SAMIRA", "Al Hassan", "Samira", "2002-03-18", sex="F")
    doc = PersonData(surname="Albassan", given_names="Sameera", birth_date=date(2002, 3, 18))
    assert resolve(doc, {}, [samira]).candidates == [] and possible_duplicates(doc, [samira]) == []
    assert [c.dossier_id for c in near_misses(doc, [samira])] == ["D-SAMIRA"]
    # 1 January: many born 'that day' whose birthday is unknown; a name partly alike says nothing
    new_year = samira.model_copy(update={"birth_date": date(2002, 1, 1)})
    assert near_misses(replace(doc, birth_date=date(2002, 1, 1)), [new_year]) == []


def test_a_passport_of_a_namesake_born_on_another_day_still_opens_its_own_dossier() -> None:
    records = MemoryRecordStore()
    records.create_dossier(MARIAMS[1])
    out = index(records, DocumentType.PASSPORT, surname="AHMADI", givenNames="MARIAM", birthDate="1975-03-25",
                sex="F", nationality="UKR")
    assert out.status is DocumentStatus.INDEXED and out.dossier_id not in {None, "D-NEAR"}
