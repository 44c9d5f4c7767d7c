"""AWS adapters of the ports: S3 object store, SQS queues, DynamoDB record store.

The same code runs in Lambda and locally: locally the environment points boto3 at moto
(`AWS_ENDPOINT_URL`), so nothing here knows which runtime it is in."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from eakte.errors import ConflictError, NotFoundError, PermanentError, ThrottledError, TransientError
from eakte.logic.names import name_keys, name_tokens, normalise_reference
from eakte.logic.search import DossierNames, NameSearch, SearchWord, loose_name_keys, matches, rank_key
from eakte.logic.teams import dossier_team, inbox_team
from eakte.models.document import AuditEvent, Document, DocumentStatus, Dossier, Submission
from eakte.ports import (
    AuditTrail,
    DossierQuery,
    ObjectInfo,
    ObjectRef,
    ObjectStore,
    PresignedPost,
    Queue,
    RecordStore,
)
from eakte.settings import GSI_BY_DOSSIER, GSI_BY_PARENT, GSI_INBOX, TEAMS, Stage, queue_env

_THROTTLE_CODES = frozenset({
    "ThrottlingException", "Throttling", "ProvisionedThroughputExceededException",
    "RequestLimitExceeded", "SlowDown", "TooManyRequestsException",
})
_TRANSIENT_CODES = frozenset({"InternalError", "InternalServerError", "ServiceUnavailable", "RequestTimeout"})


def translate_client_error(error: ClientError, what: str) -> Exception:
    """Map a botocore error to the domain's typed exceptions (a throttle stays a throttle)."""
    code = error.response.get("Error", {}).get("Code", "")
    if code in _THROTTLE_CODES:
        return ThrottledError(f"{what}: {code}")
    if code in _TRANSIENT_CODES:
        return TransientError(f"{what}: {code}")
    if code in {"NoSuchKey", "404", "NotFound", "NoSuchBucket", "ResourceNotFoundException"}:
        return NotFoundError(f"{what}: {code}")
    if code == "ConditionalCheckFailedException":
        return ConflictError(f"{what}: {code}")
    return error


def query_items(client: Any, args: dict[str, Any], limit: int | None, what: str) -> list[dict[str, Any]]:
    """All items of a DynamoDB query, page by page, up to `limit` (None: all); errors typed."""
    items: list[dict[str, Any]] = []
    try:
        while True:
            page = {**args, "Limit": limit - len(items)} if limit else args
            r = client.query(**page)
            items.extend(r.get("Items", []))
            if "LastEvaluatedKey" not in r or (limit and len(items) >= limit):
                return items
            args = {**args, "ExclusiveStartKey": r["LastEvaluatedKey"]}
    except ClientError as e:
        raise translate_client_error(e, what) from e


def scan_items(client: Any, args: dict[str, Any], what: str) -> Iterator[dict[str, Any]]:
    """The items of a DynamoDB scan, page by page; errors typed."""
    args = dict(args)
    while True:
        try:
            r = client.scan(**args)
        except ClientError as e:
            raise translate_client_error(e, what) from e
        yield from r.get("Items", [])
        if "LastEvaluatedKey" not in r:
            return
        args["ExclusiveStartKey"] = r["LastEvaluatedKey"]


_BATCH_GET = 100  # DynamoDB BatchGetItem takes at most 100 keys


def batch_get_bodies(client: Any, table: str, keys: list[dict[str, Any]], what: str) -> list[str]:
    """The `body` of the items under `keys` (those that exist, in no particular order), a hundred
    keys a request, unprocessed keys again; strongly consistent; errors typed."""
    bodies: list[str] = []
    for start in range(0, len(keys), _BATCH_GET):
        request: dict[str, Any] = {table: {"Keys": keys[start:start + _BATCH_GET], "ConsistentRead": True,
                                           "ProjectionExpression": "body"}}
        while request:
            try:
                r = client.batch_get_item(RequestItems=request)
            except ClientError as e:
                raise translate_client_error(e, f"batch_get_item {what}") from e
            bodies += [i["body"]["S"] for i in r["Responses"].get(table, [])]
            request = r.get("UnprocessedKeys") or {}
    return bodies


