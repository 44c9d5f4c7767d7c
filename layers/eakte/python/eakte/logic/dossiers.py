"""Changing a stored dossier without losing someone else's change (pure domain, no I/O).

Dossiers carry a version (models.document.Dossier.version) and RecordStore.save_dossier writes
only over the version that was read. A change is therefore a function of the dossier as it is
now: on a conflict it is read again and the change applied to what the other writer left."""

from __future__ import annotations

from collections.abc import Callable

from eakte.errors import ConflictError
from eakte.models.document import Dossier
from eakte.ports import RecordStore

UPDATE_ATTEMPTS = 5  # writers of one dossier are few (a team lead, an index, an exchange message)


def update_dossier(records: RecordStore, dossier_id: str, change: Callable[[Dossier], Dossier | None],
                   attempts: int = UPDATE_ATTEMPTS) -> Dossier | None:
    """Apply `change` to the stored dossier and save it. `change` returns None when there is
    nothing to change (e.g. the number is known already). Returns the dossier as stored afterwards,
    None if there is no such dossier; ConflictError after `attempts` lost races (retried by the
    caller's queue like any other conflict)."""
    for _ in range(attempts):
        current = records.get_dossier(dossier_id)
        if current is None:
            return None
        changed = change(current)
        if changed is None:
            return current
        try:
            return records.save_dossier(changed, expected_version=current.version)
        except ConflictError:
            continue
    raise ConflictError(f"dossier {dossier_id} kept changing: {attempts} attempts lost")


def with_reference(dossier: Dossier, name: str, value: str, source: str) -> Dossier | None:
    """The dossier knowing the reference number `name`, learnt from `source` (a change for
    update_dossier); None if it knows one already: a lifelong number learnt once is not replaced
    by a later document."""
    if name in dossier.reference_numbers:
        return None
    return dossier.model_copy(update={"reference_numbers": {**dossier.reference_numbers, name: value},
                                      "reference_sources": {**dossier.reference_sources, name: source}})


def without_references_from(dossier: Dossier, source: str) -> Dossier | None:
    """The dossier without the numbers it learnt from `source` (a change for update_dossier);
    None if it learnt none from there."""
    learnt = {n for n, src in dossier.reference_sources.items() if src == source}
    if not learnt:
        return None
    return dossier.model_copy(update={
        "reference_numbers": {n: v for n, v in dossier.reference_numbers.items() if n not in learnt},
        "reference_sources": {n: src for n, src in dossier.reference_sources.items() if n not in learnt}})
