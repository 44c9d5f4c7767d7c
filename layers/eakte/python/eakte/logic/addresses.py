"""Postal addresses as identity evidence: one comparable key per address (pure, no I/O).

A payslip, a contract or a letter shows its person's address; the dossier knows the addresses that
documents filed with certainty showed before (logic.stages.IndexStage). Two spellings of one
address must give one key: 'Zürcherstrasse 112, 8406 Winterthur', 'Zuercherstr. 112, 8406
Winterthur' and 'Zürcherstraße 112 8406 Winterthur'. The key is postcode, house number and the
street's letters with its type word unified; the town is left out (the postcode says it, and
towns are spelt in three languages)."""

from __future__ import annotations

import re

from eakte.logic.names import fold

_STREET_TYPES = (  # abbreviation and spelling -> one word, on the folded text
    (re.compile(r"(?<=[a-z])(?:str\.?|strasse|strase)(?=\s|\d|$)"), "strasse"),
    (re.compile(r"\b(?:str\.?|strasse)(?=\s|\d|$)"), "strasse"),
    (re.compile(r"\bav\.?(?=\s)"), "avenue"),
    (re.compile(r"\bch\.?(?=\s)"), "chemin"),
    (re.compile(r"\bbd\.?(?=\s)"), "boulevard"),
    (re.compile(r"\bpl\.?(?=\s)"), "place"),
    (re.compile(r"\brte\.?(?=\s)"), "route"),
)
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})
# 'Bahnhofstrasse 12a, 8001 Zürich' / 'Bahnhofstrasse 12a 8001 Zürich' / '12, rue du Lac, 1003 Lausanne'
_GERMAN = re.compile(r"^(?P<street>.*?[a-z.])\s*(?P<no>\d{1,4}\s?[a-z]?)\b[\s,]+(?:ch-|d-|de-)?(?P<zip>\d{4,5})\b")
_FRENCH = re.compile(r"^(?P<no>\d{1,4}\s?[a-z]?)\b[\s,]+(?P<street>.*?[a-z])[\s,]+(?:ch-|d-|de-)?(?P<zip>\d{4,5})\b")


def address_key(address: str) -> str | None:
    """'8406|zurcherstrasse|112' for 'Zürcherstrasse 112, 8406 Winterthur'; None without a postcode
    or a house number (a post box, a town alone: no address that tells people apart)."""
    text = fold(address.replace("ß", "ss")).translate(_UMLAUTS)
    text = re.sub(r"(?<=[a-z])(ae|oe|ue)(?=[a-z])", lambda m: m.group()[0], text)  # Zuercher -> Zurcher
    m = _GERMAN.match(text) or _FRENCH.match(text)
    if m is None:
        return None
    street = m.group("street")
    for pattern, word in _STREET_TYPES:
        street = pattern.sub(word, street)
    letters = re.sub(r"[^a-z]", "", street)
    if len(letters) < 3:
        return None
    return f"{m.group('zip')}|{letters}|{m.group('no').replace(' ', '')}"


def misread_address_keys(key: str) -> list[str]:
    """Keys of the address `key` names with its house number's letter read as a digit by the OCR
    ('Birkenweg 978' for 97B): looked up when no dossier is known at the address as read."""
    zip_code, street, number = key.split("|")
    if len(number) >= 2 and number[:-1].isdigit() and number[-1] == "8":
        return [f"{zip_code}|{street}|{number[:-1]}b"]
    return []