class S3ObjectStore(ObjectStore):
    def __init__(self, client: Any) -> None:
        self._s3 = client

    @staticmethod
    def _version(ref: ObjectRef) -> dict[str, str]:
        return {"VersionId": ref.version_id} if ref.version_id else {}

    def head(self, ref: ObjectRef) -> ObjectInfo:
        try:
            r = self._s3.head_object(Bucket=ref.bucket, Key=ref.key, **self._version(ref))
        except ClientError as e:
            raise translate_client_error(e, f"head s3://{ref.bucket}/{ref.key}") from e
        return ObjectInfo(size=r["ContentLength"], content_type=r.get("ContentType"),
                          last_modified=r.get("LastModified"), metadata=r.get("Metadata", {}),
                          version_id=r.get("VersionId"))

    def read(self, ref: ObjectRef, max_bytes: int | None = None) -> bytes:
        try:
            r = self._s3.get_object(Bucket=ref.bucket, Key=ref.key, **self._version(ref))
        except ClientError as e:
            raise translate_client_error(e, f"get s3://{ref.bucket}/{ref.key}") from e
        if max_bytes is not None and r["ContentLength"] > max_bytes:
            r["Body"].close()
            raise PermanentError(f"object larger than {max_bytes} bytes")
        return r["Body"].read()

    def iter_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        try:
            r = self._s3.get_object(Bucket=ref.bucket, Key=ref.key, **self._version(ref))
        except ClientError as e:
            raise translate_client_error(e, f"get s3://{ref.bucket}/{ref.key}") from e
        yield from r["Body"].iter_chunks(chunk_size)

    def put(self, ref: ObjectRef, body: bytes, content_type: str,
            metadata: Mapping[str, str] | None = None) -> None:
        try:
            # an explicit checksum: S3 Object Lock (the archive) refuses writes without one
            self._s3.put_object(Bucket=ref.bucket, Key=ref.key, Body=body, ContentType=content_type,
                                Metadata=dict(metadata or {}), ChecksumAlgorithm="SHA256")
        except ClientError as e:
            raise translate_client_error(e, f"put s3://{ref.bucket}/{ref.key}") from e

    def copy(self, source: ObjectRef, target: ObjectRef, metadata: Mapping[str, str] | None = None) -> None:
        src: dict[str, str] = {"Bucket": source.bucket, "Key": source.key, **self._version(source)}
        extra: dict[str, Any] = {}
        if metadata is not None:
            extra = {"Metadata": dict(metadata), "MetadataDirective": "REPLACE"}
            info = self.head(source)
            if info.content_type:
                extra["ContentType"] = info.content_type
        try:
            # managed copy: multipart above 8 MB, so 50 MB scans copy fine
            self._s3.copy(src, target.bucket, target.key, ExtraArgs=extra or None)
        except ClientError as e:
            raise translate_client_error(e, f"copy to s3://{target.bucket}/{target.key}") from e

    def presign_post(self, ref: ObjectRef, content_type: str, max_bytes: int, expires_s: int,
                     metadata: Mapping[str, str]) -> PresignedPost:
        fields: dict[str, str] = {"Content-Type": content_type}
        conditions: list[Any] = [{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]]
        for name, value in metadata.items():
            fields[f"x-amz-meta-{name}"] = value
            conditions.append({f"x-amz-meta-{name}": value})
        r = self._s3.generate_presigned_post(Bucket=ref.bucket, Key=ref.key, Fields=fields,
                                             Conditions=conditions, ExpiresIn=expires_s)
        return PresignedPost(url=r["url"], fields=r["fields"])

    def presign_get(self, ref: ObjectRef, expires_s: int, filename: str | None = None) -> str:
        params: dict[str, str] = {"Bucket": ref.bucket, "Key": ref.key, **self._version(ref)}
        if filename:
            ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode() or "document"
            ascii_name = ascii_name.replace('"', "")
            params["ResponseContentDisposition"] = f'attachment; filename="{ascii_name}"'
        return self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)


