"""The trained document-type model: features, training, calibration, the shipped file, and
corrections exported from the audit trail as training data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from eakte.adapters.memory import MemoryAuditTrail, MemoryObjectStore, MemoryRecordStore
from eakte.auth import Principal
from eakte.logic.api_service import ApiService
from eakte.logic.corrections import correction_examples
from eakte.logic.intake import Buckets
from eakte.models.api import CorrectionRequest
from eakte.models.document import Document, DocumentStatus, DocumentType, Dossier, SubmissionKind
from eakte.ports import ObjectRef
from eakte.recognition import recognize
from eakte.recognition.classifier import classify
from eakte.recognition.model import MODEL_PATH, Model, features, load_model, predict
from samples.train_classifier import EXCERPT_KEEP, choose_threshold, excerpt, fit_temperature, train, vectorize

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TEXTS = {
    "payslip": ["Lohnabrechnung Mai\nBruttolohn 5600.00\nAHV/IV/EO -296.80\nNettolohn 4816.00",
                "Fiche de salaire mai\nSalaire brut 4300.00\nAVS/AI/APG\nSalaire net 3700.00"],
    "rental_agreement": ["Mietvertrag für Wohnräume\nMieter: Rami Al Hassan\nNettomiete CHF 1450",
                         "Contrat de bail à loyer\nLocataire: Farida Ahmadzai\nLoyer net CHF 1600"],
}


def test_features_are_deterministic_and_normalised() -> None:
    a = features("Lohnabrechnung Mai Bruttolohn")
    assert a == features("Lohnabrechnung Mai Bruttolohn")
    assert abs(sum(v * v for v in a.values()) - 1.0) < 1e-9
    assert features("LOHNABRECHNUNG") == features("lohnabrechnung")  # folded
    assert len(features("P<SYRAL<HASSAN<<RAMI<<<<<<<")) > len(features("P SYRAL HASSAN RAMI"))  # MRZ marker


def test_training_separates_types_and_round_trips(tmp_path: Path) -> None:
    classes = list(TEXTS)
    examples = [(vectorize(t), classes.index(c)) for c, texts in TEXTS.items() for t in texts]
    model = train(examples, len(classes))
    model = Model(tuple(classes), model.weights, model.bias)
    probs = model.probabilities(vectorize("Lohnabrechnung Juni\nNettolohn 4100.00"))
    assert max(probs, key=probs.get) == "payslip"
    path = tmp_path / "m.json.gz"
    model.save(path)
    again = load_model.__wrapped__(path)
    assert again is not None
    vec = vectorize("Mietvertrag\nNettomiete")
    assert again.probabilities(vec) == pytest.approx(model.probabilities(vec), abs=1e-3)  # weights rounded


def test_temperature_and_threshold_from_out_of_fold_scores() -> None:
    # confident and right, or unsure and wrong: the threshold separates them
    scored = [([4.0, 0.0], 0)] * 40 + [([0.3, 0.0], 1)] * 10
    t = fit_temperature(scored)
    threshold, stats = choose_threshold(scored, t)
    assert stats["accepted_accuracy"] >= 0.98 and stats["accepted_share"] == 0.8
    assert 0.55 < threshold <= 0.99


def test_shipped_model_is_small_and_classifies() -> None:
    assert MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    model = load_model()
    assert model is not None and set(model.classes) == {t.value for t in DocumentType}
    contract = ("Arbeitsvertrag\nzwischen Gastro Aare AG und Yonas Tesfaye\nStellenantritt: 01.02.2025\n"
                "Bruttolohn CHF 4700 pro Monat")
    probs = predict(contract, classify(contract).probabilities)
    assert probs is not None and max(probs, key=probs.get) is DocumentType.EMPLOYMENT_CONTRACT
    assert abs(sum(probs.values()) - 1) < 1e-6
    assert recognize("Mietvertrag für Wohnräume\nMieter: Rami Al Hassan\nMietbeginn: 01.04.2025\n"
                     "Nettomiete CHF 1450 pro Monat").document_type is DocumentType.RENTAL_AGREEMENT


# Pages of the identity bench (samples/identity_pages.py) that the model trained on full templates
# alone typed right but unsure, below any review threshold (0.20 .. 0.44): sparse pages with other
# line mixes than the corpus's
OUT_OF_TEMPLATE = [
    (DocumentType.EMPLOYMENT_CONTRACT, "Contratto individuale di lavoro\nCognome: AHMADZAI\nNome: ZARGHONA\n"
     "Data di nascita: 17.01.1962\nSesso: femminile\nDomicilio: BAHNHOFSTRASSE 67, 3011 BERN\nVacanze 25 giorni\n"
     "Termine di disdetta 2 mesi\nFunzione: Maurer\nSalario lordo CHF 6'350 al mese"),
    (DocumentType.POLICE_REPORT, "Dénonciation\nNom: ABRAHA\nPrénom(s): KIDANE\nDate de naissance: 14.05.2005\n"
     "Nationalité: ERI\nSexe: masculin\nN° ZEMIS 33432401\nAgent rapporteur: sgt Tekle ABRAHA\n"
     "La personne n'a pas pu s'identifier.\nNuméro d'affaire 84158"),
]


@pytest.mark.parametrize(("expected", "text"), OUT_OF_TEMPLATE)
def test_the_shipped_model_is_sure_of_pages_outside_its_templates(expected: DocumentType, text: str) -> None:
    read = recognize(text)
    assert read.document_type is expected and not read.classification.needs_review


def test_an_excerpt_keeps_lines_in_order_and_never_nothing() -> None:
    import random

    text = "\n".join(f"line {i}" for i in range(40))
    rng = random.Random(3)
    for _ in range(50):
        lines = excerpt(text, rng).splitlines()
        assert lines and lines == sorted(lines, key=lambda ln: int(ln.split()[1]))
        assert len(lines) <= 40 * EXCERPT_KEEP[1] + 10
    assert excerpt("only", rng) == "only"


def test_corrections_export_as_training_examples() -> None:
    records, objects, audit = MemoryRecordStore(), MemoryObjectStore(), MemoryAuditTrail()
    buckets = Buckets("intake", "archive")
    api = ApiService(records, objects, buckets, audit, clock=lambda: NOW)
    records.create_dossier(Dossier(dossier_id="D-1", surname="Haddad", birth_date=date(1990, 3, 12), created_at=NOW))
    for doc_id, text in (("d1", "Lohnabrechnung Mai\nNettolohn 4816.00"), ("d2", "Brief")):
        objects.put(ObjectRef("archive", f"documents/{doc_id}/text/all.txt"), text.encode(), "text/plain")
        records.create_document(Document(
            document_id=doc_id, submission_id="s", tenant="t", kind=SubmissionKind.SCAN,
            status=DocumentStatus.NEEDS_REVIEW, filename="x.png", source_bucket="intake", source_key="k",
            text_key=f"documents/{doc_id}/text/all.txt", document_type=DocumentType.OTHER, confidence=0.3,
            received_at=NOW, updated_at=NOW))
    who = Principal("c1", frozenset({"caseworker"}), team="team-a")
    api.correct_document(who, "d1", CorrectionRequest.model_validate({"documentType": "payslip"}))
    api.correct_document(who, "d2", CorrectionRequest.model_validate({"dossierId": "D-1"}))  # no type: no label
    (example,) = correction_examples(audit, records, objects, buckets)
    assert (example.document_id, example.document_type, example.predicted_type) == ("d1", "payslip", "other")
    row = json.loads(example.to_json())
    assert row["text"].startswith("Lohnabrechnung") and row["documentType"] == "payslip"


def test_out_of_fold_keeps_a_documents_scan_and_clean_text_in_one_fold(monkeypatch: pytest.MonkeyPatch) -> None:
    import samples.train_classifier as tc

    fits: list[list[int]] = []

    def fake_train(examples: list[tuple[dict[int, float], int]], n: int, seed: int = 1) -> Model:
        fits.append([int(next(iter(vec))) for vec, _ in examples])
        return Model(("a", "b"), {}, [0.0, 0.0])

    monkeypatch.setattr(tc, "train", fake_train)
    examples = [({i: 1.0}, 0) for i in range(20)]
    groups = [i % 10 for i in range(20)]  # example i and i + 10 come from one document
    scored = tc.out_of_fold(examples, 2, groups)
    assert len(scored) == 20
    for fit in fits:  # a model never saw the other example of a document it is scored on
        assert all((i + 10) % 20 in fit for i in fit)


def test_review_threshold_is_calibrated_on_held_out_predictions() -> None:
    from samples.calibrate_review import calibrate

    confidence = [0.95] * 50 + [0.5] * 10 + [0.7] * 5
    correct = [True] * 50 + [False] * 10 + [True] * 4 + [False]
    assert calibrate(confidence, correct, 0.98, floor=0.3) == 0.7  # the 0.7s (4 of 5 right) keep >= 98 %
    assert calibrate(confidence, correct, 1.0, floor=0.3) == 0.95
    assert calibrate(confidence, correct, 0.98, floor=0.8) == 0.95  # never below the floor
    assert calibrate([0.9, 0.62, 0.99], [True] * 3, floor=0.3) == 0.62  # no error: not below what was checked
    assert calibrate([0.9, 0.99], [False, False], floor=0.3) == 0.99  # nothing qualifies: review all
