"""DynamoDB lookups for identity resolution (transliteration keys) against moto."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eakte.adapters.aws import DynamoRecordStore
from eakte.adapters.memory import MemoryObjectStore, MemoryQueue
from eakte.errors import ConflictError
from eakte.logic.dossiers import update_dossier, with_reference, without_references_from
from eakte.logic.intake import Buckets
from eakte.logic.names import name_keys
from eakte.logic.stages import IndexStage
from eakte.models.document import (
    DeclaredPerson,
    Document,
    DocumentStatus,
    DocumentType,
    Dossier,
    ExtractedField,
    FieldSource,
    StageMessage,
    Submission,
    SubmissionKind,
)
from eakte.ports import DossierQuery

from .conftest import Harness

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def test_dossiers_are_found_by_transliteration_key_and_birth_date(h: Harness) -> None:
    store = DynamoRecordStore(h.aws.client("dynamodb"), h.aws.names.table)
    store.create_dossier(Dossier(dossier_id="D-IT-MOH", surname="Haddad", given_names="Mohammed",
                              birth_date=date(1987, 2, 3), created_at=NOW,
                              reference_numbers={"ahvNumber": "756.1234.5678.97"}))
    store.create_dossier(Dossier(dossier_id="D-IT-MAH", surname="Haddad", given_names="Mahmoud",
                              birth_date=date(1987, 2, 3), created_at=NOW))
    by_key = store.find_dossiers(DossierQuery(birth_date="1987-02-03", name_keys=tuple(name_keys("Muhammad"))))
    assert [d.dossier_id for d in by_key] == ["D-IT-MOH"]
    both = store.find_dossiers(DossierQuery(name_keys=tuple(name_keys("Hadad")), birth_date="1987-02-03", limit=5))
    assert {d.dossier_id for d in both} == {"D-IT-MOH", "D-IT-MAH"}
    assert store.find_dossiers(DossierQuery(name_keys=tuple(name_keys("Mahmud")), birth_date="1990-01-01")) == []
    # the existing prefix search and reference lookup keep working
    assert {d.dossier_id for d in store.find_dossiers(DossierQuery(name="hadd", birth_date="1987-02-03"))} \
        == {"D-IT-MOH", "D-IT-MAH"}  # (other tests' dossiers are named Haddad too)
    assert [d.dossier_id for d in store.find_dossiers(DossierQuery(reference="7561234567897"))] == ["D-IT-MOH"]


def test_a_name_only_payslip_is_filed_with_the_person_named_at_upload(h: Harness) -> None:
    """The uploader's `concerns` kept with the submission in DynamoDB, read by the index stage."""
    store = DynamoRecordStore(h.aws.client("dynamodb"), h.aws.names.table)
    store.create_dossier(Dossier(dossier_id="D-IT-TES", surname="Tesfaye", given_names="Senait",
                              birth_date=date(1994, 5, 6), created_at=NOW,
                              reference_numbers={"ahvNumber": "756.9217.0769.85"}))
    store.create_dossier(Dossier(dossier_id="D-IT-TES2", surname="Tesfay", given_names="Senayt",
                              birth_date=date(1990, 1, 1), created_at=NOW))  # a namesake, in another spelling
    store.create_dossier(Dossier(dossier_id="D-IT-ABR", surname="Abraha", given_names="Senait",
                              birth_date=date(1994, 5, 6), created_at=NOW))
    stage = IndexStage(store, MemoryObjectStore(), MemoryQueue(), Buckets("in", "arch"), clock=lambda: NOW)
    stage.review_threshold = 0.9

    def payslip(doc_id: str, surname: str, given: str, concerns: DeclaredPerson | None) -> Document:
        store.put_submission(Submission(submission_id=f"S-{doc_id}", tenant="bfs-261", kind=SubmissionKind.SCAN,
                                        filename="lohn.pdf", content_type="application/pdf", declared_size=1,
                                        created_by="u", created_at=NOW, expires_at=NOW, object_key="k",
                                        concerns=concerns))
        store.create_document(Document(
            document_id=doc_id, submission_id=f"S-{doc_id}", tenant="bfs-261", kind=SubmissionKind.SCAN,
            status=DocumentStatus.CLASSIFIED, filename="lohn.pdf", source_bucket="in", source_key="k",
            document_type=DocumentType.PAYSLIP, confidence=0.97, received_at=NOW, updated_at=NOW,
            fields={"surname": ExtractedField(value=surname, confidence=0.8, source=FieldSource.TEXT),
                    "givenNames": ExtractedField(value=given, confidence=0.8, source=FieldSource.TEXT)}))
        out = stage.run(StageMessage(document_id=doc_id))
        assert out is not None
        return out

    assert store.get_submission("S-none") is None
    alone = payslip("DOC-IT-1", "TESFAYE", "SENAIT", None)
    assert alone.status is DocumentStatus.NEEDS_REVIEW  # two Senait Tesfayes: the name decides nothing
    by_birth = payslip("DOC-IT-2", "TESFAYE", "SENAIT", DeclaredPerson(surname="Tesfaye", given_names="Senait",
                                                                       birth_date=date(1994, 5, 6)))
    assert by_birth.status is DocumentStatus.NEEDS_REVIEW  # ... nor does the uploader between namesakes
    stored = store.get_submission("S-DOC-IT-2")
    assert stored is not None and stored.concerns is not None and stored.concerns.birth_date == date(1994, 5, 6)
    filed = payslip("DOC-IT-3", "ABRAHA", "SENAIT", DeclaredPerson(surname="Abraha", given_names="Senait",
                                                                   birth_date=date(1994, 5, 6)))
    assert filed.status is DocumentStatus.INDEXED and filed.dossier_id == "D-IT-ABR"
    wrong = payslip("DOC-IT-4", "ABRAHA", "SENAIT", DeclaredPerson(ahv_number="756.9217.0769.85"))
    assert wrong.status is DocumentStatus.NEEDS_REVIEW and "D-IT-TES" in {c.dossier_id for c in wrong.candidates}