class SqsQueue(Queue):
    """Queues by stage; URLs come from the environment (`EAKTE_QUEUE_<STAGE>`)."""

    def __init__(self, client: Any, urls: Mapping[Stage, str]) -> None:
        self._sqs = client
        self._urls = dict(urls)

    @classmethod
    def from_env(cls, client: Any, env: Mapping[str, str]) -> SqsQueue:
        return cls(client, {s: env[queue_env(s)] for s in Stage if queue_env(s) in env})

    def url(self, stage: Stage) -> str:
        try:
            return self._urls[stage]
        except KeyError as e:
            raise PermanentError(f"no queue configured for stage {stage}") from e

    def send(self, stage: Stage, body: Mapping[str, Any], group_id: str | None = None,
             dedup_id: str | None = None) -> str:
        extra: dict[str, str] = {}
        if group_id:
            extra["MessageGroupId"] = group_id
        if dedup_id:
            extra["MessageDeduplicationId"] = dedup_id
        try:
            r = self._sqs.send_message(QueueUrl=self.url(stage), MessageBody=json.dumps(body), **extra)
        except ClientError as e:
            raise translate_client_error(e, f"send to {stage}") from e
        return r["MessageId"]

    def waiting(self, stage: Stage) -> int:
        try:
            r = self._sqs.get_queue_attributes(QueueUrl=self.url(stage), AttributeNames=["ApproximateNumberOfMessages"])
        except ClientError as e:
            raise translate_client_error(e, f"attributes of {stage}") from e
        return int(r["Attributes"]["ApproximateNumberOfMessages"])

    def delay_retry(self, stage: Stage, receipt_handle: str, seconds: int) -> None:
        try:
            self._sqs.change_message_visibility(QueueUrl=self.url(stage), ReceiptHandle=receipt_handle,
                                                VisibilityTimeout=seconds)
        except ClientError as e:
            raise translate_client_error(e, f"delay retry on {stage}") from e


_NAME_PREFIX = 3  # lookup partitions hold names sharing their first three letters
_RANK_WINDOW = 200  # a name search reads and orders at most this many matching dossiers


def status_partition(status: DocumentStatus) -> dict[str, str]:
    """The partition of the status index (gsi4) that holds the documents with this status."""
    return {"S": f"DOCSTATUS#{status.value}"}


def status_index_keys(doc: Document) -> tuple[dict[str, str], dict[str, str]]:
    """gsi4pk, gsi4sk of a document: its status, then the newest change first when read backwards."""
    return status_partition(doc.status), {"S": f"{doc.updated_at.isoformat()}#{doc.document_id}"}


