"""An audit trail that keeps every event twice: as an immutable object in the archive bucket
(Object Lock, GOVERNANCE, the bucket's default retention of ten years: not even the account can
shorten it without the bypass permission no role has) and in the trail the API queries
(DynamoDB). The archive copy is written first: a read whose audit event cannot be archived fails
instead of going unrecorded."""

from __future__ import annotations

from eakte.models.document import AuditEvent
from eakte.ports import AuditTrail, ObjectRef, ObjectStore

AUDIT_PREFIX = "audit/"


def archive_key(event: AuditEvent) -> str:
    # by day, then time: an auditor (or Athena) lists one day's events in order
    return f"{AUDIT_PREFIX}{event.at:%Y/%m/%d}/{event.at:%H%M%S.%f}-{event.event_id}.json"


class ArchivedAuditTrail(AuditTrail):
    def __init__(self, trail: AuditTrail, objects: ObjectStore, archive_bucket: str) -> None:
        self._trail = trail
        self._objects = objects
        self._bucket = archive_bucket

    def record(self, event: AuditEvent) -> None:
        self._objects.put(ObjectRef(self._bucket, archive_key(event)),
                          event.model_dump_json(by_alias=True).encode("utf-8"), "application/json",
                          metadata={"audit-action": event.action.value})
        self._trail.record(event)

    def events(self, dossier_id: str | None = None, limit: int = 200) -> list[AuditEvent]:
        return self._trail.events(dossier_id=dossier_id, limit=limit)
