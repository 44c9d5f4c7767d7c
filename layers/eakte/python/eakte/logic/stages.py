"""The pipeline stages after intake: OCR, classification, indexing.

Every stage is idempotent: it looks at the document's status first. A stage that finds its
own output status already set (a re-delivered message after a crash between saving and
handing on) hands on again; the next stage de-duplicates the same way. Status writes are
conditional on the status the stage started from, so two deliveries cannot both win."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from eakte.errors import ConflictError, NotFoundError, OcrFailedError
from eakte.logic.addresses import misread_address_keys
from eakte.logic.identity import (
    COLLECTIVE_ADDRESS,
    DOSSIER_REFERENCE,
    STRICT,
    Leniency,
    PersonData,
    Resolution,
    canonical_name,
    misread_dossier_numbers,
    misread_name_keys,
    misread_number_dossier,
    near_misses,
    possible_duplicates,
    resolve,
    with_address,
    with_declared,
)
from eakte.logic.intake import Buckets, hand_on
from eakte.logic.learning import learn_from_document
from eakte.logic.names import name_keys
from eakte.logic.ocr_text import OcrText, parse_ocr
from eakte.logic.ocr_words import dumps as dump_words
from eakte.logic.ocr_words import loads as load_words
from eakte.logic.ocr_words import parse_words
from eakte.logic.teams import dossier_team, team_of_tenant
from eakte.models.document import (
    IDENTITY_DOCUMENT_TYPES,
    Document,
    DocumentStatus,
    Dossier,
    DossierCandidate,
    ExtractedField,
    StageMessage,
    utcnow,
)
from eakte.ports import (
    DossierQuery,
    ObjectRef,
    ObjectStore,
    OcrEngine,
    OcrJob,
    OcrJobs,
    OcrResult,
    Queue,
    RecordStore,
)
from eakte.recognition import Recognition, recognize
from eakte.recognition.calibration import review_threshold as calibrated_threshold
from eakte.recognition.geometry import locate_fields
from eakte.recognition.mrz_report import mrz_report
from eakte.settings import Stage

# Order of the statuses along the happy path; used to see whether a stage already ran.
_PROGRESS = {
    DocumentStatus.RECEIVED: 0,
    DocumentStatus.OCR_DONE: 1,
    DocumentStatus.CLASSIFIED: 2,
    DocumentStatus.INDEXED: 3,
    DocumentStatus.NEEDS_REVIEW: 3,
}


class StageBase:
    stage: Stage
    input_status: DocumentStatus
    output_status: DocumentStatus
    next_stage: Stage | None = None

    def __init__(self, records: RecordStore, objects: ObjectStore, queue: Queue, buckets: Buckets,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._records = records
        self._objects = objects
        self._queue = queue
        self._buckets = buckets
        self._clock = clock

    def load(self, document_id: str) -> Document | None:
        """The document if this stage still has to work on it, else None (after re-handing on)."""
        doc = self._records.get_document(document_id)
        if doc is None:
            raise NotFoundError(f"document {document_id} is not registered")
        if doc.status is self.input_status:
            return doc
        if doc.status is DocumentStatus.FAILED and doc.reason == f"{self.stage.value}_failed":
            return doc  # redriven from the DLQ: try again
        if doc.status is self.output_status:
            self.hand_on(doc)  # we crashed after saving; the next stage de-duplicates
        return None

    def save(self, before: Document, after: Document) -> None:
        self._records.save_document(after.model_copy(update={"updated_at": self._clock()}),
                                    expected_status=before.status)

    def hand_on(self, doc: Document) -> None:
        if self.next_stage is not None:
            hand_on(self._queue, self.next_stage, doc)

    def elapsed(self, doc: Document, started: datetime) -> dict[str, float]:
        return {**doc.stage_seconds, self.stage.value: round((self._clock() - started).total_seconds(), 3)}


def archive_key(document_id: str, name: str) -> str:
    return f"documents/{document_id}/{name}"


class OcrStage(StageBase):
    stage = Stage.OCR
    input_status = DocumentStatus.RECEIVED
    output_status = DocumentStatus.OCR_DONE
    next_stage = Stage.CLASSIFY

    def __init__(self, records: RecordStore, objects: ObjectStore, queue: Queue, buckets: Buckets,
                 engine: OcrEngine, clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__(records, objects, queue, buckets, clock)
        self._engine = engine

    def run(self, message: StageMessage) -> Document | None:
        doc = self.load(message.document_id)
        if doc is None or doc.media_type is None or doc.original_key is None:
            return doc
        if doc.ocr_job_id and doc.status is DocumentStatus.RECEIVED:
            return doc  # an asynchronous job is running; its completion notification continues
        started = self._clock()
        ref = ObjectRef(self._buckets.archive, doc.original_key)
        # redriven after a job was lost or failed (logic.sweeper): a new job, since the first start's
        # idempotency token would only replay the old one; counted, so each redrive gets its own token
        jobs = self._engine if isinstance(self._engine, OcrJobs) else None
        restart = doc.status is DocumentStatus.FAILED and doc.ocr_job_id is not None and jobs is not None
        try:
            outcome = (jobs.restart(ref, doc.media_type, doc.document_id, doc.sweeps + 1) if jobs and restart
                       else self._engine.recognize(ref, doc.media_type, doc.document_id))
        except OcrFailedError as e:
            return self.fail(doc, str(e))
        if isinstance(outcome, OcrJob):
            # waiting for the job (RECEIVED again after a redrive: the sweeper watches it like any other)
            pending = doc.model_copy(update={"ocr_job_id": outcome.job_id, "status": DocumentStatus.RECEIVED,
                                             "reason": None, "reason_detail": None,
                                             "sweeps": doc.sweeps + int(restart)})
            self.save(doc, pending)
            return pending
        return self.complete(doc, outcome, started)

    def complete(self, doc: Document, result: OcrResult, started: datetime | None = None) -> Document:
        text = parse_ocr(result.responses)
        keys = self._store(doc.document_id, result, text)
        words_key = archive_key(doc.document_id, "ocr/words.json")  # boxes for the viewer, not in the item
        self._objects.put(ObjectRef(self._buckets.archive, words_key),
                          dump_words(parse_words(result.responses, result.engine)), "application/json")
        done = doc.model_copy(update={
            "status": DocumentStatus.OCR_DONE, "reason": None, "reason_detail": None,
            "pages": len(text.pages) or doc.pages, "ocr_chars": text.chars,
            "ocr_json_key": keys[0], "text_key": keys[1], "words_key": words_key,
            "stage_seconds": self.elapsed(doc, started or doc.updated_at),
        })
        self.save(doc, done)
        self.hand_on(done)
        return done

    def fail(self, doc: Document, detail: str) -> Document:
        failed = doc.model_copy(update={"status": DocumentStatus.FAILED, "reason": "ocr_failed",
                                        "reason_detail": detail[:500]})
        self.save(doc, failed)
        return failed

    def _store(self, document_id: str, result: OcrResult, text: OcrText) -> tuple[str, str]:
        archive = self._buckets.archive
        ocr_key = archive_key(document_id, "ocr/textract.json")
        body = json.dumps({"engine": result.engine, "responses": result.responses}).encode()
        self._objects.put(ObjectRef(archive, ocr_key), body, "application/json")
        for number, page_text in enumerate(text.page_texts, start=1):
            self._objects.put(ObjectRef(archive, archive_key(document_id, f"text/page-{number:04d}.txt")),
                              page_text.encode(), "text/plain; charset=utf-8")
        text_key = archive_key(document_id, "text/all.txt")
        self._objects.put(ObjectRef(archive, text_key), text.text.encode(), "text/plain; charset=utf-8")
        return ocr_key, text_key


class OcrResultStage:
    """Textract's asynchronous job finished (SNS notification): fetch all pages, continue."""

    def __init__(self, ocr: OcrStage, records: RecordStore, engine: OcrEngine) -> None:
        self._ocr = ocr
        self._records = records
        self._engine = engine

    def run(self, job_id: str, status: str, document_id: str) -> Document | None:
        doc = self._ocr.load(document_id)
        if doc is None or doc.ocr_job_id != job_id:
            return doc  # already done, or a stale notification of an older job
        if status not in {"SUCCEEDED", "PARTIAL_SUCCESS"}:
            return self._ocr.fail(doc, f"Textract job {job_id} ended {status}")
        try:
            result = self._engine.job_result(job_id)
        except OcrFailedError as e:
            return self._ocr.fail(doc, str(e))
        return self._ocr.complete(doc, result)


