"""Word boxes from both OCR engines: the same page-relative shape, clipped to the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eakte.adapters.tesseract import _page_blocks, _response, parse_tsv
from eakte.errors import OcrFailedError
from eakte.logic.ocr_words import OcrWords, dumps, loads, normalised_box, parse_words

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "textract"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_textract_async_result_pages_give_word_boxes_per_page() -> None:
    words = parse_words([fixture("get_document_text_detection_1.json"),
                         fixture("get_document_text_detection_2.json")], "textract")
    assert [p.page for p in words.pages] == [1, 2]
    first = words.pages[0].lines[0][0]
    assert first.text == "Migrationsamt"
    assert (first.left, first.top, first.width, first.height) == pytest.approx((0.12, 0.08042, 0.117, 0.014))
    assert 0.9 < first.confidence <= 1.0  # Textract's 0..100 as 0..1
    assert [[w.text for w in line] for line in words.pages[1].lines][:2] == [
        ["Rechtsmittelbelehrung"], ["Gegen", "diese", "Verfügung", "kann", "innert", "30", "Tagen"]]
    assert words.engine == "textract"


def test_textract_sync_image_words_keep_their_lines() -> None:
    words = parse_words([fixture("detect_document_text_image.json")])
    lines = [[w.text for w in line] for line in words.pages[0].lines]
    assert ["Name", "MÜLLER"] in lines
    muller = next(w for w in words.pages[0].words if w.text == "MÜLLER")
    assert (muller.left, muller.top, muller.width) == pytest.approx((0.18, 0.29951, 0.12))


def test_tesseract_pixel_boxes_become_page_relative() -> None:
    tsv = "\n".join([
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t2000\t1000\t-1\t",
        "5\t1\t1\t1\t1\t1\t200\t100\t400\t50\t96.5\tName",
        "5\t1\t1\t1\t1\t2\t700\t100\t300\t50\t91\tMüller",
        "5\t1\t1\t1\t2\t1\t200\t300\t600\t50\t88\t12.03.1985",
    ])
    size, lines = parse_tsv(tsv)
    assert size is not None
    words = parse_words([_response([_page_blocks(1, size, lines)], "5")], "tesseract")
    boxes = [[(w.text, w.left, w.top, w.width, w.height) for w in line] for line in words.pages[0].lines]
    assert boxes == [
        [("Name", 0.1, 0.1, 0.2, 0.05), ("Müller", 0.35, 0.1, 0.15, 0.05)],
        [("12.03.1985", 0.1, 0.3, 0.3, 0.05)],
    ]
    assert words.pages[0].lines[0][0].confidence == pytest.approx(0.965)


def test_both_engines_give_the_same_shape_for_the_same_page() -> None:
    textract = parse_words([fixture("detect_document_text_image.json")])
    page = textract.pages[0]
    # the same words as tesseract would report them on a 1000x1000 pixel page
    tsv_rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
                "1\t1\t0\t0\t0\t0\t0\t0\t1000\t1000\t-1\t"]
    for n, line in enumerate(page.lines, start=1):
        for m, w in enumerate(line, start=1):
            tsv_rows.append(f"5\t1\t1\t1\t{n}\t{m}\t{round(w.left * 1000)}\t{round(w.top * 1000)}\t"
                            f"{round(w.width * 1000)}\t{round(w.height * 1000)}\t{w.confidence * 100}\t{w.text}")
    size, lines = parse_tsv("\n".join(tsv_rows))
    assert size is not None
    tesseract = parse_words([_response([_page_blocks(1, size, lines)], "5")])
    for a, b in zip(textract.pages[0].words, tesseract.pages[0].words, strict=True):
        assert a.text == b.text
        assert (a.left, a.top, a.width, a.height) == pytest.approx((b.left, b.top, b.width, b.height), abs=6e-4)


def test_boxes_outside_the_page_are_clipped() -> None:
    assert normalised_box(-0.01, 0.5, 0.2, 0.6) == (0.0, 0.5, 0.19, 0.5)
    assert normalised_box(1.2, 0.1, 0.1, -0.1) == (1.0, 0.1, 0.0, 0.0)
    blocks = fixture("detect_document_text_image.json")
    word = next(b for b in blocks["Blocks"] if b["BlockType"] == "WORD")
    word["Geometry"]["BoundingBox"] = {"Left": -0.002, "Top": 0.99, "Width": 0.1, "Height": 0.05}
    box = next(w for w in parse_words([blocks]).pages[0].words if w.text == word["Text"])
    assert (box.left, box.top, box.width, box.height) == pytest.approx((0.0, 0.99, 0.098, 0.01))


def test_pages_without_words_stay_in_place() -> None:
    response = fixture("get_document_text_detection_2.json")
    response["DocumentMetadata"] = {"Pages": 3}
    words = parse_words([fixture("get_document_text_detection_1.json"), response])
    assert [p.page for p in words.pages] == [1, 2, 3]
    assert words.pages[2].lines == []


def test_storage_form_round_trips_and_is_compact() -> None:
    words = parse_words([fixture("get_document_text_detection_1.json"),
                         fixture("get_document_text_detection_2.json")], "textract")
    data = dumps(words)
    assert loads(data) == words
    assert len(data) < 60 * words.word_count  # a word costs its text and five numbers
    with pytest.raises(ValueError, match="version"):
        loads(b'{"version": 99, "pages": []}')


def test_malformed_responses_are_ocr_failures() -> None:
    with pytest.raises(OcrFailedError):
        parse_words([{"Blocks": [{"BlockType": "LINE", "Id": "x"}]}])
    assert parse_words([]) == OcrWords()
