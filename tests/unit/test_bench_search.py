"""The person-search benchmark's own arithmetic (bench/search.py): which group a typed name falls
in, and what found / first count, on a hand-made office."""

from __future__ import annotations

import random
from datetime import date

from bench.search import _dossier, first_letters, quality, typed_name
from eakte.logic.search import NameSearch
from samples.identities import IdPerson, Name


def person(key: str, surname: tuple[str, ...], given: tuple[str, ...], dossier: bool = True) -> IdPerson:
    return IdPerson(key=key, origin="SYR", sex="F", surname=Name((surname,)), given=Name((given,)),
                    birth_date=date(1990, 1, 2), ahv=None, passport_no="N1", has_dossier=dossier)


def test_typed_names_fall_in_their_groups() -> None:
    p = person("P1", ("Suleiman", "Soliman"), ("Samira", "Sameera"))
    kinds = {typed_name(p, random.Random(i))[1] for i in range(200)}
    assert kinds == {"surname alone", "full name, the dossier's spelling", "full name, another spelling"}
    for i in range(50):
        typed, kind = typed_name(p, random.Random(i))
        if kind == "full name, the dossier's spelling":
            assert {t.casefold() for t in typed.split()} == {"suleiman", "samira"}


def test_found_and_first_against_the_first_letters_search() -> None:
    persons = [person("P1", ("Suleiman", "Soliman"), ("Samira", "Sameera")),
               person("P2", ("Haddad",), ("Amina",)), person("P3", ("Stranger",), ("Eve",), dossier=False)]
    r = quality(persons, [_dossier(p) for p in persons if p.has_dossier], queries=300, seed=1)
    aware, letters = r["spelling-aware"], r["first letters"]
    assert aware["all"]["found"] == 1.0 and aware["all"]["first_or_namesake"] == 1.0
    assert letters["full name, another spelling"]["found"] < 0.5  # 'Soliman' is not how the dossier begins
    assert letters["full name, the dossier's spelling"]["found"] == 1.0
    assert first_letters(NameSearch.parse("Soliman")).words[0].strict == frozenset()
