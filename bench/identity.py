"""Identity-resolution benchmark: generated documents against generated dossiers.

    python bench/identity.py [--dossiers 1200] [--documents 2400] [--seed 7 | --seeds 1-20] [--profile typed|legacy]

Runs the real IndexStage (logic.identity via IndexStage._resolve) over the in-memory record
store: every document carries the fields a scan of its person would yield (spelling
variants, swapped names, lost diacritics, OCR slips, wrong or missing birth dates, reference
numbers; see samples/identities.py). Identity documents with no match open dossiers, as in
production, so later documents can attach to them.

Typed profile: some documents come with the person their uploader named (POST /api/uploads
`concerns`, samples.identities._declare, a few naming the wrong person); the run is repeated
without those statements to show what the documents alone achieve. Persons live somewhere
(households, asylum centres: samples.identities._addresses); most dossiers know the current
address as if from an earlier document (seeded here), and documents filed during the run teach
theirs the address they show, as the index stage does.

Counts per document: correct attachment, FALSE attachment (another person's dossier: the
figure that must be zero), inbox (with or without the true dossier among the candidates),
new dossier opened (correct for a person without dossier, a duplicate otherwise).
precision = correct / attached; recall = correct / documents whose person has a dossier.
Recall is also given per document category (what the document shows: samples.identities.
CATEGORIES) and per reading variation. --seeds runs other generated offices (one per seed) and
sums their false attachments: one seed's zero says little about a rare coincidence. --profile
legacy runs the first generator, whose documents lack birth dates and given names whatever their
kind (see samples/identities.py)."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "eakte" / "python"))

from bench.report import folded, print_rows, write_result  # noqa: E402
from eakte.adapters.memory import MemoryObjectStore, MemoryQueue, MemoryRecordStore  # noqa: E402
from eakte.logic.addresses import address_key  # noqa: E402
from eakte.logic.identity import STRICT, Leniency  # noqa: E402
from eakte.logic.intake import Buckets  # noqa: E402
from eakte.logic.stages import IndexStage  # noqa: E402
from eakte.models.document import (  # noqa: E402
    DeclaredPerson,
    Document,
    DocumentStatus,
    DocumentType,
    Dossier,
    ExtractedField,
    FieldSource,
    StageMessage,
    Submission,
    SubmissionKind,
)
from eakte.recognition import Recognition, recognize  # noqa: E402
from eakte.recognition.countries import icao_to_iso  # noqa: E402
from eakte.recognition.fields import AHV_CONFIDENCE  # noqa: E402
from samples.corpus_scans import ocr_pages  # noqa: E402
from samples.identities import CATEGORIES, IdDocument, IdentityCorpus, IdPerson, dossier_number, identity_corpus  # noqa: E402
from samples.identity_pages import identity_page  # noqa: E402

NOW = datetime(2026, 11, 21, tzinfo=UTC)
IDENTITY_SHARE = 0.3  # documents that are passports/ID cards (and may open a dossier)


def _dossier(p: IdPerson) -> Dossier:
    refs = {"documentNumber": p.passport_no} | ({"ahvNumber": p.ahv} if p.ahv and p.ahv_known else {}) | \
        ({"zemisNumber": p.zemis} if p.zemis else {})
    return Dossier(dossier_id=dossier_number(p.key), surname=p.surname.canonical(), given_names=p.given.canonical(),
                   birth_date=p.birth_date, nationality=icao_to_iso(p.origin), sex=p.sex, reference_numbers=refs,
                   created_at=NOW)


def _submission(i: int, d: IdDocument) -> Submission:
    """The upload the document came in; with the person the uploader named, if any."""
    concerns = None
    if d.declared is not None:
        concerns = DeclaredPerson(surname=d.declared.surname, given_names=d.declared.given_names,
                                  birth_date=d.declared.birth_date, ahv_number=d.declared.ahv)
    return Submission(submission_id=f"S-{i:05d}", tenant="bench", kind=SubmissionKind.SCAN, filename="x.pdf",
                      content_type="application/pdf", declared_size=1, created_by="bench", created_at=NOW,
                      expires_at=NOW, object_key="k", concerns=concerns)


def _document(i: int, d: IdDocument) -> Document:
    def f(value: str, source: FieldSource = FieldSource.TEXT, confidence: float = 0.8) -> ExtractedField:
        if d.mrz_validated:  # every person field of such a document was read from its valid MRZ
            source, confidence = FieldSource.MRZ, 0.99
        return ExtractedField(value=value, confidence=confidence, source=source)

    fields: dict[str, ExtractedField] = {}
    if d.surname:
        fields["surname"] = f(d.surname)
    if d.given_names:
        fields["givenNames"] = f(d.given_names)
    if d.birth_date:
        fields["birthDate"] = f(d.birth_date.isoformat(), *((FieldSource.MRZ, 0.99) if d.mrz_validated else ()))
    if d.nationality:
        fields["nationality"] = f(icao_to_iso(d.nationality))  # as recognition reads it (Kosovo: RKS -> XKX)
    if d.sex:
        fields["sex"] = f(d.sex)
    if d.address:
        fields["address"] = f(d.address, FieldSource.TEXT, 0.75)
    for name, value in d.references.items():
        mrz = name == "documentNumber" and d.mrz_validated
        # as recognition.fields reads them: an AHV number alone on the page with its check digit
        fields[name] = f(value, FieldSource.MRZ if mrz else FieldSource.TEXT,
                         0.99 if mrz else AHV_CONFIDENCE if name == "ahvNumber" else 0.75)
    if d.category in CATEGORIES:
        doc_type = DocumentType(CATEGORIES[d.category].document_type)
    else:  # legacy profile: no category, a fixed share of passports
        doc_type = DocumentType.PASSPORT if (i * 7919) % 100 < IDENTITY_SHARE * 100 else \
            DocumentType.EMPLOYMENT_CONTRACT
    return Document(document_id=f"DOC-{i:05d}", submission_id=f"S-{i:05d}", tenant="bench", kind=SubmissionKind.SCAN,
                    status=DocumentStatus.CLASSIFIED, filename="x.pdf", source_bucket="b", source_key="k",
                    # typed with certainty: the type and its confidence are bench/recognition.py's subject
                    document_type=doc_type, confidence=0.99, fields=fields, received_at=NOW, updated_at=NOW)



def _read_document(i: int, read: Recognition) -> Document:
    """The document as the pipeline has it after OCR and recognition (--through-ocr): its type,
    that type's confidence (below the calibrated threshold it goes to the inbox) and the fields read."""
    return Document(document_id=f"DOC-{i:05d}", submission_id=f"S-{i:05d}", tenant="bench", kind=SubmissionKind.SCAN,
                    status=DocumentStatus.CLASSIFIED, filename="x.pdf", source_bucket="b", source_key="k",
                    document_type=read.document_type, confidence=round(read.confidence, 4), fields=read.fields,
                    received_at=NOW, updated_at=NOW)


