"""The identity benchmark's documents as pages (samples/identity_pages.py), read by recognition on
their own text, before any OCR: what bench/identity.py --through-ocr measures after the OCR must
first be readable from the page. The person's address where the page shows it (a letter's block
with or without 'Herr'/'Frau', a labelled line, a form's lines, the rented dwelling), and never a
sender's block or a police report's place of the event; every reference number; the birth date."""

from __future__ import annotations

import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # samples/ is a top-level folder of the repo, not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from eakte.recognition import recognize  # noqa: E402
from samples.identities import identity_corpus  # noqa: E402
from samples.identity_pages import identity_page  # noqa: E402


def _fold(value: str) -> str:
    value = unicodedata.normalize("NFKD", value.casefold().replace("ß", "ss"))
    return " ".join("".join(c for c in value if not unicodedata.combining(c)).replace("-", " ").split())


def test_identity_pages_show_what_their_documents_say_and_recognition_reads_it() -> None:
    corpus = identity_corpus(seed=7, dossiers=400, documents=800)
    persons = {p.key: p for p in corpus.persons}
    shown, read, misplaced = Counter[str](), Counter[str](), []
    for i, d in enumerate(corpus.documents):
        page = identity_page(d, persons[d.person_key], i, seed=7)
        fields = recognize(page.text, today=date(2026, 11, 21)).fields
        got = fields.get("address")
        if got is not None and (d.address is None or _fold(got.value) != _fold(d.address)):
            misplaced.append((i, d.category, d.address, got.value))
        for name, value in dict(page.truth).items():
            shown[name] += 1
            read[name] += name in fields and (fields[name].value == value if name == "birthDate"
                                              else _fold(fields[name].value) == _fold(value))
    assert not misplaced, f"an address taken for the person's that the page does not show as theirs: {misplaced}"
    assert shown["address"] > 300 and read["address"] >= 0.98 * shown["address"], (read, shown)
    for name in ("ahvNumber", "zemisNumber", "dossierNumber", "documentNumber"):
        assert shown[name] and read[name] == shown[name], (name, read[name], shown[name])
    assert read["birthDate"] >= 0.99 * shown["birthDate"]
    # names: a passport's MRZ spells them as the passport does, not as the page's text may
    assert read["surname"] >= 0.93 * shown["surname"]
