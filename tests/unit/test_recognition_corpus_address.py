"""The person's address on the generated corpus's own text (before any OCR): letters' address
blocks, "Adresse:" lines in the person's block and forms' street and postcode lines are read; the
office's address block on a letter to it, a police report's place of the event and an employer's
or landlord's address are not taken for the person's. The OCR'd figures are bench/recognition.py's."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # samples/ is a top-level folder of the repo, not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from eakte.models.document import DocumentType  # noqa: E402
from eakte.recognition.fields import extract_fields  # noqa: E402
from eakte.recognition.mrz import find_mrz  # noqa: E402
from samples.corpus import corpus_documents  # noqa: E402


def test_the_corpus_shows_addresses_in_every_layout_and_they_are_read() -> None:
    read, shown, wrong = Counter[str](), Counter[str](), []
    for doc in corpus_documents(per_type=48):
        expected = dict(doc.truth).get("address")
        got = extract_fields(doc.text, find_mrz(doc.text), {DocumentType(doc.doc_type)}, today=date(2026, 11, 21))
        if expected is None:
            if "address" in got:
                wrong.append((doc.index, got["address"].value))
            continue
        shown[doc.doc_type] += 1
        read[doc.doc_type] += "address" in got and got["address"].value == expected
    assert not wrong, f"an address taken for the person's where the document shows none of theirs: {wrong}"
    # the types that show it in the corpus, each in its layouts (samples.corpus._HOME)
    assert {"payslip", "decision_notice", "police_report", "application_form", "identity_card",
            "rental_agreement", "correspondence"} <= set(shown)
    # one identity card (a training one) shows its "Anschrift" but no name, no MRZ: nothing to read it by
    assert sum(read.values()) >= sum(shown.values()) - 1, {t: (read[t], n) for t, n in shown.items()}
