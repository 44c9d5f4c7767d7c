"""Person search in DynamoDB (moto): spelling variants found through the lookup partitions, in the
same order as the in-memory store; dossiers stored before the loose keys are backfilled."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eakte.adapters.aws import DynamoRecordStore
from eakte.adapters.memory import MemoryRecordStore
from eakte.adapters.ops_aws import backfill_search_keys
from eakte.logic.search import loose_name_keys
from eakte.models.document import Dossier
from eakte.ports import DossierQuery

from .conftest import Harness

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BORN = date(1933, 6, 17)  # no other test's dossier was born that day: the queries see only these
PEOPLE = [
    ("D-PS-1", "Haddad", "Mohammed"), ("D-PS-2", "Hadad", "Mohamad"), ("D-PS-3", "Haddadin", "Omar"),
    ("D-PS-4", "Osman", "Ali"), ("D-PS-5", "Al Hassan", "Samira"), ("D-PS-6", "Kravchenko", "Igor"),
    ("D-PS-7", "Haddad", "Abdelrahman"), ("D-PS-8", "Youssef", "Mahmoud"),
]
QUERIES = ["Haddad", "Hadad Muhammad", "hadd", "Uthman Ali", "Alhassan", "Hassan Samira", "Ihor Krawtschenko",
           "Abd al-Rahman", "Yusuf", "Mahmud Yousef", "Hussein", "ha", "Haddad 1933", "Hadad 17.6.1933",
           "Haddad 1934", "Osman 1933-06-18"]


def _dossier(did: str, surname: str, given: str) -> Dossier:
    return Dossier(dossier_id=did, surname=surname, given_names=given, birth_date=BORN, created_at=NOW)


@pytest.fixture(scope="module")
def stores(harness: Harness) -> tuple[DynamoRecordStore, MemoryRecordStore]:
    dynamo = DynamoRecordStore(harness.aws.client("dynamodb"), harness.aws.names.table)
    memory = MemoryRecordStore()
    for person in PEOPLE:
        dynamo.create_dossier(_dossier(*person))
        memory.create_dossier(_dossier(*person))
    return dynamo, memory


@pytest.mark.parametrize("typed", QUERIES)
def test_dynamodb_finds_what_the_in_memory_store_finds_in_the_same_order(
        stores: tuple[DynamoRecordStore, MemoryRecordStore], typed: str) -> None:
    dynamo, memory = stores
    query = DossierQuery(name=typed, birth_date=BORN.isoformat())
    assert [d.dossier_id for d in dynamo.find_dossiers(query)] == [d.dossier_id for d in memory.find_dossiers(query)]


def test_spelling_variants_find_the_person_best_match_first(
        stores: tuple[DynamoRecordStore, MemoryRecordStore]) -> None:
    dynamo, _ = stores

    def ids(typed: str, limit: int = 25) -> list[str]:
        return [d.dossier_id for d in dynamo.find_dossiers(DossierQuery(name=typed, birth_date=BORN.isoformat(),
                                                                        limit=limit))]

    assert ids("Hadad Muhammad") == ["D-PS-2", "D-PS-1"]  # both spellings; the closer first
    assert ids("Uthman") == ["D-PS-4"]
    assert ids("Alhassan") == ["D-PS-5"]
    assert ids("Ihor Krawtschenko") == ["D-PS-6"]
    assert ids("Abd al-Rahman") == ["D-PS-7"]
    assert ids("Mahmud Yousef") == ["D-PS-8"]
    assert ids("Haddad", limit=2) == ["D-PS-7", "D-PS-1"]  # as written, alphabetically; then limited
    assert ids("Hussein") == []
    assert ids("Uthman 17.06.1933") == ["D-PS-4"] and ids("Uthman 1932") == []


def test_dossiers_stored_before_the_loose_keys_are_found_after_the_backfill(h: Harness) -> None:
    ddb, table = h.aws.client("dynamodb"), h.aws.names.table
    store = DynamoRecordStore(ddb, table)
    born = date(1931, 2, 9)
    store.create_dossier(Dossier(dossier_id="D-PS-OLD", surname="Othman", given_names="Zainab", birth_date=born,
                                 created_at=NOW))
    for key in loose_name_keys("Othman", "Zainab"):  # as the store wrote dossiers before the loose keys
        ddb.delete_item(TableName=table, Key={"pk": {"S": f"LOOKUP#LOOSE#{key}"}, "sk": {"S": "D-PS-OLD"}})
    query = DossierQuery(name="Osman", birth_date=born.isoformat())
    assert store.find_dossiers(query) == []
    assert backfill_search_keys(ddb, table) >= 1
    assert [d.dossier_id for d in store.find_dossiers(query)] == ["D-PS-OLD"]