def read_through_ocr(corpus: IdentityCorpus, seed: int, workers: int = 2) -> tuple[list[Recognition], list[str]]:
    """Every document of `corpus` as a page of its kind (samples.identity_pages), rendered, degraded,
    OCR'd by the project's OCR path (cached in .cache/ocr) and recognised as the classify stage
    does; with each page's degradation."""
    persons = {p.key: p for p in corpus.persons}
    pages = [identity_page(d, persons[d.person_key], i, seed) for i, d in enumerate(corpus.documents)]
    scanned = ocr_pages(pages, lambda page: f"identity-{seed}:{page.index}", workers)
    return [recognize(text) for _, text in scanned], [kind for kind, _ in scanned]


def read_rates(corpus: IdentityCorpus, read: list[Recognition]) -> dict[str, dict[str, float]]:
    """How often recognition read what the generated document shows, per field (names folded for
    case and diacritics; a passport's names may come from its MRZ in the passport's own spelling,
    which the document's text need not use)."""
    hits: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    for d, r in zip(corpus.documents, read, strict=True):
        expected = {"surname": d.surname, "givenNames": d.given_names, "address": d.address or "",
                    "birthDate": d.birth_date.isoformat() if d.birth_date else ""} | d.references
        for name, value in expected.items():
            if not value:
                continue
            shown[name] += 1
            got = r.fields.get(name)
            hits[name] += got is not None and folded(got.value) == folded(value)
    return {n: {"n": shown[n], "read": round(hits[n] / shown[n], 3)} for n in sorted(shown)}

