"""PipelineMonitor on SQS and DynamoDB: queue attributes, a peek into each DLQ, and the documents per
status counted on the keys-only status index (gsi4, Select=COUNT per status; no table scan).
Read-only (a DLQ peek makes its messages invisible for one second and raises their receive count,
which a DLQ does not act on)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from eakte.adapters.aws import (
    DynamoRecordStore,
    batch_get_bodies,
    scan_items,
    status_index_keys,
    status_partition,
    translate_client_error,
)
from eakte.logic.ops import DeadMessage, PipelineMonitor, QueueState
from eakte.models.document import Document, DocumentStatus, Dossier
from eakte.settings import GSI_BY_STATUS, Names, Stage

_ATTRIBUTES = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
               "ApproximateNumberOfMessagesDelayed"]


class AwsPipelineMonitor(PipelineMonitor):
    def __init__(self, sqs: Any, dynamodb: Any, table: str, names: Names) -> None:
        self._sqs = sqs
        self._ddb = dynamodb
        self._table = table
        self._names = names
        self._urls: dict[str, str | None] = {}

    def _url(self, name: str) -> str | None:
        if name not in self._urls:
            try:
                self._urls[name] = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") in {"AWS.SimpleQueueService.NonExistentQueue",
                                                               "QueueDoesNotExist"}:
                    self._urls[name] = None
                else:
                    raise translate_client_error(e, f"get_queue_url {name}") from e
        return self._urls[name]

    def _attributes(self, url: str) -> dict[str, int]:
        try:
            a = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=_ATTRIBUTES)["Attributes"]
        except ClientError as e:
            raise translate_client_error(e, f"get_queue_attributes {url}") from e
        return {k: int(a.get(k, 0)) for k in _ATTRIBUTES}

    def queue_state(self, stage: Stage, peek: int) -> QueueState | None:
        url, dlq = self._url(self._names.queue(stage)), self._url(self._names.dlq(stage))
        if url is None or dlq is None:
            return None
        main, dead = self._attributes(url), self._attributes(dlq)
        dead_count = dead["ApproximateNumberOfMessages"] + dead["ApproximateNumberOfMessagesNotVisible"]
        return QueueState(
            stage=stage, queue=self._names.queue(stage), waiting=main["ApproximateNumberOfMessages"],
            in_flight=main["ApproximateNumberOfMessagesNotVisible"],
            # the age of the oldest message is CloudWatch's ApproximateAgeOfOldestMessage; receiving
            # from a live queue to estimate it would count as a delivery attempt, so it stays unknown here
            delayed=main["ApproximateNumberOfMessagesDelayed"],
            dead=dead_count, dead_messages=self._peek(dlq, peek) if dead_count and peek else [])

    def _peek(self, url: str, peek: int) -> list[DeadMessage]:
        try:
            messages = self._sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(10, peek), VisibilityTimeout=1,
                                                 WaitTimeSeconds=0, AttributeNames=["All"]).get("Messages", [])
        except ClientError as e:
            raise translate_client_error(e, f"receive_message {url}") from e
        out = []
        for m in messages:
            try:
                body = json.loads(m["Body"])
            except ValueError:
                body = None
            body = body if isinstance(body, dict) else {}
            attributes = m.get("Attributes", {})
            out.append(DeadMessage(
                message_id=m["MessageId"], document_id=body.get("documentId"),
                correlation_id=body.get("correlationId"),
                receive_count=int(attributes.get("ApproximateReceiveCount", 0)),
                sent_at=datetime.fromtimestamp(int(attributes.get("SentTimestamp", 0)) / 1000, UTC),
                body=m["Body"][:500]))
        return out

    def _status_query(self, status: DocumentStatus, **args: Any) -> dict[str, Any]:
        try:
            return self._ddb.query(TableName=self._table, IndexName=GSI_BY_STATUS, KeyConditionExpression="gsi4pk = :p",
                                   ExpressionAttributeValues={":p": status_partition(status)}, **args)
        except ClientError as e:
            raise translate_client_error(e, f"query documents {status.value}") from e

    def count(self, status: DocumentStatus) -> int:
        """Documents with this status: Select=COUNT over the status's partition of the keys-only index
        (each page counts up to 1 MB of keys, some 10,000 documents; nothing is fetched)."""
        total, args = 0, {"Select": "COUNT"}
        while True:
            r = self._status_query(status, **args)
            total += r["Count"]
            if "LastEvaluatedKey" not in r:
                return total
            args["ExclusiveStartKey"] = r["LastEvaluatedKey"]

    def documents_by_status(self, limit: int) -> tuple[dict[str, int], bool]:
        # every document counted, in every status: the index is written with the item, so a retried or
        # re-delivered stage (status-conditional writes) cannot make a count drift, unlike a counter
        return {status.value: self.count(status) for status in DocumentStatus}, False

    def failed_documents(self, limit: int) -> list[Document]:
        """The newest FAILED documents (the index sorts a status's documents by their last change)."""
        keys = self._status_query(DocumentStatus.FAILED, ScanIndexForward=False, Limit=limit,
                                  ProjectionExpression="pk, sk").get("Items", [])
        return self._bodies([{"pk": k["pk"], "sk": k["sk"]} for k in keys])

    def _bodies(self, keys: list[dict[str, Any]]) -> list[Document]:
        found = [Document.model_validate_json(b) for b in batch_get_bodies(self._ddb, self._table, keys, "documents")]
        return sorted(found, key=lambda d: d.updated_at, reverse=True)


def backfill_status_index(dynamodb: Any, table: str) -> int:
    """Give documents written before the status index existed their index keys (one scan, once per
    deployment). Conditional on the status read, so a document a stage moves meanwhile keeps the keys
    that stage wrote. Returns how many documents got keys."""
    args: dict[str, Any] = {"TableName": table, "FilterExpression": "sk = :doc AND attribute_not_exists(gsi4pk)",
                            "ExpressionAttributeValues": {":doc": {"S": "DOC"}}}
    done = 0
    for item in scan_items(dynamodb, args, "scan documents without status keys"):
        doc = Document.model_validate_json(item["body"]["S"])
        partition, sort = status_index_keys(doc)
        try:
            dynamodb.update_item(
                TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                UpdateExpression="SET gsi4pk = :p, gsi4sk = :s",
                ConditionExpression="attribute_not_exists(gsi4pk) AND #st = :status",
                ExpressionAttributeNames={"#st": "status"},
                ExpressionAttributeValues={":p": partition, ":s": sort, ":status": {"S": doc.status.value}})
            done += 1
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise translate_client_error(e, f"backfill {doc.document_id}") from e
    return done


def backfill_search_keys(dynamodb: Any, table: str) -> int:
    """Write the lookup items of every dossier again, so that dossiers stored before the person
    search had loose name keys (LOOKUP#LOOSE, logic.search) are found by them. Idempotent (the
    same items again) and safe beside running stages: a dossier saved meanwhile wrote its own keys,
    and a key its stale copy writes again (a number a correction took away) is checked against the
    dossier by every lookup (DynamoRecordStore.find_dossiers). Returns how many dossiers were read."""
    store = DynamoRecordStore(dynamodb, table)
    done = 0
    for item in scan_items(dynamodb, {"TableName": table, "FilterExpression": "sk = :dos",
                                      "ExpressionAttributeValues": {":dos": {"S": "DOS"}}}, "scan dossiers"):
        store.put_lookup_keys(Dossier.model_validate_json(item["body"]["S"]))
        done += 1
    return done
