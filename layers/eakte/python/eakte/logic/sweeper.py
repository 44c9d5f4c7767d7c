"""The sweeper: documents that stopped moving get going again, or end FAILED with a reason.

A document waits in a non-final status for a stage: RECEIVED for OCR (or, a federal message, for the
exchange stage), a Textract job's completion, OCR_DONE for classification, CLASSIFIED for indexing.
If the message that should move it is lost (Textract's SNS completion never arrives, a send between
stages was lost), nothing else would ever look at it again. Run on a schedule, the sweeper finds the
documents unchanged for longer than their status's limit (the keys-only status index, oldest first)
and for each:

- a Textract job is recorded: asks Textract. A finished job is taken up exactly as its completion
  notification would have been (OcrResultStage); a failed or forgotten job is started again; a job
  still running is left to run.
- no job: sends the document to its stage's queue again. The stages are status-conditional and
  idempotent, so a duplicate (the original message was only slow) does no harm. While the stage's
  queue has messages waiting (a backlog longer than the limit), the document may only be waiting
  in line: it is never FAILED then.

Each intervention counts (Document.sweeps) and moves the document's last change, so the next look
is one limit later. After SWEEP_MAX_ATTEMPTS the document is FAILED with `<stage>_failed` (what the
sender sees) and its stage message is put into the stage's DLQ: the DLQ alarm fires, and the usual
redrive gives the stage the document again (StageBase.load takes `<stage>_failed` documents back)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from eakte.errors import ConflictError, EakteError
from eakte.logic.intake import Buckets, hand_on, next_stage
from eakte.logic.stages import OcrResultStage
from eakte.models.document import Document, DocumentStatus, utcnow
from eakte.ports import ObjectRef, OcrJobs, Queue, RecordStore, StaleDocuments
from eakte.settings import SWEEP_BATCH, SWEEP_MAX_ATTEMPTS, SWEEP_STUCK_AFTER_S, Stage

FINISHED_JOB = frozenset({"SUCCEEDED", "PARTIAL_SUCCESS"})
LOST_JOB = frozenset({"FAILED", "EXPIRED"})


class Outcome(StrEnum):
    COMPLETED = "completed"  # the job had finished: its result taken up as the completion would have
    RESUBMITTED = "resubmitted"  # the job failed or is forgotten: a new one started
    WAITING = "waiting"  # the job is still running: left alone (counts as an attempt)
    REENQUEUED = "reenqueued"  # sent to its stage's queue again
    FAILED = "failed"  # attempts used up: FAILED, its message in the stage's DLQ
    SKIPPED = "skipped"  # changed meanwhile (a stage was quicker): nothing to do
    ERROR = "error"  # this run could not handle it (a transient fault): the next run tries again


@dataclass(frozen=True)
class Swept:
    document_id: str
    status: DocumentStatus  # as found
    outcome: Outcome
    detail: str = ""


def stuck_after(limits: Mapping[str, int] = SWEEP_STUCK_AFTER_S) -> dict[DocumentStatus, timedelta]:
    return {DocumentStatus(status): timedelta(seconds=s) for status, s in limits.items()}


def waiting_for(doc: Document) -> Stage | None:
    """The stage whose work moves the document out of its status (one of SWEEP_STAGES)."""
    if doc.status is DocumentStatus.RECEIVED:
        return next_stage(doc.kind)
    return {DocumentStatus.OCR_DONE: Stage.CLASSIFY, DocumentStatus.CLASSIFIED: Stage.INDEX}.get(doc.status)


class Sweeper:
    def __init__(self, records: RecordStore, index: StaleDocuments, queue: Queue, dead_letters: Queue,
                 ocr_result: OcrResultStage, jobs: OcrJobs | None, buckets: Buckets,
                 clock: Callable[[], datetime] = utcnow, limits: Mapping[DocumentStatus, timedelta] | None = None,
                 max_attempts: int = SWEEP_MAX_ATTEMPTS, batch: int = SWEEP_BATCH) -> None:
        self._records = records
        self._index = index
        self._queue = queue
        self._dead_letters = dead_letters
        self._ocr_result = ocr_result
        self._jobs = jobs  # None: the engine has no asynchronous jobs (Tesseract)
        self._buckets = buckets
        self._clock = clock
        self._limits = dict(limits) if limits is not None else stuck_after()
        self._max_attempts = max_attempts
        self._batch = batch
        self._backlogs: dict[Stage, int] = {}  # per sweep: messages waiting in each stage's queue

    def sweep(self) -> list[Swept]:
        now = self._clock()
        swept: list[Swept] = []
        self._backlogs = {}
        for status, limit in self._limits.items():
            cutoff = now - limit
            for document_id in self._index.stale_document_ids(status, cutoff, self._batch):
                doc = self._records.get_document(document_id)
                # the index follows the table a moment later: what it lists may have moved on since
                if doc is None or doc.status is not status or doc.updated_at > cutoff:
                    continue
                try:
                    swept.append(self._sweep(doc))
                except ConflictError:
                    swept.append(Swept(doc.document_id, status, Outcome.SKIPPED, "changed while swept"))
                except EakteError as e:  # one document's transient fault does not stop the others
                    swept.append(Swept(doc.document_id, status, Outcome.ERROR, f"{type(e).__name__}: {e}"))
        return swept

    def _sweep(self, doc: Document) -> Swept:
        stage = waiting_for(doc)
        if stage is None:
            return Swept(doc.document_id, doc.status, Outcome.SKIPPED, "no stage to wait for")
        if doc.status is DocumentStatus.RECEIVED and doc.ocr_job_id and self._jobs is not None:
            job_status = self._jobs.job_status(doc.ocr_job_id)
            if job_status in FINISHED_JOB:  # only the completion was lost: take the result up now
                done = self._ocr_result.run(doc.ocr_job_id, job_status, doc.document_id)
                return Swept(doc.document_id, doc.status, Outcome.COMPLETED,
                             f"job {doc.ocr_job_id} {job_status}: now {done.status.value if done else '-'}")
            if doc.sweeps >= self._max_attempts:
                return self._give_up(doc, stage, f"Textract job {doc.ocr_job_id} {job_status}")
            if job_status in LOST_JOB:
                return self._resubmit(doc, self._jobs, job_status)
            self._touch(doc)
            return Swept(doc.document_id, doc.status, Outcome.WAITING, f"job {doc.ocr_job_id} {job_status}")
        backlog = self._backlog(stage)
        if doc.sweeps >= self._max_attempts and not backlog:
            return self._give_up(doc, stage, f"no progress from the {stage.value} stage")
        self._touch(doc)
        hand_on(self._queue, stage, doc)
        return Swept(doc.document_id, doc.status, Outcome.REENQUEUED, f"to {stage.value}" + (
            f"; {backlog} message(s) wait there: not given up while the stage has a backlog" if backlog else ""))

    def _backlog(self, stage: Stage) -> int:
        """Messages waiting in the stage's queue, looked up once per sweep and stage. A document of a
        stage with a backlog may only be waiting in line: it is sent again (a harmless duplicate)
        but never FAILED for it; a stage that cannot take a message sends it to its DLQ anyway."""
        if stage not in self._backlogs:
            self._backlogs[stage] = self._queue.waiting(stage)
        return self._backlogs[stage]

    def _touch(self, doc: Document, **update: object) -> Document:
        touched = doc.model_copy(update={"sweeps": doc.sweeps + 1, "updated_at": self._clock(), **update})
        self._records.save_document(touched, expected_status=doc.status)
        return touched

    def _resubmit(self, doc: Document, jobs: OcrJobs, job_status: str) -> Swept:
        if doc.media_type is None or doc.original_key is None:
            return self._give_up(doc, Stage.OCR, "no original to read")
        job = jobs.restart(ObjectRef(self._buckets.archive, doc.original_key), doc.media_type, doc.document_id,
                           doc.sweeps + 1)
        # if this save loses a race the new job's completion is ignored as stale (another job id)
        self._touch(doc, ocr_job_id=job.job_id)
        return Swept(doc.document_id, doc.status, Outcome.RESUBMITTED,
                     f"job {doc.ocr_job_id} {job_status}; new job {job.job_id}")

    def _give_up(self, doc: Document, stage: Stage, why: str) -> Swept:
        detail = (f"stuck in {doc.status.value} since {doc.updated_at.isoformat()}: {why}; "
                  f"gave up after {doc.sweeps} sweeps")
        failed = doc.model_copy(update={"status": DocumentStatus.FAILED, "reason": f"{stage.value}_failed",
                                        "reason_detail": detail[:500], "updated_at": self._clock()})
        self._records.save_document(failed, expected_status=doc.status)
        hand_on(self._dead_letters, stage, failed)  # the DLQ alarm fires; a redrive takes it up again
        return Swept(doc.document_id, doc.status, Outcome.FAILED, detail)