# What a document (and its upload) offers to find its person's dossier, strongest first: the
# recall per class shows where the misses are, and "nothing but a name" is what no rule may file
# (a name alone never attaches: logic.identity), so 1 - its share bounds the reachable recall.
EVIDENCE = ("a number the dossier knows", "the uploader named the person", "the uploader named someone else",
            "an address the dossier knows", "names + birth date", "names + 1 January", "nothing but a name")


def _known_numbers(truth: IdPerson) -> set[str]:
    """The numbers of `truth` that its dossier knows at the run's start (_dossier), and its number."""
    return {truth.ahv if truth.ahv_known else None, truth.zemis, truth.passport_no, dossier_number(truth.key)} - {None}


def strongest_evidence(d: IdDocument, truth: IdPerson) -> str:
    """The first of EVIDENCE that `d` shows about its person `truth` (known: at the run's start)."""
    if _known_numbers(truth) & set(d.references.values()):
        return EVIDENCE[0]
    if d.declared is not None:
        return EVIDENCE[1] if d.declared.person_key == truth.key else EVIDENCE[2]
    if d.address and truth.address_known and "address" in d.variation.split("+"):  # the current one, not a new
        return EVIDENCE[3]
    if d.birth_date is not None:
        return EVIDENCE[5] if (d.birth_date.month, d.birth_date.day) == (1, 1) else EVIDENCE[4]
    return EVIDENCE[6]


