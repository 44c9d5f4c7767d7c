"""DynamoDB lookups for identity resolution (transliteration keys) against moto."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eakte.adapters.aws import DynamoRecordStore
from eakte.logic.names import name_keys
from eakte.models.document import Dossier
from eakte.ports import DossierQuery

from .conftest import Harness

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def test_dossiers_are_found_by_transliteration_key_and_birth_date(h: Harness) -> None:
    store = DynamoRecordStore(h.aws.client("dynamodb"), h.aws.names.table)
    store.put_dossier(Dossier(dossier_id="D-IT-MOH", surname="Haddad", given_names="Mohammed",
                              birth_date=date(1987, 2, 3), created_at=NOW,
                              reference_numbers={"ahvNumber": "756.1234.5678.97"}))
    store.put_dossier(Dossier(dossier_id="D-IT-MAH", surname="Haddad", given_names="Mahmoud",
                              birth_date=date(1987, 2, 3), created_at=NOW))
    by_key = store.find_dossiers(DossierQuery(birth_date="1987-02-03", name_keys=tuple(name_keys("Muhammad"))))
    assert [d.dossier_id for d in by_key] == ["D-IT-MOH"]
    both = store.find_dossiers(DossierQuery(name_keys=tuple(name_keys("Hadad")), limit=5))
    assert {d.dossier_id for d in both} == {"D-IT-MOH", "D-IT-MAH"}
    assert store.find_dossiers(DossierQuery(name_keys=tuple(name_keys("Mahmud")), birth_date="1990-01-01")) == []
    # the existing prefix search and reference lookup keep working
    assert {d.dossier_id for d in store.find_dossiers(DossierQuery(name="hadd"))} == {"D-IT-MOH", "D-IT-MAH"}
    assert [d.dossier_id for d in store.find_dossiers(DossierQuery(reference="7561234567897"))] == ["D-IT-MOH"]
