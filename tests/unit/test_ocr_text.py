"""eakte.logic.ocr_text: Textract-shaped responses -> text per page, through textract-trp."""

from __future__ import annotations

from typing import Any

import pytest

from eakte.errors import OcrFailedError
from eakte.logic.ocr_text import OcrText, ocr_text_from_result, parse_ocr
from eakte.ports import OcrResult


def _geometry(left: float, top: float, width: float, height: float) -> dict[str, Any]:
    return {
        "BoundingBox": {"Width": width, "Height": height, "Left": left, "Top": top},
        "Polygon": [{"X": left, "Y": top}, {"X": left + width, "Y": top},
                    {"X": left + width, "Y": top + height}, {"X": left, "Y": top + height}],
    }


def _page(number: int, lines: list[tuple[str, float]], *, with_page: bool = True) -> list[dict[str, Any]]:
    """PAGE, LINE..., WORD... of one page, in Textract's order."""
    page_id = f"p{number}"
    line_blocks, word_blocks = [], []
    for i, (text, conf) in enumerate(lines):
        word_ids = []
        for j, word in enumerate(text.split()):
            word_id = f"p{number}-l{i}-w{j}"
            word_ids.append(word_id)
            word_blocks.append({"BlockType": "WORD", "Confidence": conf, "Text": word, "TextType": "PRINTED",
                                "Geometry": _geometry(0.1 + 0.1 * j, 0.1 * (i + 1), 0.08, 0.02),
                                "Id": word_id})
        line_blocks.append({"BlockType": "LINE", "Confidence": conf, "Text": text,
                            "Geometry": _geometry(0.1, 0.1 * (i + 1), 0.5, 0.02), "Id": f"p{number}-l{i}",
                            "Relationships": [{"Type": "CHILD", "Ids": word_ids}]})
    page = {"BlockType": "PAGE", "Geometry": _geometry(0, 0, 1, 1), "Id": page_id,
            "Relationships": [{"Type": "CHILD", "Ids": [b["Id"] for b in line_blocks]}]}
    blocks = [page, *line_blocks, *word_blocks]
    if with_page:
        for block in blocks:
            block["Page"] = number
    return blocks


def test_single_page_detect_document_text() -> None:
    response = {"DocumentMetadata": {"Pages": 1}, "DetectDocumentTextModelVersion": "1.0",
                "Blocks": _page(1, [("Aufenthaltsbewilligung B", 99.5), ("Name MÜLLER", 90.0)])}

    text = parse_ocr([response])

    assert [p.number for p in text.pages] == [1]
    assert text.text == "Aufenthaltsbewilligung B\nName MÜLLER"
    assert text.chars == len(text.text)
    assert text.page_texts == [text.text]
    first, second = text.pages[0].lines
    assert first.confidence == pytest.approx(0.995)
    assert second.confidence == pytest.approx(0.9)
    assert (first.bbox.left, first.bbox.top, first.bbox.width, first.bbox.height) == pytest.approx(
        (0.1, 0.1, 0.5, 0.02))


def test_sync_response_without_page_numbers_uses_block_order() -> None:
    response = {"DocumentMetadata": {"Pages": 1},
                "Blocks": _page(1, [("Geburtsdatum 12.03.1985", 98.0)], with_page=False)}

    assert parse_ocr([response]).text == "Geburtsdatum 12.03.1985"


def test_pages_split_across_result_pages_are_stitched() -> None:
    # GetDocumentTextDetection cuts at MaxResults, also in the middle of a page
    blocks = _page(1, [("Verfügung vom 3. Mai 2024", 99.0)]) + _page(2, [("Rechtsmittelbelehrung", 97.0),
                                                                         ("innert 30 Tagen", 96.0)])
    cut = 5  # page 1 complete, then page 2's PAGE block: its LINEs and WORDs follow in the next response
    responses = [
        {"DocumentMetadata": {"Pages": 2}, "JobStatus": "SUCCEEDED", "NextToken": "t1",
         "Blocks": blocks[:cut]},
        {"DocumentMetadata": {"Pages": 2}, "JobStatus": "SUCCEEDED", "Blocks": blocks[cut:]},
    ]

    text = parse_ocr(responses)

    assert [p.number for p in text.pages] == [1, 2]
    assert text.page_texts == ["Verfügung vom 3. Mai 2024", "Rechtsmittelbelehrung\ninnert 30 Tagen"]
    assert text.text == "Verfügung vom 3. Mai 2024\fRechtsmittelbelehrung\ninnert 30 Tagen"
    assert len(text.lines) == 3


def test_blocks_out_of_page_order_are_regrouped_by_page_number() -> None:
    page1, page2 = _page(1, [("erste Seite", 99.0)]), _page(2, [("zweite Seite", 99.0)])
    # page 2's blocks first, and a LINE before its PAGE block: trp alone would crash or mix pages
    response = {"DocumentMetadata": {"Pages": 2}, "Blocks": [page2[1], page2[0], *page2[2:], *page1]}

    assert parse_ocr([response]).page_texts == ["erste Seite", "zweite Seite"]


def test_pages_without_blocks_stay_as_empty_pages() -> None:
    # PARTIAL_SUCCESS: page 2 of 3 was not processed; page numbers must still line up
    response = {"DocumentMetadata": {"Pages": 3}, "JobStatus": "PARTIAL_SUCCESS",
                "Warnings": [{"ErrorCode": "PAGE_NOT_PROCESSED", "Pages": [2]}],
                "Blocks": _page(1, [("eins", 99.0)]) + _page(3, [("drei", 99.0)])}

    text = parse_ocr([response, {**response, "Blocks": []}])

    assert [p.number for p in text.pages] == [1, 2, 3]
    assert text.page_texts == ["eins", "", "drei"]
    assert text.text == "eins\f\fdrei"
    assert [(w.code, w.pages) for w in text.warnings] == [("PAGE_NOT_PROCESSED", [2])]  # deduplicated


def test_empty_page_and_empty_result() -> None:
    blank = {"DocumentMetadata": {"Pages": 1},
             "Blocks": [{"BlockType": "PAGE", "Geometry": _geometry(0, 0, 1, 1), "Id": "p1", "Page": 1}]}
    assert parse_ocr([blank]).page_texts == [""]
    assert parse_ocr([blank]).chars == 0
    assert parse_ocr([]) == OcrText()
    assert parse_ocr([{"DocumentMetadata": {"Pages": 0}, "Blocks": []}]).text == ""


def test_malformed_response_is_an_ocr_failure() -> None:
    blocks = _page(1, [("Name MÜLLER", 99.0)])
    del blocks[1]["Geometry"]  # a LINE without geometry
    with pytest.raises(OcrFailedError, match="malformed"):
        parse_ocr([{"Blocks": blocks}])

    unpaged = _page(1, [("kein PAGE-Block", 99.0)], with_page=False)
    lines_only = [b for b in unpaged if b["BlockType"] != "PAGE"]
    with pytest.raises(OcrFailedError, match="PAGE"):
        parse_ocr([{"Blocks": lines_only}])


def test_from_result_and_serialisation() -> None:
    result = OcrResult(responses=[{"DocumentMetadata": {"Pages": 1}, "Blocks": _page(1, [("Müller", 88.0)])}],
                       engine="tesseract")
    text = ocr_text_from_result(result)
    assert OcrText.model_validate_json(text.model_dump_json()) == text