def run(dossiers: int = 1200, documents: int = 2400, seed: int = 7, profile: str = "typed",
        declarations: bool = True, read: list[Recognition] | None = None,
        leniency: Leniency = STRICT) -> dict[str, Any]:
    """`read`: the documents as recognition read them through the OCR (read_through_ocr), in
    place of the generated fields. `leniency`: rules production does not apply (--frontier)."""
    corpus = identity_corpus(seed=seed, dossiers=dossiers, documents=documents, profile=profile)
    if not declarations:
        for d in corpus.documents:
            d.declared = None
    records = MemoryRecordStore()
    owner: dict[str, str] = {}  # dossier id -> person key
    for p in corpus.persons:
        if p.has_dossier:
            records.create_dossier(_dossier(p))
            owner[dossier_number(p.key)] = p.key
            if p.address_known and p.address and (key := address_key(p.address)) is not None:
                records.add_dossier_address(dossier_number(p.key), key, p.address, "an earlier document")
    persons = {p.key: p for p in corpus.persons}
    owners = set(owner.values())
    stage = IndexStage(records, MemoryObjectStore(), MemoryQueue(), Buckets("in", "arch"), clock=lambda: NOW)
    stage.leniency = leniency
    outcomes: Counter[str] = Counter()
    false_examples: list[dict[str, Any]] = []
    missed_by_variation: Counter[str] = Counter()
    positives_by_variation: Counter[str] = Counter()
    positives_by_category: Counter[str] = Counter()
    correct_by_category: Counter[str] = Counter()
    positives_by_declared: Counter[str] = Counter()
    correct_by_declared: Counter[str] = Counter()
    positives_by_evidence: Counter[str] = Counter()
    correct_by_evidence: Counter[str] = Counter()
    cpu = 0.0
    inbox_first = 0  # inbox documents of persons with a dossier whose dossier is the first candidate
    clean: Counter[str] = Counter()
    for i, d in enumerate(corpus.documents):
        doc = _document(i, d) if read is None else _read_document(i, read[i])
        records.put_submission(_submission(i, d))
        records.create_document(doc)
        declared = "none" if d.declared is None else \
            ("right" if d.declared.person_key == d.person_key else "wrong")
        has_dossier = d.person_key in owners
        is_clean = has_dossier and not {"no_birth_date", "birth_date_misread", "no_given_names"} & set(
            d.variation.split("+"))
        clean["all"] += is_clean
        truth = persons[d.person_key]
        # more than a name: the resolver may attach only on these (a name alone never attaches)
        evidence = has_dossier and (bool(d.birth_date and d.given_names)
                                    or bool(_known_numbers(truth) & set(d.references.values())))
        clean["evidence"] += evidence
        shown = strongest_evidence(d, truth)
        if has_dossier:
            positives_by_evidence[shown] += 1
            positives_by_category[d.category] += 1
            positives_by_declared[declared] += 1
            for v in d.variation.split("+"):
                positives_by_variation[v] += 1
        t0 = time.process_time()
        out = stage.run(StageMessage(document_id=doc.document_id))
        cpu += time.process_time() - t0
        assert out is not None
        attached = out.dossier_id if out.status is DocumentStatus.INDEXED else None
        if attached and attached not in owner:  # a dossier opened by this document
            owner[attached] = d.person_key
            owners.add(d.person_key)
            outcomes["opened_duplicate" if has_dossier else "opened_new"] += 1
            continue
        if attached:
            if owner[attached] == d.person_key:
                outcomes["correct"] += 1
                correct_by_category[d.category] += 1
                correct_by_declared[declared] += 1
                correct_by_evidence[shown] += 1
                clean["correct"] += is_clean
                clean["evidence_correct"] += evidence
            else:
                outcomes["false_attachment"] += 1
                truth = persons[d.person_key]
                wrong = records.get_dossier(attached)
                false_examples.append({"document": f"{d.surname}, {d.given_names}, {d.birth_date}",
                                       "variation": d.variation, "truth_kind": truth.kind, "declared": declared,
                                       "outcome": out.candidates[0].reason if out.candidates else None,
                                       "attached_to": f"{wrong.surname}, {wrong.given_names}, {wrong.birth_date}"
                                       if wrong else attached})
            continue
        true_ids = {k for k, v in owner.items() if v == d.person_key}
        if has_dossier:
            outcomes["inbox_candidate_listed" if true_ids & {c.dossier_id for c in out.candidates}
                     else "inbox_not_listed"] += 1
            inbox_first += bool(out.candidates) and out.candidates[0].dossier_id in true_ids
            for v in d.variation.split("+"):
                missed_by_variation[v] += 1
        else:
            outcomes["inbox_unknown_person"] += 1
    attached = outcomes["correct"] + outcomes["false_attachment"]
    positive_docs = outcomes["correct"] + outcomes["inbox_candidate_listed"] + outcomes["inbox_not_listed"] + \
        outcomes["opened_duplicate"]
    return {
        "profile": profile,
        "fields": "generated" if read is None else "read through the OCR",
        "dossiers": sum(1 for p in corpus.persons if p.has_dossier),
        "documents": len(corpus.documents),
        "documents_of_persons_with_dossier": positive_docs,
        "persons_by_kind": dict(Counter(p.kind for p in corpus.persons)),
        "outcomes": dict(sorted(outcomes.items())),
        "false_attachments": outcomes["false_attachment"],
        "precision": round(outcomes["correct"] / attached, 4) if attached else None,
        "recall": round(outcomes["correct"] / positive_docs, 4) if positive_docs else None,
        # documents that carry surname, given names and the correct birth date
        "recall_names_and_correct_birth_date": round(clean["correct"] / clean["all"], 4) if clean["all"] else None,
        "recall_more_than_a_name": round(clean["evidence_correct"] / clean["evidence"], 4) if clean["evidence"]
        else None,
        "documents_with_a_name_only": positive_docs - clean["evidence"],
        "recall_by_variation": {v: round(1 - missed_by_variation[v] / n, 3)
                                for v, n in sorted(positives_by_variation.items())},
        "recall_by_category": {c: {"n": n, "recall": round(correct_by_category[c] / n, 3)}
                               for c, n in sorted(positives_by_category.items())},
        # the uploader named no one / the document's person / someone else
        "recall_by_declaration": {k: {"n": n, "recall": round(correct_by_declared[k] / n, 3)}
                                  for k, n in sorted(positives_by_declared.items())},
        "recall_by_evidence": {k: {"n": positives_by_evidence[k],
                                   "recall": round(correct_by_evidence[k] / positives_by_evidence[k], 3)}
                               for k in EVIDENCE if positives_by_evidence[k]},
        # what a caseworker sees in the inbox: their dossier first (confirmed with one click)
        "inbox_person_listed_first": round(inbox_first / inbox, 4) if (inbox := outcomes["inbox_candidate_listed"]
                                                                       + outcomes["inbox_not_listed"]) else None,
        "recall_ceiling_name_alone_never_files": round(1 - positives_by_evidence[EVIDENCE[-1]] / positive_docs, 4)
        if positive_docs else None,
        "declared_documents": sum(d.declared is not None for d in corpus.documents),
        "wrongly_declared_documents": sum(d.declared is not None and d.declared.person_key != d.person_key
                                          for d in corpus.documents),
        "documents_without": {"birthDate": sum(d.birth_date is None for d in corpus.documents),
                              "givenNames": sum(not d.given_names for d in corpus.documents)},
        "cpu_ms_per_document_resolve": round(cpu / len(corpus.documents) * 1000, 3),
        "false_attachment_examples": false_examples[:10],
    }


