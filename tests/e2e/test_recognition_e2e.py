"""One document of every type through the running local stack: type and key fields via the API.

The documents are held-out documents of each of the 17 types of the generated corpus
(samples/corpus.py; never trained on), rendered as clean scans: per type the first one that
shows most of the type's own fields (employer and start date on a contract, ...), and the
person's address wherever one of them shows it."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from eakte.local.client import LocalClient
from samples.corpus import TYPES, CorpusDocument, corpus_documents
from samples.corpus_scans import degrade, render

pytestmark = pytest.mark.e2e

# what a caseworker needs per type (recognition.fields), asserted where the document shows it
TYPE_FIELDS = {
    "employment_contract": ("employer", "startDate"),
    "payslip": ("monthlyGross",),
    "rental_agreement": ("address", "moveInDate"),
    "court_decision": ("court", "decisionDate", "fileNumber"),
    "language_certificate": ("language", "languageLevel"),
}


def _first_held_out_of_each_type() -> list[tuple[str, bytes, dict[str, str]]]:
    best: dict[str, CorpusDocument] = {}
    for doc in corpus_documents(per_type=48):  # the held-out split of bench/recognition.py
        if not doc.held_out:
            continue
        shown = len(set(TYPE_FIELDS.get(doc.doc_type, ())) & set(dict(doc.truth)))
        kept = best.get(doc.doc_type)
        if kept is None or shown > len(set(TYPE_FIELDS.get(doc.doc_type, ())) & set(dict(kept.truth))):
            best[doc.doc_type] = doc
    out = []
    for t in TYPES:
        doc = best[t]
        data, _ = degrade(render(doc, random.Random(doc.index)), "clean", random.Random(doc.index))
        out.append((t, data, dict(doc.truth)))
    return out


def _same(a: str | None, b: str) -> bool:
    return a is not None and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def test_every_document_type_is_recognised_through_the_api(stack: LocalClient) -> None:
    sender = stack.token("scan-provider", ["scanner"], municipality="scan-e2e")
    reader = stack.token("sachbearbeiter", ["caseworker"], team="team-a")
    documents = _first_held_out_of_each_type()

    def one(item: tuple[str, bytes, dict[str, str]]) -> tuple[str, dict[str, str], dict]:
        doc_type, data, truth = item
        submission_id = stack.upload(sender, f"{doc_type}.png", data, "image/png")
        view = stack.wait(sender, submission_id, timeout_s=300)
        (document,) = view["documents"]
        return doc_type, truth, stack.get(reader, f"/api/documents/{document['documentId']}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, documents))
    wrong = {t: got["documentType"] for t, _, got in results if got["documentType"] != t}
    assert not wrong, f"misclassified: {wrong}"
    for doc_type, truth, got in results:
        fields = {k: v["value"] for k, v in got["fields"].items()}
        assert got["status"] in {"INDEXED", "NEEDS_REVIEW"}
        if "documentNumber" in truth:  # documents with an MRZ: its fields, check digits verified
            for key in ("documentNumber", "birthDate", "expiryDate", "sex"):
                assert fields.get(key) == truth[key], (doc_type, key, fields)
            assert got["fields"]["documentNumber"]["source"] == "mrz"
            assert got["mrz"]["valid"] is True and all(got["mrz"]["checks"].values()), got["mrz"]
            assert {"documentNumber", "birthDate", "expiryDate"} <= set(got["mrz"]["checks"])
        elif "birthDate" in truth:
            assert fields.get("birthDate") == truth["birthDate"], (doc_type, fields)
        if "address" in truth:  # where the person lives (a rental agreement: the dwelling let)
            assert _same(fields.get("address"), truth["address"]), (doc_type, fields.get("address"), truth["address"])
    # the person's address, read from an identity card, a form, a police report, letters' address blocks
    assert sum("address" in truth for _, truth, _ in results) >= 5
    type_fields = {(t, key): (truth[key], {k: v["value"] for k, v in got["fields"].items()}.get(key))
                   for t, truth, got in results for key in TYPE_FIELDS.get(t, ()) if key in truth}
    # every per-type field is shown by one of the documents
    assert {key for _, key in type_fields} == {k for keys in TYPE_FIELDS.values() for k in keys}, type_fields
    wrong_fields = {k: v for k, v in type_fields.items() if not _same(v[1], v[0])}
    assert not wrong_fields, f"per-type fields (expected, got): {wrong_fields}"
