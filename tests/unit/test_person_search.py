"""Person search (logic.search): a caseworker's typed name finds the dossier in another spelling,
best match first, through the in-memory record store (the DynamoDB store: tests/integration)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eakte.adapters.memory import MemoryRecordStore
from eakte.logic.search import DossierNames, NameSearch, loose_name_keys, matches
from eakte.models.document import Dossier
from eakte.ports import DossierQuery

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

# (typed, dossier surname, dossier given names): the typed name must find the dossier
FOUND = [
    ("Mohamad Yusuf", "Youssef", "Mohammed"),  # transliterations of both names
    ("Yusuf Mohamad", "Youssef", "Mohammed"),  # in the other order
    ("Uthman", "Osman", "Ali"),  # Arabic th/s: only the loose key has them alike
    ("Ihor", "Kravchenko", "Igor"),  # Ukrainian h / Russian g
    ("Mehmet", "Yilmaz", "Mehmed"),  # Turkish final devoicing
    ("Abd al-Rahman", "Haddad", "Abdelrahman"),  # one name in three words
    ("Abdel Rahman", "Haddad", "Abdulrahman"),
    ("Alhassan", "Al Hassan", "Samira"),  # the article glued on
    ("Hassan", "Alhassan", "Samira"),  # ... and left off
    ("Mueller", "Müller", "Hans"),  # umlaut spelling
    ("Strauss", "Strauß", "Eva"),
    ("Bytyqi", "Bytyçi", "Arben"),  # Albanian q / ç
    ("Soliman", "Suleiman", "Amina"),  # a dialect's vowels (logic.names._VARIANT_GROUPS)
    ("Hossein Rezai", "Rezai", "Hussein"),
    ("Sevcenko", "Ševčenko", "Taras"),  # diacritics lost
    ("Schewtschenko", "Shevchenko", "Taras"),  # German transliteration
    ("hadd", "Haddad", "Mohammed"),  # the first letters, as typed so far
    ("HADDAD mo", "Haddad", "Mohammed"),  # a word under three letters does not count yet
]

# other names: never found by these
NOT_FOUND = [
    ("Hassan", "Hussein", "Ali"),
    ("Ahmadi", "Ahmad", "Ali"),  # a longer name is another name, not a spelling
    ("Haddad Mahmoud", "Haddad", "Mohammed"),  # every word typed must match
    ("Samira", "Haddad", "Samir"),  # (but 'Samir' finds Samira: the first letters)
    ("Mo", "Haddad", "Mohammed"),  # nothing of three letters typed
]


@pytest.mark.parametrize(("typed", "surname", "given"), FOUND)
def test_a_spelling_variant_finds_the_person(typed: str, surname: str, given: str) -> None:
    assert matches(NameSearch.parse(typed), DossierNames.of(surname, given))


@pytest.mark.parametrize(("typed", "surname", "given"), NOT_FOUND)
def test_another_name_is_not_found(typed: str, surname: str, given: str) -> None:
    assert not matches(NameSearch.parse(typed), DossierNames.of(surname, given))


def test_loose_keys_cover_the_name_without_its_glued_article_but_not_short_names() -> None:
    assert set(loose_name_keys("Hassan")) < set(loose_name_keys("Alhassan"))
    assert len(loose_name_keys("Alina")) == 1  # a name, not the article on 'Ina'


def _store(*names: tuple[str, str, str, date]) -> MemoryRecordStore:
    store = MemoryRecordStore()
    for did, surname, given, born in names:
        store.create_dossier(Dossier(dossier_id=did, surname=surname, given_names=given, birth_date=born,
                                     created_at=NOW))
    return store


def _ids(store: MemoryRecordStore, **query: str) -> list[str]:
    return [d.dossier_id for d in store.find_dossiers(DossierQuery(**query))]  # type: ignore[arg-type]


def test_the_dossier_s_own_spelling_comes_first_then_variants_then_first_letters() -> None:
    store = _store(("D-1", "Haddadin", "Omar", date(1980, 1, 5)),  # only the first letters
                   ("D-2", "Hadad", "Mohamad", date(1990, 2, 3)),  # a variant of both names
                   ("D-3", "Haddad", "Mohammed", date(1985, 7, 9)),  # as typed
                   ("D-4", "Haddad", "Mahmoud", date(1985, 7, 9)))  # another given name
    assert _ids(store, name="Haddad Mohammed") == ["D-3", "D-2"]
    # alike in fit: as written before a spelling variant, then alphabetically; first letters last
    assert _ids(store, name="Haddad") == ["D-4", "D-3", "D-2", "D-1"]
    # with the birth date: only who was born that day, still best first
    assert _ids(store, name="Hadad Mohamed", birth_date="1985-07-09") == ["D-3"]


def test_a_birth_date_or_year_typed_with_the_name_narrows_the_search() -> None:
    store = _store(("D-1", "Haddad", "Mohammed", date(1985, 7, 9)), ("D-2", "Hadad", "Mahmoud", date(1985, 7, 10)),
                   ("D-3", "Haddad", "Omar", date(1990, 2, 3)))
    assert _ids(store, name="Haddad 1985") == ["D-1", "D-2"]  # Hadad too: doubled letters do not count
    assert _ids(store, name="Hadad 9.7.1985") == ["D-1"]
    assert _ids(store, name="Haddad, 1990-02-03") == ["D-3"]
    assert _ids(store, name="Haddad 1991") == []
    assert _ids(store, name="Haddad 31.02.1990") == []  # no such day: left as a word that names no one
    assert _ids(store, name="1985") == []  # a year alone is not a name


def test_of_two_persons_whose_names_are_the_other_s_swapped_the_surname_typed_first_comes_first() -> None:
    store = _store(("D-HM", "Haile", "Mehari", date(1980, 1, 2)), ("D-MH", "Mehari", "Haile", date(1981, 3, 4)))
    assert _ids(store, name="Mehari Haile") == ["D-MH", "D-HM"]
    assert _ids(store, name="haile mehari") == ["D-HM", "D-MH"]


def test_a_surname_match_comes_before_a_given_name_match() -> None:
    store = _store(("D-G", "Rahimi", "Karim", date(1990, 1, 2)), ("D-S", "Karim", "Amina", date(1991, 3, 4)))
    assert _ids(store, name="Karim") == ["D-S", "D-G"]