def run_with_baseline(dossiers: int = 1200, documents: int = 2400, seed: int = 7,
                      profile: str = "typed", through_ocr: bool = False, workers: int = 2) -> dict[str, Any]:
    """`run`, and for the typed profile the same documents as if no uploader had named anyone:
    what the documents alone achieve (in "without_declarations"). `through_ocr`: the typed
    documents rendered, OCR'd and recognised (read_through_ocr), with the generated fields' run
    beside them (in "generated_fields")."""
    read = None
    if through_ocr:
        if profile != "typed":
            raise ValueError("--through-ocr renders the typed profile's documents (they have a kind)")
        started = time.monotonic()
        corpus = identity_corpus(seed=seed, dossiers=dossiers, documents=documents, profile=profile)
        read, degradations = read_through_ocr(corpus, seed, workers)
        ocr_seconds = time.monotonic() - started
    result = run(dossiers, documents, seed, profile, read=read)
    if read is not None:
        truth = [CATEGORIES[d.category].document_type for d in corpus.documents]
        result["through_ocr"] = {
            "pages": len(read), "ocr_and_recognition_seconds": round(ocr_seconds, 1),
            "degradations": dict(Counter(degradations)),
            "document_type_accuracy": round(sum(r.document_type.value == t for r, t in zip(read, truth, strict=True))
                                            / len(read), 4),
            "field_read_rates": read_rates(corpus, read),
        }
        generated = run(dossiers, documents, seed, profile)
        result["generated_fields"] = {k: generated[k] for k in ("outcomes", "false_attachments", "precision", "recall",
                                                                  "inbox_person_listed_first")}
    if profile == "typed":
        alone = run(dossiers, documents, seed, profile, declarations=False, read=read)
        result["without_declarations"] = {k: alone[k] for k in (
            "outcomes", "false_attachments", "precision", "recall", "recall_more_than_a_name")}
    return result


