"""Word boxes of a scan, per page and line, parsed from Textract-shaped responses.

Both OCR engines end here: Textract's own blocks and the Tesseract adapter's blocks (built from
its TSV with pixel boxes divided by the page size) go through the same textract-trp parse as the
text (`logic.ocr_text`), so a word box means the same for both: a rectangle relative to the
rendered page, 0..1 from its top-left corner. The OCR stage stores them as a derived JSON object
next to the raw OCR (not in the DynamoDB item: a page holds hundreds of words), and the classify
stage uses them to place extracted fields on the page (`recognition.geometry`). Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import trp
from pydantic import BaseModel, ConfigDict, Field

from eakte.errors import OcrFailedError
from eakte.logic.ocr_text import _declared_pages, _ordered_blocks

FORMAT_VERSION = 1
_DIGITS = 5  # 1/100,000 of a page: far below a pixel at any scan resolution


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class WordBox(_Frozen):
    text: str
    left: float = Field(ge=0, le=1)
    top: float = Field(ge=0, le=1)
    width: float = Field(ge=0, le=1)
    height: float = Field(ge=0, le=1)
    confidence: float = Field(default=1.0, ge=0, le=1)

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


class PageWords(_Frozen):
    page: int = Field(ge=1)
    lines: list[list[WordBox]] = Field(default_factory=list)  # reading order, words left to right

    @property
    def words(self) -> list[WordBox]:
        return [word for line in self.lines for word in line]


class OcrWords(_Frozen):
    engine: str = ""
    pages: list[PageWords] = Field(default_factory=list)

    def page(self, number: int) -> PageWords | None:
        return next((p for p in self.pages if p.page == number), None)

    @property
    def word_count(self) -> int:
        return sum(len(p.words) for p in self.pages)


def normalised_box(left: float, top: float, width: float, height: float) -> tuple[float, float, float, float]:
    """A box clipped to the page (Textract reports slightly negative or >1 values at the edges)
    and rounded, as (left, top, width, height) in 0..1."""
    x0 = min(max(float(left), 0.0), 1.0)
    y0 = min(max(float(top), 0.0), 1.0)
    x1 = min(max(float(left) + max(float(width), 0.0), x0), 1.0)
    y1 = min(max(float(top) + max(float(height), 0.0), y0), 1.0)
    return round(x0, _DIGITS), round(y0, _DIGITS), round(x1 - x0, _DIGITS), round(y1 - y0, _DIGITS)


def parse_words(responses: Sequence[Mapping[str, Any]], engine: str = "") -> OcrWords:
    """Word boxes of all pages of DetectDocumentText / GetDocumentTextDetection responses (or
    the Tesseract adapter's equivalent). Raises OcrFailedError when the responses are malformed."""
    blocks = _ordered_blocks(responses)
    declared = max((_declared_pages(r) for r in responses), default=0)
    parsed: dict[int, list[list[WordBox]]] = {}
    if blocks:
        try:
            document = trp.Document([{"Blocks": blocks}])
            numbers = [b.get("Page") for b in blocks if b["BlockType"] == "PAGE"]
            for index, (page, number) in enumerate(zip(document.pages, numbers, strict=True), start=1):
                n = number if isinstance(number, int) and number >= 1 else index
                lines = [words for line in page.lines if (words := [_word(w) for w in line.words])]
                parsed[n] = parsed.get(n, []) + lines
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise OcrFailedError(f"malformed OCR response: {type(exc).__name__}: {exc}") from exc
    count = max([declared, *parsed.keys()])
    return OcrWords(engine=engine, pages=[PageWords(page=n, lines=parsed.get(n, [])) for n in range(1, count + 1)])


def _word(word: trp.Word) -> WordBox:
    box = word.geometry.boundingBox
    left, top, width, height = normalised_box(box.left, box.top, box.width, box.height)
    confidence = min(max(float(word.confidence) / 100.0, 0.0), 1.0)
    return WordBox(text=word.text, left=left, top=top, width=width, height=height,
                   confidence=round(confidence, 3))


# -- storage form: compact JSON, one array per word ---------------------------------------------


def dumps(words: OcrWords) -> bytes:
    pages = [{"page": p.page, "lines": [[[w.text, w.left, w.top, w.width, w.height, w.confidence]
                                          for w in line] for line in p.lines]} for p in words.pages]
    return json.dumps({"version": FORMAT_VERSION, "engine": words.engine, "pages": pages},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> OcrWords:
    body = json.loads(data)
    if not isinstance(body, dict) or body.get("version") != FORMAT_VERSION:
        raise ValueError("not a word-box document of version 1")
    pages = [
        PageWords(page=p["page"], lines=[
            [WordBox(text=t, left=x, top=y, width=w, height=h, confidence=c) for t, x, y, w, h, c in line]
            for line in p["lines"]
        ])
        for p in body["pages"]
    ]
    return OcrWords(engine=str(body.get("engine", "")), pages=pages)
