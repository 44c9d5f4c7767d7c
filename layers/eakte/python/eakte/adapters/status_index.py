"""The sweeper's view of the table: documents of a status by their last change, read from the
keys-only status index (gsi4: DOCSTATUS#status / updatedAt#id). A key condition on the sort key
reads only the stale end of one status's partition: no scan, no document bodies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eakte.adapters.aws import SqsQueue, query_items, status_partition
from eakte.models.document import DocumentStatus
from eakte.ports import StaleDocuments
from eakte.settings import GSI_BY_STATUS, Names, Stage


class DynamoStaleDocuments(StaleDocuments):
    def __init__(self, client: Any, table: str) -> None:
        self._ddb = client
        self._table = table

    def stale_document_ids(self, status: DocumentStatus, changed_before: datetime, limit: int) -> list[str]:
        # gsi4sk starts with the ISO timestamp of the last change: "< cutoff" is "changed before"
        args: dict[str, Any] = {
            "TableName": self._table, "IndexName": GSI_BY_STATUS,
            "KeyConditionExpression": "gsi4pk = :p AND gsi4sk < :cutoff",
            "ExpressionAttributeValues": {":p": status_partition(status), ":cutoff": {"S": changed_before.isoformat()}},
            "ScanIndexForward": True,  # oldest first
        }
        items = query_items(self._ddb, args, limit, f"query stale documents {status.value}")
        return [item["pk"]["S"].removeprefix("DOC#") for item in items]


def dead_letter_queues(client: Any, queue_urls: Mapping[Stage, str], names: Names) -> SqsQueue:
    """The stages' DLQs as a Queue: a DLQ lives beside its queue (same account and region, its name
    from settings), so its URL is the queue's with the name replaced."""
    return SqsQueue(client, {stage: f"{url.rsplit('/', 1)[0]}/{names.dlq(stage)}" for stage, url in queue_urls.items()})