def print_table(r: dict[str, Any]) -> None:
    rows: list[tuple[str, Any]] = [
        ("generator profile / fields", f"{r['profile']} / {r['fields']}"),
        ("dossiers / documents", f"{r['dossiers']} / {r['documents']}"),
        ("documents without birth date / given names",
         f"{r['documents_without']['birthDate']} / {r['documents_without']['givenNames']}"),
        ("documents of persons with a dossier", r["documents_of_persons_with_dossier"]),
        *((f"  outcome {k}", v) for k, v in r["outcomes"].items()),
        ("FALSE attachments", r["false_attachments"]),
        ("precision", r["precision"]),
        ("recall", r["recall"]),
        ("recall (names + correct birth date on the document)", r["recall_names_and_correct_birth_date"]),
        ("documents of persons with a dossier showing a name only", r["documents_with_a_name_only"]),
        ("recall (more than a name: names + birth date, or a known number)", r["recall_more_than_a_name"]),
        *((f"  recall with {k}", v) for k, v in r["recall_by_variation"].items()),
        *((f"  recall on {k} (n={v['n']})", v["recall"]) for k, v in r["recall_by_category"].items()),
        ("documents uploaded naming a person / naming the wrong one",
         f"{r['declared_documents']} / {r['wrongly_declared_documents']}"),
        *((f"  recall, uploader named {k} (n={v['n']})", v["recall"]) for k, v in r["recall_by_declaration"].items()),
        *((f"  recall, strongest evidence: {k} (n={v['n']})", v["recall"]) for k, v in r["recall_by_evidence"].items()),
        ("inbox documents of persons with a dossier: their dossier the first candidate",
         r["inbox_person_listed_first"]),
        ("recall reachable if a name alone never files (1 - share of 'nothing but a name')",
         r["recall_ceiling_name_alone_never_files"]),
        ("CPU ms / document (resolve)", r["cpu_ms_per_document_resolve"]),
    ]
    if ocr := r.get("through_ocr"):
        rows += [("pages rendered, OCR'd and recognised / seconds (cached pages are not OCR'd again)",
                  f"{ocr['pages']} / {ocr['ocr_and_recognition_seconds']}"),
                 ("  degradations", ", ".join(f"{k} {v}" for k, v in sorted(ocr["degradations"].items()))),
                 ("  document type accuracy", ocr["document_type_accuracy"]),
                 *((f"  read as the document shows it: {k} (n={v['n']})", v["read"])
                   for k, v in ocr["field_read_rates"].items())]
    if gen := r.get("generated_fields"):
        rows += [("the same documents with generated fields: recall / precision / FALSE",
                  f"{gen['recall']} / {gen['precision']} / {gen['false_attachments']}")]
    if alone := r.get("without_declarations"):
        rows += [("the same documents, no uploader naming anyone: recall / precision / FALSE",
                  f"{alone['recall']} / {alone['precision']} / {alone['false_attachments']}")]
    print_rows(rows, heading="identity resolution")


SEED_FIGURES = ("false_attachments", "precision", "recall", "outcomes", "documents_of_persons_with_dossier",
                "false_attachment_examples")


def _seed_run(dossiers: int, documents: int, seed: int, profile: str, leniency: Leniency) -> dict[str, Any]:
    r = run(dossiers, documents, seed, profile, leniency=leniency)
    return {k: r[k] for k in SEED_FIGURES}


def run_seeds(seeds: list[int], dossiers: int = 1200, documents: int = 2400, profile: str = "typed",
              leniency: Leniency = STRICT, workers: int = 1) -> dict[str, Any]:
    """`run` for each seed (other generated offices): do the false attachments stay at zero?"""
    if workers > 1:  # each run is independent and CPU-bound: one process per core
        with ProcessPoolExecutor(workers) as pool:
            runs = list(pool.map(_seed_run, *zip(*((dossiers, documents, s, profile, leniency) for s in seeds),
                                                 strict=True)))
    else:
        runs = [_seed_run(dossiers, documents, s, profile, leniency) for s in seeds]
    return _over_seeds(profile, dict(zip(seeds, runs, strict=True)))


def _over_seeds(profile: str, per_seed: dict[int, dict[str, Any]]) -> dict[str, Any]:
    correct = sum(r["outcomes"].get("correct", 0) for r in per_seed.values())
    false = sum(r["false_attachments"] for r in per_seed.values())
    positives = sum(r["documents_of_persons_with_dossier"] for r in per_seed.values())
    return {"profile": profile, "seeds": per_seed, "correct": correct, "false_attachments": false,
            "seeds_with_false_attachments": sorted(s for s, r in per_seed.items() if r["false_attachments"]),
            "precision": round(correct / (correct + false), 5) if correct + false else None,
            "recall": round(correct / positives, 4) if positives else None,
            "recall_min": min(r["recall"] for r in per_seed.values()),
            "recall_max": max(r["recall"] for r in per_seed.values())}


