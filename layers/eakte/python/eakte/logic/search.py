"""Person search: which dossiers may a name typed by a caseworker mean? (pure, no I/O)

Caseworkers type a name as they heard it on the phone or read it in a letter, seldom in the
dossier's spelling: 'Mohamad Yusuf' must find Mohammed Youssef, 'Uthman' Osman, 'Ihor' Igor,
'Abd al-Rahman' Abdelrahman, 'Alhassan' Al Hassan, and the first letters of a name (results as
you type) its owner. Every word typed (MIN_WORD letters or more) must match one of the dossier's
names: by its first letters as written (case and accents aside), or by transliteration key
(logic.names.skeleton, strict or loose), in any order. Failing that, the names as the identity
lookups read them ('Abd al-Rahman' one name, articles dropped) may match by key instead. A birth
date or year typed with the name ('Haddad 14.3.1991', 'Haddad 1991'), as a caller gives it on the
phone, narrows the search to who was born then.

Both record stores find candidates by these keys (the DynamoDB store through its lookup
partitions, `loose_name_keys` in their own) and keep and order them with `matches` and
`rank_key`, so that the local and the AWS search answer alike. Matches come best first: the
names' fit (logic.identity.name_match, so the dossier's own spelling before a variant, a
surname before a given name), then alphabetically."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from eakte.logic.identity import name_match
from eakte.logic.names import (
    canonical,
    fold,
    listed_spelling,
    name_keys,
    name_tokens,
    person_name_tokens,
    skeleton,
)

MIN_WORD = 3  # letters a typed word needs to count (the web app sends q from three letters on)
_ARTICLE_GLUED = ("al", "el")  # 'Alhassan', 'Elmasri': the Arabic article written onto the name
_GLUED_MIN = 6  # letters a name needs before a leading al/el counts as an article ('Alina' is a name)


def _token_loose_keys(token: str) -> list[str]:
    """The loose key of one name token (logic.names.person_name_tokens form); for a name written
    with its article ('Alhassan'), the loose key of the name without it; for a listed spelling of
    a name whose vowels a dialect changes ('Soliman', logic.names.listed_spelling), the key of the
    list's first spelling."""
    keys = [skeleton(token, loose=True)]
    c = canonical(token)
    if c[:2] in _ARTICLE_GLUED and len(c) >= _GLUED_MIN:
        keys.append(skeleton(c[2:], loose=True))
    if (listed := listed_spelling(token)) is not None:
        keys.append(skeleton(listed, loose=True))
    return [k for k in keys if len(k) >= 2]


def loose_name_keys(*names: str) -> list[str]:
    """The keys under which a dossier is found by a looser spelling of its names than the strict
    transliteration keys (logic.names.name_keys) allow: Othman/Osman, Ihor/Igor, Mehmet/Mehmed,
    Alhassan/Hassan. Only the search uses them; identity resolution compares names itself."""
    keys: list[str] = []
    for name in names:
        for token in person_name_tokens(name):
            keys += [k for k in _token_loose_keys(token) if k not in keys]
    return keys


@dataclass(frozen=True, slots=True)
class SearchWord:
    """One name in a query: matched by first letters (`prefix`, empty: never) or by a key."""

    prefix: str
    strict: frozenset[str]
    loose: frozenset[str]


@dataclass(frozen=True, slots=True)
class DossierNames:
    """What a dossier's names are matched by: the words as written and their keys."""

    words: tuple[str, ...]
    strict: frozenset[str]
    loose: frozenset[str]

    @classmethod
    @lru_cache(maxsize=1 << 14)  # a dossier's names are matched and ranked on every search that finds it
    def of(cls, surname: str, given_names: str) -> DossierNames:
        return cls(tuple(name_tokens(surname, given_names)), frozenset(name_keys(surname, given_names)),
                   frozenset(loose_name_keys(surname, given_names)))


def _by_key(token: str) -> SearchWord:
    return SearchWord("", frozenset({skeleton(token)}), frozenset(_token_loose_keys(token)))


# A birth date or year typed with the name ('Haddad 14.3.1991', 'Haddad 1991-03-14', 'Haddad 1991')
_TYPED_DATE = re.compile(r"(?<!\w)(?:(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)|((?:19|20)\d\d)-(\d{2})-(\d{2})"
                         r"|((?:19|20)\d\d))(?!\w)")


def _typed_birth(text: str) -> tuple[str, date | None, int | None]:
    """The text without a date or year typed in it, the date and the year (the last typed counts);
    a date that does not exist (31.02.1990) is left in the text, where it matches no name."""
    born: date | None = None
    year: int | None = None

    def take(m: re.Match[str]) -> str:
        nonlocal born, year
        if m.group(7):
            year = int(m.group(7))
            return " "
        d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
        try:
            born = date(int(y), int(mo), int(d))
        except ValueError:
            return m.group()
        return " "

    return _TYPED_DATE.sub(take, text), born, year


@dataclass(frozen=True, slots=True)
class NameSearch:
    """A typed name, parsed: `words` must all match, or else all of `glued` (by key); a birth
    date (`born`) or year typed with it must be the dossier's."""

    text: str
    words: tuple[SearchWord, ...]
    glued: tuple[SearchWord, ...]
    born: date | None = None
    year: int | None = None

    @classmethod
    def parse(cls, query: str) -> NameSearch:
        text, born, year = _typed_birth(query)
        words: list[SearchWord] = []
        typed: list[str] = []
        for word in name_tokens(text):
            if len(word) < MIN_WORD:
                continue
            tokens = person_name_tokens(word)  # one word: no glueing, a particle kept
            typed += tokens
            words.append(SearchWord(word, frozenset(skeleton(t) for t in tokens),
                                    frozenset(k for t in tokens for k in _token_loose_keys(t))))
        read = [t for t in person_name_tokens(text) if len(t) >= MIN_WORD]
        glued = tuple(_by_key(t) for t in read) if read != typed else ()
        return cls(text, tuple(words), glued, born, year)


def _word_matches(word: SearchWord, names: DossierNames) -> bool:
    return bool(word.prefix and any(w.startswith(word.prefix) for w in names.words)) \
        or bool(word.strict & names.strict) or bool(word.loose & names.loose)


def matches(search: NameSearch, names: DossierNames, birth_date: date | None = None) -> bool:
    """Does the typed name mean a person of these names, born on `birth_date` (see the module
    docstring)?"""
    if (search.born is not None and birth_date != search.born) or \
            (search.year is not None and (birth_date is None or birth_date.year != search.year)):
        return False
    return any(words and all(_word_matches(w, names) for w in words) for words in (search.words, search.glued))


def rank_key(search: NameSearch, surname: str, given_names: str,
             dossier_id: str) -> tuple[float, int, int, str, str, str]:
    """Sort key of a match: the names' fit first (the typed words read as the names of a
    document; spellings that differ only in doubled letters or umlauts fit alike; the order typed
    does not count), then whether the first word typed is the surname (as offices write names:
    'Mehari Haile' means Mehari, Haile before Haile, Mehari), then how many words were typed as
    the dossier writes them, then surname, given names and dossier number."""
    # read in the order typed and in reverse, the better: given names first or last fit alike
    score = max(name_match(text, "", surname, given_names).score
                for text in (search.text, " ".join(reversed(search.text.split()))))
    surname_first = bool(search.words) and _word_matches(search.words[0], DossierNames.of(surname, ""))
    written = DossierNames.of(surname, given_names).words
    as_written = sum(any(w.startswith(word.prefix) for w in written) for word in search.words)
    return -round(score, 4), -surname_first, -as_written, fold(surname), fold(given_names), dossier_id