class DynamoRecordStore(RecordStore):
    """One table with overloaded keys:

    SUB#id / SUB      submission; gsi1 = TENANT#tenant / createdAt#id
    DOC#id / DOC      document;   gsi1 = SUB#submission / DOC#id, gsi2 = INBOX#team / receivedAt#id
                                  (sparse; "INBOX" without a team: written before teams existed),
                                  gsi3 = DOS#dossier / receivedAt#id (sparse),
                                  gsi4 = DOCSTATUS#status / updatedAt#id (keys only: counts per status)
    DOS#id / DOS      dossier
    LOOKUP#NAME#abc / token#dossier, LOOKUP#BIRTH#date / dossier, LOOKUP#REF#ref / dossier,
    LOOKUP#PHON#key / dossier   (transliteration key of a name token, logic.names.name_keys)
    LOOKUP#LOOSE#key / dossier  (loose key of a name token, for the person search: logic.search;
                                 dossiers stored before it: ops_aws.backfill_search_keys)
    """

    def __init__(self, client: Any, table: str) -> None:
        self._ddb = client
        self._table = table

    # --- helpers
    def _put(self, item: dict[str, Any], condition: str | None = None,
             values: dict[str, Any] | None = None) -> None:
        args: dict[str, Any] = {"TableName": self._table, "Item": item}
        if condition:
            args["ConditionExpression"] = condition
        if values:
            args["ExpressionAttributeValues"] = values
        try:
            self._ddb.put_item(**args)
        except ClientError as e:
            raise translate_client_error(e, f"put {item['pk']['S']}") from e

    def _get_body(self, pk: str, sk: str) -> str | None:
        try:
            r = self._ddb.get_item(TableName=self._table, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                                   ConsistentRead=True)
        except ClientError as e:
            raise translate_client_error(e, f"get {pk}") from e
        item = r.get("Item")
        return item["body"]["S"] if item else None

    def _query(self, key_condition: str, values: dict[str, Any], index: str | None = None,
               limit: int | None = None, forward: bool = True) -> list[dict[str, Any]]:
        args: dict[str, Any] = {"TableName": self._table, "KeyConditionExpression": key_condition,
                                "ExpressionAttributeValues": values, "ScanIndexForward": forward}
        if index:
            args["IndexName"] = index
        return query_items(self._ddb, args, limit, f"query {key_condition}")

    # --- submissions
    def put_submission(self, submission: Submission) -> None:
        self._put({
            "pk": {"S": f"SUB#{submission.submission_id}"}, "sk": {"S": "SUB"},
            "gsi1pk": {"S": f"TENANT#{submission.tenant}"},
            "gsi1sk": {"S": f"{submission.created_at.isoformat()}#{submission.submission_id}"},
            "body": {"S": submission.model_dump_json()},
        }, condition="attribute_not_exists(pk)")

    def get_submission(self, submission_id: str) -> Submission | None:
        body = self._get_body(f"SUB#{submission_id}", "SUB")
        return Submission.model_validate_json(body) if body else None

    def list_submissions(self, tenant: str, limit: int = 50) -> list[Submission]:
        items = self._query("gsi1pk = :p", {":p": {"S": f"TENANT#{tenant}"}}, index=GSI_BY_PARENT,
                            limit=limit, forward=False)
        return [Submission.model_validate_json(i["body"]["S"]) for i in items]

    # --- documents
    def _document_item(self, doc: Document) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": {"S": f"DOC#{doc.document_id}"}, "sk": {"S": "DOC"},
            "status": {"S": doc.status.value},
            "gsi1pk": {"S": f"SUB#{doc.submission_id}"}, "gsi1sk": {"S": f"DOC#{doc.document_id}"},
            "body": {"S": doc.model_dump_json()},
        }
        if doc.status is DocumentStatus.NEEDS_REVIEW:
            item["gsi2pk"] = {"S": f"INBOX#{inbox_team(doc)}"}
            item["gsi2sk"] = {"S": f"{doc.received_at.isoformat()}#{doc.document_id}"}
        if doc.dossier_id:
            item["gsi3pk"] = {"S": f"DOS#{doc.dossier_id}"}
            item["gsi3sk"] = {"S": f"{doc.received_at.isoformat()}#{doc.document_id}"}
        # derived from the item itself, so retries and re-deliveries cannot make the counts drift
        item["gsi4pk"], item["gsi4sk"] = status_index_keys(doc)
        return item

    def create_document(self, document: Document) -> bool:
        try:
            self._put(self._document_item(document), condition="attribute_not_exists(pk)")
        except ConflictError:
            return False
        return True

    def get_document(self, document_id: str) -> Document | None:
        body = self._get_body(f"DOC#{document_id}", "DOC")
        return Document.model_validate_json(body) if body else None

    def save_document(self, document: Document, expected_status: DocumentStatus | None) -> None:
        if expected_status is None:
            self._put(self._document_item(document))
            return
        try:
            self._ddb.put_item(TableName=self._table, Item=self._document_item(document),
                               ConditionExpression="#s = :expected",
                               ExpressionAttributeNames={"#s": "status"},
                               ExpressionAttributeValues={":expected": {"S": expected_status.value}})
        except ClientError as e:
            raise translate_client_error(e, f"save document {document.document_id}") from e

    def _documents(self, items: list[dict[str, Any]]) -> list[Document]:
        return [Document.model_validate_json(i["body"]["S"]) for i in items]

    def documents_of_submission(self, submission_id: str) -> list[Document]:
        return self._documents(self._query("gsi1pk = :p", {":p": {"S": f"SUB#{submission_id}"}},
                                           index=GSI_BY_PARENT))

    def inbox(self, limit: int = 100, teams: frozenset[str] | None = None) -> list[Document]:
        found: list[Document] = []
        for team in sorted(teams if teams is not None else TEAMS):
            found += self._documents(self._query("gsi2pk = :p", {":p": {"S": f"INBOX#{team}"}}, index=GSI_INBOX,
                                                 limit=limit - len(found)))
            if len(found) >= limit:
                return found
        # documents that went to the inbox before teams existed, routed now
        legacy = self._documents(self._query("gsi2pk = :p", {":p": {"S": "INBOX"}}, index=GSI_INBOX, limit=limit))
        found += [d for d in legacy if teams is None or inbox_team(d) in teams]
        return found[:limit]

    def documents_of_dossier(self, dossier_id: str) -> list[Document]:
        return self._documents(self._query("gsi3pk = :p", {":p": {"S": f"DOS#{dossier_id}"}},
                                           index=GSI_BY_DOSSIER, forward=False))

    # --- dossiers
    def create_dossier(self, dossier: Dossier) -> bool:
        # lookup keys first: a crash between the writes leaves keys pointing at no dossier (the
        # retry writes it), never a dossier that no lookup finds
        dossier = dossier.model_copy(update={"version": 0})
        self.put_lookup_keys(dossier)
        try:
            self._ddb.put_item(TableName=self._table, Item=self._dossier_item(dossier),
                               ConditionExpression="attribute_not_exists(pk)")
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise translate_client_error(e, f"create dossier {dossier.dossier_id}") from e
        return True

    def save_dossier(self, dossier: Dossier, expected_version: int) -> Dossier:
        saved = dossier.model_copy(update={"version": expected_version + 1})
        self.put_lookup_keys(saved)
        # dossiers stored before versions existed have no version attribute: they count as 0
        condition = "#v = :expected" + (" OR attribute_not_exists(#v)" if expected_version == 0 else "")
        try:
            self._ddb.put_item(TableName=self._table, Item=self._dossier_item(saved), ConditionExpression=condition,
                               ExpressionAttributeNames={"#v": "version"},
                               ExpressionAttributeValues={":expected": {"N": str(expected_version)}})
        except ClientError as e:
            raise translate_client_error(e, f"save dossier {dossier.dossier_id}") from e
        return saved

    @staticmethod
    def _dossier_item(dossier: Dossier) -> dict[str, Any]:
        return {"pk": {"S": f"DOS#{dossier.dossier_id}"}, "sk": {"S": "DOS"}, "version": {"N": str(dossier.version)},
                "body": {"S": dossier.model_dump_json()}}

    def put_lookup_keys(self, dossier: Dossier) -> None:
        """Write every lookup item of the dossier (idempotent: the same items again)."""
        did = dossier.dossier_id
        keys: list[tuple[str, str]] = [
            (f"LOOKUP#NAME#{tok[:_NAME_PREFIX]}", f"{tok}#{did}")
            for tok in name_tokens(dossier.surname, dossier.given_names)
        ]
        if dossier.birth_date:
            keys.append((f"LOOKUP#BIRTH#{dossier.birth_date.isoformat()}", did))
        keys += [(f"LOOKUP#REF#{normalise_reference(ref)}", did) for ref in dossier.reference_numbers.values()]
        keys += [(f"LOOKUP#PHON#{key}", did) for key in name_keys(dossier.surname, dossier.given_names)]
        keys += [(f"LOOKUP#LOOSE#{key}", did) for key in loose_name_keys(dossier.surname, dossier.given_names)]
        for pk, sk in keys:
            self._put({"pk": {"S": pk}, "sk": {"S": sk}, "dossierId": {"S": did}})

    def add_dossier_address(self, dossier_id: str, key: str, address: str, source: str) -> None:
        # LOOKUP#ADDR#key / dossier for the lookup, DOS#id / ADDR#key for the dossier's list; a key
        # known already keeps its first source (conditional put: nothing overwritten)
        for item in ({"pk": {"S": f"LOOKUP#ADDR#{key}"}, "sk": {"S": dossier_id}, "dossierId": {"S": dossier_id}},
                     {"pk": {"S": f"DOS#{dossier_id}"}, "sk": {"S": f"ADDR#{key}"}, "address": {"S": address},
                      "source": {"S": source}}):
            try:
                self._ddb.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise translate_client_error(e, "add dossier address") from e

    def dossiers_at(self, key: str, limit: int) -> list[str]:
        return sorted(self._ids(f"LOOKUP#ADDR#{key}"))[:limit]

    def _address_items(self, dossier_id: str) -> list[dict[str, Any]]:
        return self._query("pk = :p AND begins_with(sk, :s)", {":p": {"S": f"DOS#{dossier_id}"},
                                                                ":s": {"S": "ADDR#"}})

    def dossier_addresses(self, dossier_id: str) -> list[tuple[str, str]]:
        return [(i["address"]["S"], i["source"]["S"]) for i in self._address_items(dossier_id)]

    def forget_dossier_addresses(self, dossier_id: str, source: str) -> list[str]:
        keys = [i["sk"]["S"].removeprefix("ADDR#") for i in self._address_items(dossier_id)
                if i["source"]["S"] == source]
        for key in keys:
            # the lookup first (identity resolution trusts it); the dossier's entry, which listed
            # the key, last: after a failure in between, forgetting again finds the key again
            for pk, sk in ((f"LOOKUP#ADDR#{key}", dossier_id), (f"DOS#{dossier_id}", f"ADDR#{key}")):
                try:
                    self._ddb.delete_item(TableName=self._table, Key={"pk": {"S": pk}, "sk": {"S": sk}})
                except ClientError as e:
                    raise translate_client_error(e, "forget dossier address") from e
        return keys

    def get_dossier(self, dossier_id: str) -> Dossier | None:
        body = self._get_body(f"DOS#{dossier_id}", "DOS")
        return Dossier.model_validate_json(body) if body else None

    def _ids(self, pk: str, sk_prefix: str | None = None) -> set[str]:
        if sk_prefix:
            items = self._query("pk = :p AND begins_with(sk, :s)", {":p": {"S": pk}, ":s": {"S": sk_prefix}})
        else:
            items = self._query("pk = :p", {":p": {"S": pk}})
        return {i["dossierId"]["S"] for i in items}

    def _get_dossiers(self, ids: list[str]) -> list[Dossier]:
        keys = [{"pk": {"S": f"DOS#{i}"}, "sk": {"S": "DOS"}} for i in ids]
        return [Dossier.model_validate_json(b) for b in batch_get_bodies(self._ddb, self._table, keys, "dossiers")]

    def _word_ids(self, word: SearchWord) -> set[str]:
        ids: set[str] = set()
        if len(word.prefix) >= _NAME_PREFIX:
            ids |= self._ids(f"LOOKUP#NAME#{word.prefix[:_NAME_PREFIX]}", word.prefix)
        for key in word.strict:
            ids |= self._ids(f"LOOKUP#PHON#{key}")
        for key in word.loose:
            ids |= self._ids(f"LOOKUP#LOOSE#{key}")
        return ids

    def _name_ids(self, search: NameSearch) -> set[str]:
        found: set[str] = set()
        for words in (search.words, search.glued):
            if words:
                found |= set.intersection(*(self._word_ids(w) for w in words))
        return found

    def find_dossiers(self, query: DossierQuery) -> list[Dossier]:
        candidate_sets: list[set[str]] = []
        search = NameSearch.parse(query.name) if query.name else None
        if search is not None:
            candidate_sets.append(self._name_ids(search))
            if search.born is not None:  # a birth date typed with the name
                candidate_sets.append(self._ids(f"LOOKUP#BIRTH#{search.born.isoformat()}"))
        if query.birth_date:
            candidate_sets.append(self._ids(f"LOOKUP#BIRTH#{query.birth_date}"))
        if query.reference:
            candidate_sets.append(self._ids(f"LOOKUP#REF#{normalise_reference(query.reference)}"))
        if query.name_keys:  # any of the keys: a union, then intersected with the other criteria
            candidate_sets.append(set().union(*(self._ids(f"LOOKUP#PHON#{k}") for k in query.name_keys)))
        if not candidate_sets:
            return []

        def wanted(dossier: Dossier) -> bool:
            if query.teams is not None and dossier_team(dossier) not in query.teams:
                return False
            # a key written before its dossier's save lost a conflict: the dossier itself decides
            return not (query.reference and normalise_reference(query.reference) not in {
                normalise_reference(v) for v in dossier.reference_numbers.values()}) and \
                (search is None or matches(search, DossierNames.of(dossier.surname, dossier.given_names),
                                           dossier.birth_date))

        ids = sorted(set.intersection(*candidate_sets))
        if search is not None:
            # best match first (logic.search), as the in-memory store orders them; of more
            # candidates than _RANK_WINDOW (a few letters of a common name) the first by number
            found = [d for d in self._get_dossiers(ids[:max(_RANK_WINDOW, query.limit)]) if wanted(d)]
            return sorted(found, key=lambda d: rank_key(search, d.surname, d.given_names, d.dossier_id))[:query.limit]
        found = []
        for i in ids:
            dossier = self.get_dossier(i)
            if dossier is not None and wanted(dossier):
                found.append(dossier)
                if len(found) >= query.limit:
                    break
        return found