class ClassifyStage(StageBase):
    stage = Stage.CLASSIFY
    input_status = DocumentStatus.OCR_DONE
    output_status = DocumentStatus.CLASSIFIED
    next_stage = Stage.INDEX

    def run(self, message: StageMessage) -> Document | None:
        doc = self.load(message.document_id)
        if doc is None or doc.text_key is None:
            return doc
        started = self._clock()
        text = self._objects.read(ObjectRef(self._buckets.archive, doc.text_key)).decode("utf-8")
        recognition = recognize(text)
        classified = doc.model_copy(update={
            "status": DocumentStatus.CLASSIFIED, "reason": None, "reason_detail": None,
            "document_type": recognition.classification.document_type,
            "confidence": round(recognition.classification.confidence, 4),
            "fields": self._placed_fields(doc, recognition),
            "mrz": mrz_report(recognition.mrz),
            "stage_seconds": self.elapsed(doc, started),
        })
        self.save(doc, classified)
        self.hand_on(classified)
        return classified

    def _placed_fields(self, doc: Document, recognition: Recognition) -> dict[str, ExtractedField]:
        """The fields with their boxes on the page images, when the OCR stored word boxes."""
        if doc.words_key is None:
            return recognition.fields  # OCR'd before word boxes were stored
        words = load_words(self._objects.read(ObjectRef(self._buckets.archive, doc.words_key)))
        return locate_fields(recognition.fields, words, recognition.mrz)


