"""In-memory fakes of the sweeper's ports, for unit tests."""

from __future__ import annotations

from datetime import datetime

from eakte.adapters.memory import MemoryRecordStore
from eakte.models.document import DocumentStatus, MediaType
from eakte.ports import ObjectRef, OcrJob, OcrJobs, StaleDocuments


class MemoryStaleDocuments(StaleDocuments):
    def __init__(self, records: MemoryRecordStore) -> None:
        self._records = records

    def stale_document_ids(self, status: DocumentStatus, changed_before: datetime, limit: int) -> list[str]:
        stale = [d for d in self._records.documents.values() if d.status is status and d.updated_at < changed_before]
        return [d.document_id for d in sorted(stale, key=lambda d: d.updated_at)][:limit]


class ScriptedOcrJobs(OcrJobs):
    """Job statuses as the test sets them; restarts are recorded and get a new job id."""

    def __init__(self, statuses: dict[str, str] | None = None) -> None:
        self.statuses = statuses or {}
        self.restarts: list[tuple[ObjectRef, MediaType, str, int]] = []

    def job_status(self, job_id: str) -> str:
        return self.statuses.get(job_id, "EXPIRED")

    def restart(self, ref: ObjectRef, media_type: MediaType, document_id: str, attempt: int) -> OcrJob:
        self.restarts.append((ref, media_type, document_id, attempt))
        job_id = f"{document_id}-job-{attempt}"
        self.statuses.setdefault(job_id, "IN_PROGRESS")
        return OcrJob(job_id=job_id, engine="scripted")
