"""Caseworkers' corrections as training data for the document-type classifier.

Every `PATCH /api/documents/{id}` is an audit event (AuditAction.CORRECT_DOCUMENT) whose
details hold what the machine said (`before`) and what the human set (`after`). This module
turns those events into labelled examples — the document's OCR text and the corrected type —
one JSON object per line, the format `make train CORRECTIONS=file.jsonl` reads.

    python -m eakte.logic.corrections > corrections.jsonl     # against the configured AWS/moto

Personal data: the export holds OCR text of real documents; it is written to the operator's
terminal or file only, never uploaded, and should be handled like the archive itself.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from eakte.logic.intake import Buckets
from eakte.models.document import AuditAction, DocumentType
from eakte.ports import AuditTrail, ObjectRef, ObjectStore, RecordStore


@dataclass(frozen=True, slots=True)
class TrainingExample:
    document_id: str
    text: str
    document_type: DocumentType
    predicted_type: str | None
    predicted_confidence: float | None
    corrected_at: str

    def to_json(self) -> str:
        return json.dumps({"documentId": self.document_id, "documentType": self.document_type.value,
                           "predictedType": self.predicted_type, "predictedConfidence": self.predicted_confidence,
                           "correctedAt": self.corrected_at, "text": self.text}, ensure_ascii=False)


def correction_examples(audit: AuditTrail, records: RecordStore, objects: ObjectStore, buckets: Buckets,
                        limit: int = 10_000) -> Iterator[TrainingExample]:
    """Type corrections (the human set another type), newest first, the latest per document.
    Without a dossier filter the audit trail yields the last days only (DynamoAuditTrail)."""
    seen: set[str] = set()
    for event in audit.events(limit=limit):
        if event.action is not AuditAction.CORRECT_DOCUMENT or event.target_id in seen:
            continue
        before, after = event.details.get("before") or {}, event.details.get("after") or {}
        corrected = after.get("documentType")
        if not corrected or corrected == before.get("documentType"):
            continue  # dossier only (the event cannot tell a confirmed type from an untouched one)
        seen.add(event.target_id)
        doc = records.get_document(event.target_id)
        if doc is None or doc.text_key is None:
            continue
        text = objects.read(ObjectRef(buckets.archive, doc.text_key)).decode("utf-8")
        yield TrainingExample(event.target_id, text, DocumentType(corrected), before.get("documentType"),
                              before.get("confidence"), event.at.isoformat())


def main() -> int:  # pragma: no cover - thin CLI over the wiring
    from eakte import wiring

    for example in correction_examples(wiring.audit_trail(), wiring.records(), wiring.objects(), wiring.buckets()):
        sys.stdout.write(example.to_json() + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
