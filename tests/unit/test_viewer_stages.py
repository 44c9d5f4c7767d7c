"""The pipeline hooks of the document viewer: OCR stores word boxes, classify places the fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from eakte.adapters.memory import MemoryObjectStore, MemoryQueue, MemoryRecordStore, ScriptedOcrEngine
from eakte.logic.intake import Buckets
from eakte.logic.ocr_words import loads
from eakte.logic.stages import ClassifyStage, OcrStage
from eakte.models.document import Document, DocumentStatus, MediaType, StageMessage, SubmissionKind
from eakte.ports import ObjectRef

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "textract" / "detect_document_text_image.json"
BUCKETS = Buckets("intake", "archive")


def pipeline() -> tuple[MemoryRecordStore, MemoryObjectStore, OcrStage, ClassifyStage]:
    records, objects, queue = MemoryRecordStore(), MemoryObjectStore(), MemoryQueue()
    records.create_document(Document(
        document_id="doc-1", submission_id="s-1", tenant="bfs-261", kind=SubmissionKind.SCAN,
        status=DocumentStatus.RECEIVED, filename="permit.png", media_type=MediaType.PNG, pages=1,
        source_bucket="intake", source_key="incoming/x", original_key="documents/doc-1/original.png",
        received_at=NOW, updated_at=NOW))
    engine = ScriptedOcrEngine([json.loads(FIXTURE.read_text(encoding="utf-8"))])
    clock = lambda: NOW  # noqa: E731
    return (records, objects, OcrStage(records, objects, queue, BUCKETS, engine, clock=clock),
            ClassifyStage(records, objects, queue, BUCKETS, clock=clock))


def test_ocr_stores_word_boxes_beside_the_text_not_in_the_record() -> None:
    records, objects, ocr, _ = pipeline()
    done = ocr.run(StageMessage(document_id="doc-1"))
    assert done is not None and done.words_key == "documents/doc-1/ocr/words.json"
    words = loads(objects.read(ObjectRef("archive", done.words_key)))
    assert words.engine == "scripted"
    assert [w.text for w in words.pages[0].words][:4] == ["SCHWEIZERISCHE", "EIDGENOSSENSCHAFT",
                                                         "Aufenthaltsbewilligung", "B"]
    stored = records.get_document("doc-1")
    assert stored is not None and "MÜLLER" not in stored.model_dump_json()


def test_classify_gives_the_fields_their_boxes() -> None:
    records, _, ocr, classify = pipeline()
    ocr.run(StageMessage(document_id="doc-1"))
    classified = classify.run(StageMessage(document_id="doc-1"))
    assert classified is not None
    surname = classified.fields["surname"]
    assert surname.value == "MÜLLER"
    (box,) = surname.boxes or []
    assert (box.page, box.left, box.width) == (1, 0.18, 0.12)
    assert abs(box.top - 0.29951) < 1e-4
    birth = classified.fields["birthDate"]
    assert birth.value == "1985-03-12" and (birth.boxes or [])[0].left == 0.314
    # stored with the record, so the API hands them out
    stored = records.get_document("doc-1")
    assert stored is not None and stored.fields["surname"].boxes == surname.boxes


def test_documents_read_before_word_boxes_existed_classify_without_boxes() -> None:
    records, _, ocr, classify = pipeline()
    done = ocr.run(StageMessage(document_id="doc-1"))
    assert done is not None
    records.save_document(done.model_copy(update={"words_key": None}), expected_status=None)
    classified = classify.run(StageMessage(document_id="doc-1"))
    assert classified is not None and classified.fields["surname"].boxes is None
    assert "boxes" not in classified.fields["surname"].model_dump(by_alias=True)