AUDIT_DAYS_WITHOUT_DOSSIER = 7


class DynamoAuditTrail(AuditTrail):
    """Audit events in the records table, one partition per day; events about a dossier also
    sit in its timeline index (gsi3, `AUDIT#DOS#id`). Writes are conditional: never overwritten."""

    def __init__(self, client: Any, table: str) -> None:
        self._ddb = client
        self._table = table

    def record(self, event: AuditEvent) -> None:
        item: dict[str, Any] = {
            "pk": {"S": f"AUDIT#DAY#{event.at.date().isoformat()}"},
            "sk": {"S": f"{event.at.isoformat()}#{event.event_id}"},
            "body": {"S": event.model_dump_json()},
        }
        if event.dossier_id:
            item["gsi3pk"] = {"S": f"AUDIT#DOS#{event.dossier_id}"}
            item["gsi3sk"] = item["sk"]
        try:
            self._ddb.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as e:
            raise translate_client_error(e, "record audit event") from e

    def _query(self, args: dict[str, Any], limit: int) -> list[AuditEvent]:
        try:
            items = self._ddb.query(TableName=self._table, ScanIndexForward=False, Limit=limit, **args)["Items"]
        except ClientError as e:
            raise translate_client_error(e, "query audit events") from e
        return [AuditEvent.model_validate_json(i["body"]["S"]) for i in items]

    def events(self, dossier_id: str | None = None, limit: int = 200) -> list[AuditEvent]:
        if dossier_id:
            return self._query({"IndexName": GSI_BY_DOSSIER, "KeyConditionExpression": "gsi3pk = :p",
                                "ExpressionAttributeValues": {":p": {"S": f"AUDIT#DOS#{dossier_id}"}}}, limit)
        from eakte.models.document import utcnow

        found: list[AuditEvent] = []
        today = utcnow().date()
        for back in range(AUDIT_DAYS_WITHOUT_DOSSIER):
            day = (today - timedelta(days=back)).isoformat()
            found += self._query({"KeyConditionExpression": "pk = :p",
                                  "ExpressionAttributeValues": {":p": {"S": f"AUDIT#DAY#{day}"}}},
                                 limit - len(found))
            if len(found) >= limit:
                break
        return found
