"""What a dossier learns from the documents filed in it, and forgets when a caseworker moves
such a document out again (pure domain, no I/O beyond the ports).

A document filed with certainty teaches its dossier
- the address it shows (logic.identity.with_address then files a later letter that shows only the
  name and that address), and
- the person's AHV number, if the page shows exactly one that passed its check digit and no other
  dossier holds it (a later payslip with only the name and that number is then filed by the
  number). A page with several numbers (a family's insurance card) teaches none: which is the
  person's is open (recognition.fields.AHV_AMONG_OTHERS).
A number is a stronger key than an address (it files a document on its own), so it is learnt only
from a match by a reference number or by name and birth date, or from a caseworker's filing;
not from the uploader's word or a known address.

What was learnt records its source document. Moving that document to another dossier (a
correction) makes the old dossier forget it: a wrong filing must not go on filing documents."""

from __future__ import annotations

from functools import partial

from eakte.logic.addresses import address_key
from eakte.logic.dossiers import update_dossier, with_reference, without_references_from
from eakte.logic.identity import PersonData
from eakte.models.document import Document
from eakte.ports import DossierQuery, RecordStore

# logic.identity.Resolution.outcome values that identify the person with certainty, and
# CORRECTED: a caseworker filed the document
CORRECTED = "corrected"
LEARNS_ADDRESS = frozenset({"reference", "name_and_birth_date", "declared", "new_dossier", CORRECTED})
LEARNS_NUMBER = frozenset({"reference", "name_and_birth_date", CORRECTED})
LEARNT_NUMBERS = ("ahvNumber",)  # lifelong and validated by a check digit; the others have none


def learn_from_document(records: RecordStore, doc: Document, dossier_id: str, outcome: str) -> None:
    """The dossier learns what `doc`, filed in it by `outcome`, shows about its person.
    Idempotent: a retried stage learns nothing twice."""
    if outcome in LEARNS_ADDRESS:
        shown = doc.fields.get("address")
        if shown is not None and (key := address_key(shown.value)) is not None:
            records.add_dossier_address(dossier_id, key, shown.value, doc.document_id)
    if outcome not in LEARNS_NUMBER:
        return
    person = PersonData.from_fields(doc.fields)
    for name in LEARNT_NUMBERS:
        value = person.references.get(name)
        if value is None or name not in person.validated:
            continue
        known = records.get_dossier(dossier_id)
        if known is None or name in known.reference_numbers:
            continue  # filed by this number, or knows another one (kept: with_reference)
        if any(d.dossier_id != dossier_id for d in records.find_dossiers(DossierQuery(reference=value, limit=2))):
            continue  # another person's number (the resolution did not file by it): not this one's
        update_dossier(records, dossier_id, partial(with_reference, name=name, value=value, source=doc.document_id))


def forget_learnt_from(records: RecordStore, dossier_id: str, document_id: str) -> None:
    """The dossier forgets the addresses and numbers it learnt from `document_id`, which a
    caseworker has moved to another dossier. An address that another document showed as well is
    forgotten too (only its first source is kept): a later document filed with certainty teaches
    it again."""
    records.forget_dossier_addresses(dossier_id, document_id)
    update_dossier(records, dossier_id, lambda d: without_references_from(d, document_id))
