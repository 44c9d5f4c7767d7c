"""Adapters of the exchange ports: DynamoDB message store, SQS FIFO outbox, HTTP federal endpoint."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from botocore.exceptions import ClientError

from eakte.adapters.aws import query_items, translate_client_error
from eakte.errors import ConflictError, PermanentError, TransientError
from eakte.exchange.model import FederalMessage, MessageStatus
from eakte.ports import FederalEndpoint, FederalOutbox, MessageStore
from eakte.settings import FEDERAL_DELIVERY_TIMEOUT_S, GSI_BY_DOSSIER, GSI_BY_PARENT, GSI_INBOX


class DynamoMessageStore(MessageStore):
    """Messages in the records table (own key prefixes, so no other query sees them):

    MSG#id / MSG   gsi1 = MSG#SUB#submission / createdAt#id, gsi2 = MSG#STATUS#status / updatedAt#id,
                   gsi3 = MSG#DOS#dossier / createdAt#id
    """

    def __init__(self, client: Any, table: str) -> None:
        self._ddb = client
        self._table = table

    def _item(self, m: FederalMessage) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": {"S": f"MSG#{m.message_id}"}, "sk": {"S": "MSG"},
            "version": {"N": str(m.version)},
            "gsi2pk": {"S": f"MSG#STATUS#{m.status.value}"},
            "gsi2sk": {"S": f"{m.updated_at.isoformat()}#{m.message_id}"},
            "body": {"S": m.model_dump_json()},
        }
        if m.submission_id:  # a caseworker's own message belongs to no submission
            item["gsi1pk"] = {"S": f"MSG#SUB#{m.submission_id}"}
            item["gsi1sk"] = {"S": f"{m.created_at.isoformat()}#{m.message_id}"}
        if m.dossier_id:
            item["gsi3pk"] = {"S": f"MSG#DOS#{m.dossier_id}"}
            item["gsi3sk"] = {"S": f"{m.created_at.isoformat()}#{m.message_id}"}
        return item

    def create(self, message: FederalMessage) -> bool:
        if message.group_id and message.group_sequence is not None:
            # the person's n-th message, found by a consistent read (the forward stage's turn check);
            # written first and idempotently, so a retried create always leaves it in place
            try:
                self._ddb.put_item(TableName=self._table, Item={
                    "pk": {"S": f"MSGGROUP#{message.group_id}"}, "sk": {"S": f"SEQ#{message.group_sequence:012d}"},
                    "messageId": {"S": message.message_id}})
            except ClientError as e:
                raise translate_client_error(e, f"group index of {message.message_id}") from e
        try:
            self._ddb.put_item(TableName=self._table, Item=self._item(message),
                               ConditionExpression="attribute_not_exists(pk)")
        except ClientError as e:
            error = translate_client_error(e, f"create message {message.message_id}")
            if isinstance(error, ConflictError):
                return False
            raise error from e
        return True

    def in_group(self, group_id: str, sequence: int) -> FederalMessage | None:
        try:
            r = self._ddb.get_item(TableName=self._table, ConsistentRead=True, Key={
                "pk": {"S": f"MSGGROUP#{group_id}"}, "sk": {"S": f"SEQ#{sequence:012d}"}})
        except ClientError as e:
            raise translate_client_error(e, f"group {group_id} #{sequence}") from e
        item = r.get("Item")
        return self.get(item["messageId"]["S"]) if item else None

    def get(self, message_id: str) -> FederalMessage | None:
        try:
            r = self._ddb.get_item(TableName=self._table, Key={"pk": {"S": f"MSG#{message_id}"}, "sk": {"S": "MSG"}},
                                   ConsistentRead=True)
        except ClientError as e:
            raise translate_client_error(e, f"get message {message_id}") from e
        item = r.get("Item")
        return FederalMessage.model_validate_json(item["body"]["S"]) if item else None

    def save(self, message: FederalMessage, expected_version: int) -> None:
        try:
            self._ddb.put_item(TableName=self._table, Item=self._item(message),
                               ConditionExpression="version = :v",
                               ExpressionAttributeValues={":v": {"N": str(expected_version)}})
        except ClientError as e:
            raise translate_client_error(e, f"save message {message.message_id}") from e

    def next_sequence(self, group_id: str) -> int:
        try:
            key = {"pk": {"S": f"MSGGROUP#{group_id}"}, "sk": {"S": "SEQ"}}
            r = self._ddb.update_item(TableName=self._table, Key=key,
                                      UpdateExpression="ADD seq :one", ExpressionAttributeValues={":one": {"N": "1"}},
                                      ReturnValues="UPDATED_NEW")
        except ClientError as e:
            raise translate_client_error(e, f"sequence of group {group_id}") from e
        return int(r["Attributes"]["seq"]["N"])

    def _query(self, index: str, pk: str, limit: int) -> list[FederalMessage]:
        args: dict[str, Any] = {"TableName": self._table, "IndexName": index, "KeyConditionExpression": "#p = :p",
                                "ExpressionAttributeNames": {"#p": f"{index}pk"},
                                "ExpressionAttributeValues": {":p": {"S": pk}}, "ScanIndexForward": False}
        return [FederalMessage.model_validate_json(i["body"]["S"])
                for i in query_items(self._ddb, args, limit, f"query messages {pk}")]

    def query(self, submission_id: str | None = None, dossier_id: str | None = None,
              status: MessageStatus | None = None, limit: int = 100) -> list[FederalMessage]:
        if submission_id:
            found = self._query(GSI_BY_PARENT, f"MSG#SUB#{submission_id}", limit)
        elif dossier_id:
            found = self._query(GSI_BY_DOSSIER, f"MSG#DOS#{dossier_id}", limit)
        else:
            statuses = [status] if status else list(MessageStatus)
            found = [m for s in statuses for m in self._query(GSI_INBOX, f"MSG#STATUS#{s.value}", limit)]
        chosen = [m for m in found if (status is None or m.status is status)
                  and (dossier_id is None or m.dossier_id == dossier_id)]
        return sorted(chosen, key=lambda m: m.updated_at, reverse=True)[:limit]


class SqsFederalOutbox(FederalOutbox):
    def __init__(self, client: Any, queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url

    def enqueue(self, message_id: str, group_id: str, requeued: int = 0, correlation_id: str | None = None) -> str:
        body = {"messageId": message_id, **({"requeued": requeued} if requeued else {}),
                **({"correlationId": correlation_id} if correlation_id else {})}
        try:
            r = self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(body), MessageGroupId=group_id,
                                       MessageDeduplicationId=message_id + (f"~{requeued}" if requeued else ""))
        except ClientError as e:
            raise translate_client_error(e, f"enqueue {message_id}") from e
        return r["MessageId"]


class HttpFederalEndpoint(FederalEndpoint):
    """POST {url}/messages with the envelope and the data file; 202 = accepted (receipt follows)."""

    def __init__(self, url: str, timeout_s: float = FEDERAL_DELIVERY_TIMEOUT_S) -> None:
        self._url = url.rstrip("/") + "/messages"
        self._timeout_s = timeout_s

    def deliver(self, message_id: str, envelope: bytes, payload: bytes) -> None:
        body = json.dumps({"messageId": message_id, "envelope": envelope.decode("utf-8"),
                           "payload": payload.decode("utf-8")}).encode()
        request = urllib.request.Request(self._url, data=body, method="POST",  # noqa: S310 - configured https/http URL
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self._timeout_s) as response:  # noqa: S310
                if response.status >= 300:
                    raise TransientError(f"federal endpoint answered {response.status}")
        except urllib.error.HTTPError as e:
            if e.code == 429 or e.code >= 500:
                raise TransientError(f"federal endpoint answered {e.code}") from e
            raise PermanentError(f"federal endpoint refused {message_id}: {e.code} {e.read()[:300]!r}") from e
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            raise TransientError(f"federal endpoint unreachable: {e}") from e
