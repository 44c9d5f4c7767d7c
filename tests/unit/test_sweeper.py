"""The sweeper with in-memory fakes: stuck documents get going again, or end FAILED with a reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eakte.adapters.memory import MemoryObjectStore, MemoryQueue, MemoryRecordStore, ScriptedOcrEngine
from eakte.adapters.memory_sweeper import MemoryStaleDocuments, ScriptedOcrJobs
from eakte.errors import TransientError
from eakte.logic.intake import Buckets
from eakte.logic.stages import OcrResultStage, OcrStage
from eakte.logic.sweeper import Outcome, Sweeper, stuck_after, waiting_for
from eakte.models.document import Document, DocumentStatus, MediaType, StageMessage, SubmissionKind
from eakte.settings import SWEEP_MAX_ATTEMPTS, SWEEP_STUCK_AFTER_S, Stage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "textract"
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(hours=3)
BUCKETS = Buckets(intake="intake", archive="archive")


class World:
    def __init__(self, jobs: ScriptedOcrJobs | None) -> None:
        self.records = MemoryRecordStore()
        self.queue = MemoryQueue()
        self.dead = MemoryQueue()
        self.jobs = jobs
        pages = [json.loads((FIXTURES / f"get_document_text_detection_{n}.json").read_text(encoding="utf-8"))
                 for n in (1, 2)]
        self.engine = ScriptedOcrEngine(pages)
        ocr = OcrStage(self.records, MemoryObjectStore(), self.queue, BUCKETS, self.engine, clock=lambda: NOW)
        self.sweeper = Sweeper(self.records, MemoryStaleDocuments(self.records), self.queue, self.dead,
                               OcrResultStage(ocr, self.records, self.engine), jobs, BUCKETS, clock=lambda: NOW)

    def add(self, document_id: str, status: DocumentStatus = DocumentStatus.RECEIVED, job: str | None = None,
            changed: datetime = LONG_AGO, sweeps: int = 0, kind: SubmissionKind = SubmissionKind.SCAN) -> None:
        self.records.create_document(Document(
            document_id=document_id, submission_id="sub-1", tenant="bfs-261", kind=kind, status=status,
            filename="akte.pdf", media_type=MediaType.PDF, pages=2, source_bucket="intake",
            source_key=f"incoming/{document_id}", original_key=f"documents/{document_id}/original.pdf",
            text_key=f"documents/{document_id}/text/all.txt" if status is not DocumentStatus.RECEIVED else None,
            ocr_job_id=job, correlation_id="corr-1", received_at=changed, updated_at=changed, sweeps=sweeps))

    def doc(self, document_id: str) -> Document:
        found = self.records.get_document(document_id)
        assert found is not None
        return found


@pytest.fixture
def world() -> World:
    return World(ScriptedOcrJobs())


def test_a_finished_job_whose_completion_was_lost_is_taken_up_like_the_completion(world: World) -> None:
    world.add("doc-done", job="job-1")
    world.jobs.statuses["job-1"] = "SUCCEEDED"
    [swept] = world.sweeper.sweep()
    assert (swept.document_id, swept.outcome) == ("doc-done", Outcome.COMPLETED)
    doc = world.doc("doc-done")
    assert doc.status is DocumentStatus.OCR_DONE and doc.text_key and doc.ocr_chars > 0
    assert world.queue.take(Stage.CLASSIFY) == [{"documentId": "doc-done", "correlationId": "corr-1", "extra": {}}]
    assert world.jobs.restarts == [] and world.dead.sent == []


def test_a_failed_or_forgotten_job_is_started_again_with_a_new_job(world: World) -> None:
    world.add("doc-failed-job", job="job-1")
    world.add("doc-expired-job", job="job-gone")
    world.jobs.statuses["job-1"] = "FAILED"
    outcomes = {s.document_id: s.outcome for s in world.sweeper.sweep()}
    assert outcomes == {"doc-failed-job": Outcome.RESUBMITTED, "doc-expired-job": Outcome.RESUBMITTED}
    for document_id in outcomes:
        doc = world.doc(document_id)
        assert doc.status is DocumentStatus.RECEIVED and doc.sweeps == 1 and doc.updated_at == NOW
        assert doc.ocr_job_id == f"{document_id}-job-1"
    assert sorted((d, a) for _, _, d, a in world.jobs.restarts) == [("doc-expired-job", 1), ("doc-failed-job", 1)]
    assert world.jobs.restarts[0][0].key.endswith("/original.pdf") and world.queue.sent == []


def test_a_running_job_is_left_to_run_but_counts(world: World) -> None:
    world.add("doc-slow", job="job-1")
    world.jobs.statuses["job-1"] = "IN_PROGRESS"
    [swept] = world.sweeper.sweep()
    assert swept.outcome is Outcome.WAITING
    doc = world.doc("doc-slow")
    assert (doc.status, doc.sweeps, doc.ocr_job_id) == (DocumentStatus.RECEIVED, 1, "job-1")


@pytest.mark.parametrize(("status", "kind", "stage"), [
    (DocumentStatus.RECEIVED, SubmissionKind.SCAN, Stage.OCR),
    (DocumentStatus.RECEIVED, SubmissionKind.MESSAGE, Stage.EXCHANGE),
    (DocumentStatus.OCR_DONE, SubmissionKind.SCAN, Stage.CLASSIFY),
    (DocumentStatus.CLASSIFIED, SubmissionKind.SCAN, Stage.INDEX),
])
def test_without_a_job_the_document_goes_to_its_stage_again(world: World, status: DocumentStatus,
                                                            kind: SubmissionKind, stage: Stage) -> None:
    world.add("doc-lost", status=status, kind=kind)
    [swept] = world.sweeper.sweep()
    assert swept.outcome is Outcome.REENQUEUED
    assert [(m.stage, m.body["documentId"]) for m in world.queue.sent] == [(stage, "doc-lost")]
    doc = world.doc("doc-lost")
    assert (doc.status, doc.sweeps, doc.updated_at) == (status, 1, NOW)


def test_the_engine_without_jobs_re_enqueues_even_with_a_job_id() -> None:
    world = World(jobs=None)  # Tesseract: no asynchronous jobs to ask about
    world.add("doc-1", job="job-1")
    assert [s.outcome for s in world.sweeper.sweep()] == [Outcome.REENQUEUED]
    assert [m.stage for m in world.queue.sent] == [Stage.OCR]


@pytest.mark.parametrize(("job", "status", "stage"), [
    (None, DocumentStatus.RECEIVED, Stage.OCR),
    ("job-1", DocumentStatus.RECEIVED, Stage.OCR),
    (None, DocumentStatus.CLASSIFIED, Stage.INDEX),
])
def test_after_the_last_attempt_the_document_is_failed_with_a_reason_and_dead_lettered(
        world: World, job: str | None, status: DocumentStatus, stage: Stage) -> None:
    world.add("doc-hopeless", status=status, job=job, sweeps=SWEEP_MAX_ATTEMPTS)
    if job:
        world.jobs.statuses[job] = "FAILED"
    [swept] = world.sweeper.sweep()
    assert swept.outcome is Outcome.FAILED
    doc = world.doc("doc-hopeless")
    assert doc.status is DocumentStatus.FAILED and doc.reason == f"{stage.value}_failed"
    assert f"stuck in {status.value}" in (doc.reason_detail or "") and "gave up after 3 sweeps" in doc.reason_detail
    # in the stage's DLQ: the alarm fires and the redrive hands it to the stage, which takes it back
    assert [(m.stage, m.body["documentId"]) for m in world.dead.sent] == [(stage, "doc-hopeless")]
    assert world.queue.sent == [] and world.jobs.restarts == []


def test_the_attempts_are_bounded_over_repeated_runs(world: World) -> None:
    world.add("doc-lost")
    clock = [NOW]
    world.sweeper._clock = lambda: clock[0]
    outcomes = []
    for _ in range(SWEEP_MAX_ATTEMPTS + 3):
        outcomes += [s.outcome for s in world.sweeper.sweep()]
        world.queue.take(Stage.OCR)  # the stage takes each message and, broken, does nothing with it
        clock[0] += timedelta(seconds=SWEEP_STUCK_AFTER_S["RECEIVED"] + 1)
    assert outcomes == [Outcome.REENQUEUED] * SWEEP_MAX_ATTEMPTS + [Outcome.FAILED]
    assert world.doc("doc-lost").status is DocumentStatus.FAILED


def test_a_document_of_a_stage_with_a_backlog_is_never_failed_only_sent_again(world: World) -> None:
    world.add("doc-in-line", sweeps=SWEEP_MAX_ATTEMPTS)
    for n in range(40):  # a long backlog: the OCR stage has not reached these yet
        world.queue.send(Stage.OCR, {"documentId": f"other-{n}"})
    [swept] = world.sweeper.sweep()
    assert swept.outcome is Outcome.REENQUEUED and "40 message(s) wait there" in swept.detail
    assert world.doc("doc-in-line").status is DocumentStatus.RECEIVED and world.dead.sent == []
    world.queue.take(Stage.OCR)  # the backlog drained, the document still did not move: now it fails
    world.sweeper._clock = lambda: NOW + timedelta(hours=2)
    [swept] = world.sweeper.sweep()
    assert swept.outcome is Outcome.FAILED


def test_fresh_and_final_documents_are_left_alone(world: World) -> None:
    limit = timedelta(seconds=SWEEP_STUCK_AFTER_S["RECEIVED"])
    world.add("doc-fresh", changed=NOW - limit + timedelta(seconds=5), job="job-1")
    world.add("doc-fresh-classified", status=DocumentStatus.CLASSIFIED, changed=NOW - timedelta(minutes=5))
    for final in (DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW, DocumentStatus.REJECTED,
                  DocumentStatus.FAILED):
        world.add(f"doc-{final.value}", status=final)
    before = {d.document_id: d for d in world.records.documents.values()}
    assert world.sweeper.sweep() == []
    assert world.records.documents == before and world.queue.sent == [] and world.dead.sent == []


def test_a_document_that_moved_on_since_the_index_listed_it_is_skipped(world: World) -> None:
    world.add("doc-moving")

    class Racing(MemoryStaleDocuments):
        def stale_document_ids(self, status, changed_before, limit):  # type: ignore[no-untyped-def]
            ids = super().stale_document_ids(status, changed_before, limit)
            for document_id in ids:  # a stage finishes between the index read and the sweep
                doc = world.doc(document_id)
                world.records.save_document(doc.model_copy(update={"status": DocumentStatus.OCR_DONE,
                                                                   "updated_at": NOW}), doc.status)
            return ids

    world.sweeper._index = Racing(world.records)
    assert world.sweeper.sweep() == [] and world.queue.sent == []


def test_a_transient_fault_on_one_document_does_not_stop_the_others(world: World) -> None:
    world.add("doc-a", job="job-a", changed=LONG_AGO)
    world.add("doc-b", changed=LONG_AGO + timedelta(seconds=1))

    def unavailable(job_id: str) -> str:
        raise TransientError("textract: ServiceUnavailable")

    world.jobs.job_status = unavailable  # type: ignore[method-assign]
    outcomes = {s.document_id: s.outcome for s in world.sweeper.sweep()}
    assert outcomes == {"doc-a": Outcome.ERROR, "doc-b": Outcome.REENQUEUED}
    assert world.doc("doc-a").sweeps == 0  # not counted: the next run asks again


def test_settings_name_every_waiting_status() -> None:
    limits = stuck_after()
    assert set(limits) == {DocumentStatus.RECEIVED, DocumentStatus.OCR_DONE, DocumentStatus.CLASSIFIED}
    assert all(limit > timedelta(minutes=10) for limit in limits.values())
    assert not [s for s in limits if s.is_final]
    assert waiting_for(Document(document_id="x", submission_id="s", tenant="t", kind=SubmissionKind.SCAN,
                                status=DocumentStatus.INDEXED, filename="f", source_bucket="b", source_key="k",
                                received_at=NOW, updated_at=NOW)) is None


def test_the_stages_a_document_waits_for_are_those_the_sweeper_may_send_to() -> None:
    from eakte.settings import SWEEP_STAGES

    waited = {waiting_for(Document(document_id="x", submission_id="s", tenant="t", kind=kind, status=status,
                                   filename="f", source_bucket="b", source_key="k", received_at=NOW,
                                   updated_at=NOW))
              for status in stuck_after() for kind in SubmissionKind}
    assert waited == set(SWEEP_STAGES)  # the CDK app grants exactly these queues and DLQs


class JobEngine(ScriptedOcrEngine, ScriptedOcrJobs):
    """An engine with asynchronous jobs (as Textract): recognize replays the first job, restart makes new ones."""

    def __init__(self) -> None:
        ScriptedOcrEngine.__init__(self, job_id="job-first")
        ScriptedOcrJobs.__init__(self)


def test_a_redriven_document_whose_job_was_lost_gets_a_new_job_and_is_in_progress_again() -> None:
    world, queue, engine = World(None), MemoryQueue(), JobEngine()
    records = world.records
    world.add("doc-given-up", job="job-first", sweeps=SWEEP_MAX_ATTEMPTS)
    doc = world.doc("doc-given-up")
    records.save_document(doc.model_copy(update={"status": DocumentStatus.FAILED, "reason": "ocr_failed"}),
                          DocumentStatus.RECEIVED)
    stage = OcrStage(records, MemoryObjectStore(), queue, BUCKETS, engine, clock=lambda: NOW)
    pending = stage.run(StageMessage(document_id="doc-given-up"))
    assert pending is not None and pending.status is DocumentStatus.RECEIVED and pending.reason is None
    assert pending.ocr_job_id == f"doc-given-up-job-{SWEEP_MAX_ATTEMPTS + 1}" and engine.calls == []
    assert pending.sweeps == SWEEP_MAX_ATTEMPTS + 1  # the next redrive's job gets a token of its own
    stage.run(StageMessage(document_id="doc-given-up"))  # the redriven message delivered twice: one job
    assert len(engine.restarts) == 1 and world.doc("doc-given-up").ocr_job_id == pending.ocr_job_id