_DOSSIER_NS = uuid.UUID("0b6f4cde-96d2-4c1c-8f0b-8b7a7f0f5a11")
_CANDIDATE_LIMIT = 50  # dossiers read per lookup; a full page means "maybe more": no attachment by name


class IndexStage(StageBase):
    """Links the document to the person's dossier, or puts it in the inbox for a human.

    Precision first: a document is linked only on a unique, uncontradicted match by reference
    number, or a clear transliteration-aware name and birth-date match (logic.identity); an
    identity document with no plausible candidate opens a new dossier."""

    stage = Stage.INDEX
    input_status = DocumentStatus.CLASSIFIED
    output_status = DocumentStatus.INDEXED
    # below this type confidence the document goes to the inbox; None: the calibrated threshold
    # shipped with the model (eakte.recognition.calibration). Tests set it explicitly.
    review_threshold: float | None = None
    # rules the resolver deliberately does not apply (logic.identity.Leniency): only
    # bench/identity.py --frontier sets others, to measure what they would file, right and wrong
    leniency: Leniency = STRICT

    @property
    def threshold(self) -> float:
        return calibrated_threshold() if self.review_threshold is None else self.review_threshold

    def run(self, message: StageMessage) -> Document | None:
        doc = self.load(message.document_id)
        if doc is None:
            return None
        started = self._clock()
        resolution = self._resolve(doc)
        dossier_id, candidates = resolution.dossier_id, resolution.candidates
        confident = (doc.confidence or 0.0) >= self.threshold
        status = DocumentStatus.INDEXED if dossier_id and confident else DocumentStatus.NEEDS_REVIEW
        dossier = self._records.get_dossier(dossier_id) if dossier_id else None
        indexed = doc.model_copy(update={
            "status": status, "dossier_id": dossier_id, "candidates": candidates,
            # whose inbox it is in (and, filed, the dossier's team decides who sees it: eakte.logic.teams)
            "team": dossier_team(dossier) if dossier is not None else team_of_tenant(doc.tenant),
            "reason": None if status is DocumentStatus.INDEXED else
            ("low_confidence" if not confident else "no_dossier_match"),
            "reason_detail": None, "stage_seconds": self.elapsed(doc, started),
        })
        if status is DocumentStatus.INDEXED and dossier_id:
            # before the save: a retry after a failed save learns it again
            learn_from_document(self._records, doc, dossier_id, resolution.outcome)
        try:
            self.save(doc, indexed)
        except ConflictError:
            return self._records.get_document(doc.document_id)
        return indexed

    def _resolve(self, doc: Document) -> Resolution:
        """Reference numbers first, then name + birth date, then name + an address the dossier
        knows, then the person the uploader named (see logic.identity for the rules). An identity
        document that fits no one opens a dossier; any other gets its near misses (_near_misses)."""
        person = PersonData.from_fields(doc.fields)
        by_reference, others, complete = self._lookup(person)
        resolution = resolve(person, by_reference, others, complete=complete, leniency=self.leniency)
        if resolution.dossier_id is None and person.birth_date and complete:
            # everyone born that day, so that a name the OCR misread in its key letters is found
            # too ('Haiimi'); not on a crowded date (1 January), where a full page proves nothing
            born = self._records.find_dossiers(DossierQuery(birth_date=person.birth_date.isoformat(),
                                                            limit=_CANDIDATE_LIMIT))
            if len(born) < _CANDIDATE_LIMIT:
                others = [*others, *born]
                resolution = resolve(person, by_reference, others, complete=complete, leniency=self.leniency)
        if resolution.dossier_id is None and person.address:
            at_address = self._records.dossiers_at(person.address, COLLECTIVE_ADDRESS + 1)
            for misread in misread_address_keys(person.address) if not at_address else ():
                at_address = self._records.dossiers_at(misread, COLLECTIVE_ADDRESS + 1)
            known = {d.dossier_id for d in others}
            residents = [d for i in at_address if i not in known and (d := self._records.get_dossier(i))]
            resolution = with_address(person, resolution, at_address, [*others, *residents], complete=complete)
        if resolution.dossier_id is None:
            resolution = with_declared(person, resolution, self._declared_dossier(doc), others, complete=complete,
                                       leniency=self.leniency)
        if resolution.dossier_id or resolution.candidates:
            return resolution
        if doc.document_type in IDENTITY_DOCUMENT_TYPES and person.surname and person.birth_date \
                and (doc.confidence or 0.0) >= self.threshold:
            if alike := possible_duplicates(person, others):
                return Resolution(None, alike, "possible_duplicate")
            return Resolution(self._open_dossier(doc, person), [], "new_dossier")
        # nothing fits: rather than an empty list, the inbox shows whom the document may still mean
        if nearest := self._near_misses(person, by_reference, others):
            return replace(resolution, candidates=nearest, outcome="ambiguous")
        return resolution

    def _near_misses(self, person: PersonData, by_reference: dict[str, list[Dossier]],
                     others: list[Dossier]) -> list[DossierCandidate]:
        """Whom a document that fits no dossier may still mean: with a birth date, logic.identity.
        near_misses among the dossiers looked up; without one, the dossiers of its names found
        through its given names (a surname the lookup keys spell apart: Osman/Othman,
        Soliman/Suleiman), as candidates only: without a birth date nothing is filed by name."""
        if person.birth_date is not None:
            return near_misses(person, others)
        surname_keys = name_keys(person.surname)
        if not (given_keys := tuple(k for k in name_keys(person.given_names) if k not in surname_keys)):
            return []
        by_given = self._records.find_dossiers(DossierQuery(name_keys=given_keys, limit=_CANDIDATE_LIMIT))
        return resolve(person, by_reference, by_given).candidates

    def _declared_dossier(self, doc: Document) -> Dossier | None:
        """The dossier of the person the uploader said the submission concerns, when that
        statement identifies one dossier by the rules a document must meet."""
        submission = self._records.get_submission(doc.submission_id)
        if submission is None or submission.concerns is None:
            return None
        declared = PersonData.from_declared(submission.concerns)
        by_reference, others, complete = self._lookup(declared)
        found = resolve(declared, by_reference, others, complete=complete, leniency=self.leniency)
        return self._records.get_dossier(found.dossier_id) if found.dossier_id else None

    def _lookup(self, person: PersonData) -> tuple[dict[str, list[Dossier]], list[Dossier], bool]:
        """Dossiers by each reference number, by birth date and by name; and whether the name
        lookups are complete (a full page means a better candidate may be missing)."""
        by_reference = {name: self._records.find_dossiers(DossierQuery(reference=ref, limit=3))
                        for name, ref in person.references.items() if name != DOSSIER_REFERENCE}
        if (quoted := person.references.get(DOSSIER_REFERENCE)) is not None:
            named = self._records.get_dossier(quoted) or misread_number_dossier(
                person, (d for n in misread_dossier_numbers(quoted) if (d := self._records.get_dossier(n))))
            by_reference[DOSSIER_REFERENCE] = [named] if named else []
        others: list[Dossier] = []
        complete = True
        all_keys = tuple(name_keys(person.surname, person.given_names))
        if person.birth_date and all_keys:
            # same birth date and any name key in common: swapped order and spelling variants
            born = self._records.find_dossiers(DossierQuery(birth_date=person.birth_date.isoformat(),
                                                            name_keys=all_keys, limit=_CANDIDATE_LIMIT))
            complete = len(born) < _CANDIDATE_LIMIT
            others += born
        if surname_keys := tuple(name_keys(person.surname)):
            # for the inbox: the same name with another birth date (an OCR or data-entry error)
            same_surname = self._records.find_dossiers(DossierQuery(name_keys=surname_keys, limit=_CANDIDATE_LIMIT))
            others += same_surname
            if not same_surname and (misread := tuple(misread_name_keys(person.surname))):
                # no one of that surname: perhaps the OCR misread a letter of it ('Karlmi')
                others += self._records.find_dossiers(DossierQuery(name_keys=misread, limit=_CANDIDATE_LIMIT))
        return by_reference, others, complete

    def _open_dossier(self, doc: Document, person: PersonData) -> str:
        birth = person.birth_date.isoformat() if person.birth_date else ""
        # Deterministic id: two identity documents of the same new person racing through the
        # pipeline open one dossier, not two (spelling-neutral, so 'Müller'/'Mueller' agree).
        key = f"{canonical_name(person.surname)}|{birth}|{person.nationality or ''}"
        dossier_id = "D-" + uuid.uuid5(_DOSSIER_NS, key).hex[:12].upper()
        if self._records.get_dossier(dossier_id) is None:
            references = {n: v for n, v in person.references.items()
                          if n != DOSSIER_REFERENCE and (n != "ahvNumber" or n in person.validated)}
            # conditional: a racing document of the same person that opened it first keeps its dossier
            self._records.create_dossier(Dossier(
                dossier_id=dossier_id, surname=person.surname, given_names=person.given_names,
                birth_date=person.birth_date, nationality=person.nationality,
                sex=person.sex, reference_numbers=references,
                # learnt from the opening document: moved out by a correction, it takes them along
                reference_sources=dict.fromkeys(references, doc.document_id),
                created_at=self._clock(), created_from=doc.document_id, team=team_of_tenant(doc.tenant),
            ))
        return dossier_id


def mark_failed(records: RecordStore, document_id: str, stage: Stage, detail: str,
                clock: Callable[[], datetime] = utcnow) -> Document | None:
    """The last attempt of `stage` failed: say so on the document (its message goes to the DLQ)."""
    doc = records.get_document(document_id)
    if doc is None or doc.status.is_final:
        return doc
    failed = doc.model_copy(update={"status": DocumentStatus.FAILED, "reason": f"{stage.value}_failed",
                                    "reason_detail": detail[:500], "updated_at": clock()})
    try:
        records.save_document(failed, expected_status=doc.status)
    except ConflictError:
        return records.get_document(document_id)
    return failed
