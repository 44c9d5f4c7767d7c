"""The local emulation's faster DynamoDB Query (eakte.local.moto_speedups) answers every query
exactly as moto's own: the same items, order, pages, counts and projections."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from eakte.local import moto_speedups
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration


@pytest.fixture
def ddb(harness: Harness) -> Iterator[Any]:
    """Two tables of their own in the suite's in-process moto server (whose Query the patch
    changes; mock_aws would reset the backends the other tests share)."""
    client = harness.aws.client("dynamodb")
    run = uuid.uuid4().hex[:8]
    tables = {"records": f"speedups-records-{run}", "flat": f"speedups-flat-{run}"}
    try:
        client.create_table(
            TableName=tables["records"], BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                                  (("pk", "S"), ("sk", "S"), ("g1pk", "S"), ("g1sk", "S"), ("g2pk", "N"))],
            GlobalSecondaryIndexes=[
                {"IndexName": "gi1", "Projection": {"ProjectionType": "ALL"},
                 "KeySchema": [{"AttributeName": "g1pk", "KeyType": "HASH"},
                               {"AttributeName": "g1sk", "KeyType": "RANGE"}]},
                {"IndexName": "gi2", "Projection": {"ProjectionType": "KEYS_ONLY"},
                 "KeySchema": [{"AttributeName": "g2pk", "KeyType": "HASH"}]},
            ])
        client.create_table(
            TableName=tables["flat"], BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        rng = random.Random(3)
        for n in range(400):
            item: dict[str, Any] = {"pk": {"S": f"P#{rng.randrange(12)}"}, "sk": {"S": f"S#{n:04d}"},
                                    "amount": {"N": str(rng.randrange(100))}}
            if rng.random() < 0.7:  # sparse index: not every item carries its keys
                item |= {"g1pk": {"S": f"G#{rng.randrange(5)}"}, "g1sk": {"S": f"{rng.randrange(50):03d}"}}
            if rng.random() < 0.5:
                item["g2pk"] = {"N": str(rng.randrange(4))}
            client.put_item(TableName=tables["records"], Item=item)
        for n in range(30):
            client.put_item(TableName=tables["flat"], Item={"id": {"S": f"F#{n % 7}"}, "v": {"N": str(n)}})
        yield client, tables
    finally:
        for name in tables.values():
            client.delete_table(TableName=name)


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P#3"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P#404"}}},
    {"KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
     "ExpressionAttributeValues": {":p": {"S": "P#1"}, ":s": {"S": "S#01"}}},
    {"KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b", "ScanIndexForward": False,
     "ExpressionAttributeValues": {":p": {"S": "P#2"}, ":a": {"S": "S#0100"}, ":b": {"S": "S#0300"}}},
    {"KeyConditionExpression": "pk = :p", "FilterExpression": "amount > :n", "Limit": 7,
     "ExpressionAttributeValues": {":p": {"S": "P#5"}, ":n": {"N": "40"}}},
    {"KeyConditionExpression": "pk = :p", "Select": "COUNT", "ExpressionAttributeValues": {":p": {"S": "P#7"}}},
    {"KeyConditionExpression": "pk = :p", "ProjectionExpression": "sk, amount",
     "ExpressionAttributeValues": {":p": {"S": "P#8"}}},
    {"IndexName": "gi1", "KeyConditionExpression": "g1pk = :p", "ExpressionAttributeValues": {":p": {"S": "G#2"}}},
    {"IndexName": "gi1", "KeyConditionExpression": "g1pk = :p AND g1sk < :s", "ScanIndexForward": False,
     "Limit": 5, "ExpressionAttributeValues": {":p": {"S": "G#4"}, ":s": {"S": "030"}}},
    {"IndexName": "gi2", "KeyConditionExpression": "g2pk = :p", "ExpressionAttributeValues": {":p": {"N": "1"}}},
    {"IndexName": "gi2", "KeyConditionExpression": "g2pk = :p", "ExpressionAttributeValues": {":p": {"N": "2.0"}}},
    {"IndexName": "gi2", "KeyConditionExpression": "g2pk = :p", "Select": "COUNT",
     "ExpressionAttributeValues": {":p": {"N": "3"}}},
]


def _all_pages(client: Any, table: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    pages, start = [], None
    while True:
        r = client.query(TableName=table, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append({k: r.get(k) for k in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        start = r.get("LastEvaluatedKey")
        if not start or len(pages) > 200:
            return pages


def _answers(ddb: tuple[Any, dict[str, str]]) -> list[list[dict[str, Any]]]:
    client, tables = ddb
    answers = [_all_pages(client, tables["records"], q) for q in QUERIES]
    answers += [_all_pages(client, tables["flat"], {"KeyConditionExpression": "id = :i",
                                            "ExpressionAttributeValues": {":i": {"S": f"F#{n}"}}}) for n in (0, 6, 9)]
    return answers


@contextmanager
def _patch_state_kept() -> Iterator[None]:
    """The patch installed afterwards exactly when it was before (the suite's server installs it)."""
    was_installed = bool(moto_speedups._originals)
    try:
        yield
    finally:
        if was_installed:
            moto_speedups.install()
        else:
            moto_speedups.uninstall()


def test_narrowed_queries_answer_as_moto_does(ddb: Any) -> None:
    with _patch_state_kept():
        moto_speedups.uninstall()
        own = _answers(ddb)
        assert moto_speedups.install()
        narrowed = _answers(ddb)
    assert narrowed == own
    # the comparison means something: results with items, several pages, a projection, counts
    assert sum(len(p["Items"] or []) for a in own for p in a) > 300
    assert any(len(a) > 2 for a in own)
    assert own[5][0]["Count"] > 0 and own[11][0]["Count"] > 0


def test_narrowing_looks_only_at_the_partition(ddb: Any) -> None:
    """What the speed comes from: a table query reads one partition, an index query only the items
    whose index key matches, and moto's whole-table sort is not called."""
    from moto.dynamodb.models.table import Table

    whole_table = 0

    def counting(self: Any) -> Any:
        nonlocal whole_table
        whole_table += 1
        return original(self)

    with _patch_state_kept():
        moto_speedups.install()
        original = moto_speedups._originals["all_items"]
        moto_speedups._originals["all_items"] = counting
        try:
            assert Table.all_items is not original
            client, tables = ddb
            client.query(TableName=tables["records"], KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": {"S": "P#3"}})
            client.query(TableName=tables["records"], IndexName="gi1", KeyConditionExpression="g1pk = :p",
                         ExpressionAttributeValues={":p": {"S": "G#1"}})
            assert whole_table == 0
            client.scan(TableName=tables["records"], Limit=5)  # a scan still reads the table as moto does
            assert whole_table == 1
        finally:
            moto_speedups._originals["all_items"] = original