def test_addresses_a_dossier_knows_are_items_of_their_own(h: Harness) -> None:
    store = DynamoRecordStore(h.aws.client("dynamodb"), h.aws.names.table)
    dossier = Dossier(dossier_id="D-IT-ADDR", surname="Kidane", given_names="Semere", created_at=NOW)
    store.create_dossier(dossier)
    key = "3999|integrationsweg|7"  # no other test files anyone there
    store.add_dossier_address("D-IT-ADDR", key, "Integrationsweg 7, 3999 Teststadt", "DOC-1")
    store.add_dossier_address("D-IT-ADDR", key, "Integrationsweg 7, 3999 TESTSTADT", "DOC-2")  # known: kept as first
    store.add_dossier_address("D-IT-ADDR-2", key, "Integrationsweg 7, 3999 Teststadt", "DOC-3")
    assert store.dossiers_at(key, 10) == ["D-IT-ADDR", "D-IT-ADDR-2"]
    assert store.dossiers_at(key, 1) == ["D-IT-ADDR"]
    assert store.dossier_addresses("D-IT-ADDR") == [("Integrationsweg 7, 3999 Teststadt", "DOC-1")]
    # the dossier itself is untouched (a team change beside it loses nothing), its documents unaffected
    assert store.get_dossier("D-IT-ADDR") == dossier and store.documents_of_dossier("D-IT-ADDR") == []
    # a correction moved DOC-1 elsewhere: the address it taught is forgotten, the lookup with it
    assert store.forget_dossier_addresses("D-IT-ADDR", "DOC-9") == []
    assert store.forget_dossier_addresses("D-IT-ADDR", "DOC-1") == [key]
    assert store.dossier_addresses("D-IT-ADDR") == [] and store.dossiers_at(key, 10) == ["D-IT-ADDR-2"]
    assert store.dossier_addresses("D-IT-ADDR-2") == [("Integrationsweg 7, 3999 Teststadt", "DOC-3")]


def test_a_learnt_number_and_its_source_are_stored_and_found(h: Harness) -> None:
    store = DynamoRecordStore(h.aws.client("dynamodb"), h.aws.names.table)
    store.create_dossier(Dossier(dossier_id="D-IT-LEARN", surname="Gebremedhin", given_names="Yonas",
                                 created_at=NOW))
    ahv = "756.8800.1234.57"  # no other test or sample uses it
    learnt = update_dossier(store, "D-IT-LEARN", lambda d: with_reference(d, "ahvNumber", ahv, "DOC-IT-L1"))
    assert learnt is not None and learnt.reference_sources == {"ahvNumber": "DOC-IT-L1"}
    assert [d.dossier_id for d in store.find_dossiers(DossierQuery(reference=ahv))] == ["D-IT-LEARN"]
    forgot = update_dossier(store, "D-IT-LEARN", lambda d: without_references_from(d, "DOC-IT-L1"))
    assert forgot is not None and forgot.reference_numbers == {} and forgot.reference_sources == {}
    # its lookup key may stay behind; it points at a dossier that no longer holds the number
    assert store.find_dossiers(DossierQuery(reference=ahv)) == []


def test_dossier_writes_are_conditional_on_the_version_read(h: Harness) -> None:
    ddb = h.aws.client("dynamodb")
    store = DynamoRecordStore(ddb, h.aws.names.table)
    first = Dossier(dossier_id="D-IT-VER", surname="Kowalczuk", given_names="Andrii", created_at=NOW, team="north")
    assert store.create_dossier(first) is True
    assert store.create_dossier(first.model_copy(update={"team": "south"})) is False  # the first one stays
    read = store.get_dossier("D-IT-VER")
    assert read is not None and read.team == "north" and read.version == 0
    saved = store.save_dossier(read.model_copy(update={"reference_numbers": {"ahvNumber": "756.3047.5009.62"}}),
                               expected_version=0)
    assert saved.version == 1 and store.get_dossier("D-IT-VER") == saved
    with pytest.raises(ConflictError):  # a team change from the stale read would undo the number
        store.save_dossier(read.model_copy(update={"team": "south"}), expected_version=0)
    assert [d.dossier_id for d in store.find_dossiers(DossierQuery(reference="7563047500962"))] == ["D-IT-VER"]
    # a save that lost its conflict left a lookup key: it finds no dossier without that number
    with pytest.raises(ConflictError):
        store.save_dossier(saved.model_copy(update={"reference_numbers": {"zemisNumber": "12345678"}}),
                           expected_version=0)
    assert store.find_dossiers(DossierQuery(reference="12345678")) == []


def test_a_dossier_stored_before_versions_counts_as_version_0(h: Harness) -> None:
    ddb = h.aws.client("dynamodb")
    store = DynamoRecordStore(ddb, h.aws.names.table)
    old = Dossier(dossier_id="D-IT-OLD", surname="Berhane", given_names="Robel", created_at=NOW)
    body = old.model_dump_json(exclude={"version"})
    ddb.put_item(TableName=h.aws.names.table, Item={"pk": {"S": "DOS#D-IT-OLD"}, "sk": {"S": "DOS"},
                                                    "body": {"S": body}})
    read = store.get_dossier("D-IT-OLD")
    assert read is not None and read.version == 0
    assert store.save_dossier(read.model_copy(update={"team": "north"}), expected_version=0).version == 1
    with pytest.raises(ConflictError):
        store.save_dossier(read.model_copy(update={"team": "south"}), expected_version=0)
