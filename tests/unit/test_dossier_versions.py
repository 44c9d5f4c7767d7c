"""Optimistic concurrency of dossiers: a change is applied to the dossier as it is now."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eakte.adapters.memory import MemoryRecordStore
from eakte.errors import ConflictError
from eakte.logic.dossiers import update_dossier, with_reference
from eakte.models.document import Dossier

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def _dossier(**changes: object) -> Dossier:
    return Dossier(dossier_id="D-V1", surname="Haddad", given_names="Mohammed", birth_date=date(1987, 2, 3),
                   created_at=NOW).model_copy(update=changes)


def test_create_keeps_the_first_dossier_of_an_id() -> None:
    store = MemoryRecordStore()
    assert store.create_dossier(_dossier(team="north")) is True
    assert store.create_dossier(_dossier(team="south")) is False
    stored = store.get_dossier("D-V1")
    assert stored is not None and stored.team == "north" and stored.version == 0


def test_save_replaces_only_the_version_it_read() -> None:
    store = MemoryRecordStore()
    store.create_dossier(_dossier())
    read = store.get_dossier("D-V1")
    assert read is not None
    saved = store.save_dossier(read.model_copy(update={"team": "north"}), expected_version=read.version)
    assert saved.version == 1
    with pytest.raises(ConflictError):  # written over a dossier it did not see
        store.save_dossier(read.model_copy(update={"team": "south"}), expected_version=read.version)
    assert store.get_dossier("D-V1") == saved


class _Interleaving(MemoryRecordStore):
    """A team lead moves the dossier between our read and our write (once)."""

    def __init__(self) -> None:
        super().__init__()
        self.interfered = False

    def save_dossier(self, dossier: Dossier, expected_version: int) -> Dossier:
        if not self.interfered:
            self.interfered = True
            current = self.dossiers["D-V1"]
            super().save_dossier(current.model_copy(update={"team": "south"}), current.version)
        return super().save_dossier(dossier, expected_version)


def test_a_change_beside_another_keeps_both() -> None:
    """The lost update this prevents: learning an AHV number while the team changes."""
    store = _Interleaving()
    store.create_dossier(_dossier(team="north"))
    after = update_dossier(store, "D-V1", lambda d: with_reference(d, "ahvNumber", "756.1234.5678.97", "DOC-1"))
    assert after is not None
    assert after.team == "south" and after.reference_numbers == {"ahvNumber": "756.1234.5678.97"}
    assert after.version == 2 and store.get_dossier("D-V1") == after


def test_nothing_to_change_writes_nothing() -> None:
    store = MemoryRecordStore()
    store.create_dossier(_dossier(reference_numbers={"ahvNumber": "756.1234.5678.97"}))
    after = update_dossier(store, "D-V1", lambda d: with_reference(d, "ahvNumber", "756.9217.0769.85", "DOC-2"))
    assert after is not None and after.version == 0  # a number learnt once is not replaced
    assert after.reference_numbers == {"ahvNumber": "756.1234.5678.97"}
    assert update_dossier(store, "D-NONE", lambda d: d) is None


def test_a_dossier_that_keeps_changing_is_a_conflict() -> None:
    class Busy(MemoryRecordStore):
        def save_dossier(self, dossier: Dossier, expected_version: int) -> Dossier:
            raise ConflictError("someone else was faster")

    store = Busy()
    store.create_dossier(_dossier())
    with pytest.raises(ConflictError, match="3 attempts"):
        update_dossier(store, "D-V1", lambda d: d.model_copy(update={"team": "north"}), attempts=3)