# The rules production deliberately lacks (logic.identity.Leniency), alone and together: what
# each would file right and wrong over the same generated offices. The recall target's price.
AS_BUILT = "as built (none)"
FRONTIER = {
    AS_BUILT: STRICT,
    "the uploader picks among namesakes": Leniency(uploader_picks_namesake=True),
    "names + 1 January identify": Leniency(names_and_1_january=True),
    "both": Leniency(names_and_1_january=True, uploader_picks_namesake=True),
}


def run_frontier(seeds: list[int], dossiers: int = 1200, documents: int = 2400,
                 profile: str = "typed", workers: int = 1) -> dict[str, Any]:
    """run_seeds under each of FRONTIER (in "rules"); production's own run in full ("as_built")."""
    per_rule = {name: run_seeds(seeds, dossiers, documents, profile, leniency, workers)
                for name, leniency in FRONTIER.items()}
    return {"profile": profile, "seeds": seeds, "as_built": per_rule[AS_BUILT],
            "rules": {name: {k: r[k] for k in ("correct", "false_attachments", "seeds_with_false_attachments",
                                               "precision", "recall", "recall_min", "recall_max")}
                      | {"false_attachment_examples": [e for s in r["seeds"].values()
                                                       for e in s["false_attachment_examples"]][:10]}
                      for name, r in per_rule.items()}}


def print_frontier(r: dict[str, Any]) -> None:
    rows = [(f"{name}: correct / FALSE / recall (lowest - highest seed)",
             f"{v['correct']} / {v['false_attachments']} / {v['recall']} ({v['recall_min']} - {v['recall_max']})")
            for name, v in r["rules"].items()]
    print_rows(rows, heading=f"rules production lacks, over {len(r['seeds'])} seeds ({r['profile']})")


def print_seeds(r: dict[str, Any]) -> None:
    rows: list[tuple[str, Any]] = [(f"seed {s}: FALSE / precision / recall",
                                    f"{v['false_attachments']} / {v['precision']} / {v['recall']}")
                                   for s, v in r["seeds"].items()]
    rows += [("FALSE attachments, all seeds", r["false_attachments"]),
             ("seeds with a false attachment", ", ".join(map(str, r["seeds_with_false_attachments"])) or "none"),
             ("precision, all seeds", r["precision"]),
             ("recall, all seeds", r["recall"]),
             ("recall, lowest / highest seed", f"{r['recall_min']} / {r['recall_max']}")]
    print_rows(rows, heading=f"identity resolution over {len(r['seeds'])} seeds ({r['profile']})")


def _seed_list(value: str) -> list[int]:
    """'1-5,7' -> [1, 2, 3, 4, 5, 7]"""
    seeds: list[int] = []
    for part in value.split(","):
        first, _, last = part.partition("-")
        seeds += range(int(first), int(last or first) + 1)
    return seeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1200)
    parser.add_argument("--documents", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seeds", type=_seed_list, default=None,
                        help="e.g. 1-20: one run per seed, a summary of false attachments (instead of --seed)")
    parser.add_argument("--profile", choices=("typed", "legacy"), default="typed")
    parser.add_argument("--through-ocr", action="store_true",
                        help="render each document as a page, OCR it (Tesseract, cached) and resolve what "
                             "recognition reads (about 1 s per uncached page and worker)")
    parser.add_argument("--workers", type=int, default=2,
                        help="OCR workers for --through-ocr; processes for --seeds (one run per seed and rule)")
    parser.add_argument("--frontier", action="store_true",
                        help="with --seeds: also under each rule production lacks (FRONTIER), its "
                             "correct and false attachments (4 runs per seed, about 35 s each)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "identity.json")
    args = parser.parse_args()
    if args.frontier and not args.seeds:
        parser.error("--frontier needs --seeds (one office says little about false attachments)")
    if args.seeds and args.frontier:
        result = run_frontier(args.seeds, args.dossiers, args.documents, args.profile, args.workers)
        print_seeds(result["as_built"])
        print_frontier(result)
    elif args.seeds:
        result = run_seeds(args.seeds, args.dossiers, args.documents, args.profile, workers=args.workers)
        print_seeds(result)
    else:
        result = run_with_baseline(args.dossiers, args.documents, args.seed, args.profile, args.through_ocr,
                                   args.workers)
        print_table(result)
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
