"""One document of every type through the running local stack: type and key fields via the API.

The documents are the first held-out document of each of the 17 types of the generated corpus
(samples/corpus.py; never trained on), rendered as clean scans."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from eakte.local.client import LocalClient
from samples.corpus import TYPES, corpus_documents
from samples.corpus_scans import degrade, render

pytestmark = pytest.mark.e2e


def _first_held_out_of_each_type() -> list[tuple[str, bytes, dict[str, str]]]:
    chosen: dict[str, tuple[str, bytes, dict[str, str]]] = {}
    for doc in corpus_documents(per_type=18):
        if doc.held_out and doc.doc_type not in chosen:
            data, _ = degrade(render(doc, random.Random(doc.index)), "clean", random.Random(doc.index))
            chosen[doc.doc_type] = (doc.doc_type, data, dict(doc.truth))
    return [chosen[t] for t in TYPES]


def test_every_document_type_is_recognised_through_the_api(stack: LocalClient) -> None:
    sender = stack.token("scan-provider", ["scanner"], municipality="scan-e2e")
    reader = stack.token("sachbearbeiter", ["caseworker"])
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
        elif "birthDate" in truth:
            assert fields.get("birthDate") == truth["birthDate"], (doc_type, fields)
