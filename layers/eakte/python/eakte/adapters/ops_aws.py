"""PipelineMonitor on SQS and DynamoDB: queue attributes, a peek into each DLQ, a projected scan
of the records table for the status counts. Read-only (a DLQ peek makes its messages invisible
for one second and raises their receive count, which a DLQ does not act on)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from eakte.adapters.aws import translate_client_error
from eakte.logic.ops import DeadMessage, PipelineMonitor, QueueState
from eakte.models.document import Document, DocumentStatus
from eakte.settings import Names, Stage

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

    def _scan(self, limit: int, **args: Any) -> tuple[list[dict[str, Any]], bool]:
        args = {"TableName": self._table, **args}
        items: list[dict[str, Any]] = []
        try:
            while True:
                r = self._ddb.scan(**args)
                items.extend(r.get("Items", []))
                if "LastEvaluatedKey" not in r:
                    return items, False
                if len(items) >= limit:
                    return items, True
                args["ExclusiveStartKey"] = r["LastEvaluatedKey"]
        except ClientError as e:
            raise translate_client_error(e, "scan documents") from e

    def documents_by_status(self, limit: int) -> tuple[dict[str, int], bool]:
        items, more = self._scan(limit, FilterExpression="sk = :doc", ProjectionExpression="#s",
                                 ExpressionAttributeNames={"#s": "status"},
                                 ExpressionAttributeValues={":doc": {"S": "DOC"}})
        counts: dict[str, int] = {}
        for item in items:
            status = item.get("status", {}).get("S", "?")
            counts[status] = counts.get(status, 0) + 1
        return counts, more

    def failed_documents(self, limit: int) -> list[Document]:
        items, _ = self._scan(limit, FilterExpression="sk = :doc AND #s = :failed",
                              ExpressionAttributeNames={"#s": "status"},
                              ExpressionAttributeValues={":doc": {"S": "DOC"},
                                                         ":failed": {"S": DocumentStatus.FAILED.value}})
        return [Document.model_validate_json(i["body"]["S"]) for i in items[:limit]]
