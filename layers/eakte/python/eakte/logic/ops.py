"""The ops overview: what the dashboard shows in AWS, read straight from the queues and the
records (the same emulated services locally): each stage queue's depth and age, what waits in
each DLQ, documents per status, and the latest failures with their correlation ids.

Served as GET /api/ops/overview (role `ops`) and printed by `make ops` (eakte.local.ops)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime

from pydantic import Field

from eakte.auth import Principal
from eakte.errors import ForbiddenError
from eakte.models.document import CamelModel, Document, DocumentStatus, utcnow
from eakte.settings import STAGES, Stage

OPS_GROUPS = frozenset({"ops"})
DEAD_PEEK = 10  # DLQ messages shown per stage
RECENT_ERRORS = 20
STATUS_SCAN_LIMIT = 20_000  # documents counted per overview; beyond that the counts say "sampled"


class DeadMessage(CamelModel):
    message_id: str
    document_id: str | None = None
    correlation_id: str | None = None
    receive_count: int = 0
    sent_at: datetime | None = None
    body: str = Field(description="the message body, cut at 500 characters")


class QueueState(CamelModel):
    stage: Stage
    queue: str
    waiting: int
    in_flight: int
    delayed: int = 0
    oldest_age_s: int | None = None
    dead: int
    dead_messages: list[DeadMessage] = Field(default_factory=list)


class RecentError(CamelModel):
    document_id: str
    correlation_id: str | None
    tenant: str
    status: DocumentStatus
    reason: str | None
    reason_detail: str | None
    at: datetime


class OpsOverview(CamelModel):
    generated_at: datetime
    queues: list[QueueState]
    documents: dict[str, int] = Field(description="documents per status")
    documents_sampled: bool = Field(description="true when not every document was counted")
    recent_errors: list[RecentError]


class PipelineMonitor(ABC):
    """Reads the state of the pipeline's queues and records (no writes, no deletes)."""

    @abstractmethod
    def queue_state(self, stage: Stage, peek: int) -> QueueState | None:
        """Depths of the stage's queue and DLQ and up to `peek` DLQ messages (None: no such queue)."""

    @abstractmethod
    def documents_by_status(self, limit: int) -> tuple[dict[str, int], bool]:
        """Documents per status, and True when the counts are incomplete (a monitor that cannot count
        every document stops at `limit`; the AWS one counts on the status index, never incomplete)."""

    @abstractmethod
    def failed_documents(self, limit: int) -> list[Document]:
        """Documents with status FAILED, any order."""


class OpsService:
    def __init__(self, monitor: PipelineMonitor, clock: Callable[[], datetime] = utcnow) -> None:
        self._monitor = monitor
        self._clock = clock

    def overview(self, principal: Principal | None = None) -> OpsOverview:
        if principal is not None and not principal.in_any(OPS_GROUPS):
            raise ForbiddenError("the ops overview needs the role ops")
        queues = [q for stage in STAGES if (q := self._monitor.queue_state(stage, DEAD_PEEK)) is not None]
        counts, sampled = self._monitor.documents_by_status(STATUS_SCAN_LIMIT)
        failed = sorted(self._monitor.failed_documents(200), key=lambda d: d.updated_at, reverse=True)
        errors = [RecentError(document_id=d.document_id, correlation_id=d.correlation_id, tenant=d.tenant,
                              status=d.status, reason=d.reason, reason_detail=d.reason_detail, at=d.updated_at)
                  for d in failed[:RECENT_ERRORS]]
        return OpsOverview(generated_at=self._clock(), queues=queues,
                           documents={s.value: counts.get(s.value, 0) for s in DocumentStatus},
                           documents_sampled=sampled, recent_errors=errors)


def render(overview: OpsOverview) -> str:
    """The overview as a terminal screen (`make ops`)."""
    lines = [f"eAkte ops overview  {overview.generated_at:%Y-%m-%d %H:%M:%S} UTC", "",
             f"{'stage':<12} {'waiting':>8} {'in flight':>10} {'delayed':>8} {'oldest s':>9} {'DLQ':>6}"]
    for q in overview.queues:
        oldest = "-" if q.oldest_age_s is None else str(q.oldest_age_s)
        lines.append(f"{q.stage.value:<12} {q.waiting:>8} {q.in_flight:>10} {q.delayed:>8} {oldest:>9} "
                     f"{q.dead:>6}{'  <-- dead letters' if q.dead else ''}")
    lines += ["", "documents" + (" (sampled)" if overview.documents_sampled else "") + ": " +
              ", ".join(f"{status} {n}" for status, n in overview.documents.items() if n) or "none"]
    dead = [(q.stage, m) for q in overview.queues for m in q.dead_messages]
    if dead:
        lines += ["", "dead letters (redrive: python -m eakte.local.redrive):"]
        lines += [f"  {stage.value:<10} document {m.document_id or '?'}  correlation {m.correlation_id or '-'}  "
                  f"received {m.receive_count}x" for stage, m in dead]
    if overview.recent_errors:
        lines += ["", "recent failures:"]
        lines += [f"  {e.at:%H:%M:%S} {e.document_id} correlation {e.correlation_id or '-'} {e.reason}: "
                  f"{(e.reason_detail or '')[:80]}" for e in overview.recent_errors]
    return "\n".join(lines)
