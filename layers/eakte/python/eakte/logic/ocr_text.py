"""Text of a scan, parsed from Textract-shaped responses.

This is the one parsing path for every OCR engine: Textract returns these responses and the
Tesseract adapter emits the same shape, and both go through textract-trp here. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import trp
from pydantic import BaseModel, ConfigDict, Field

from eakte.errors import OcrFailedError
from eakte.ports import OcrResult

PAGE_SEPARATOR = "\f"
LINE_SEPARATOR = "\n"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class BBox(_Frozen):
    """Box relative to the page (0..1), as Textract reports it."""

    left: float
    top: float
    width: float
    height: float


class Line(_Frozen):
    text: str
    confidence: float = Field(ge=0, le=1)  # 0..1 like ExtractedField; Textract reports 0..100
    bbox: BBox


class PageText(_Frozen):
    number: int = Field(ge=1)
    lines: list[Line] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return LINE_SEPARATOR.join(line.text for line in self.lines)


class OcrWarning(_Frozen):
    """A Textract warning (e.g. with JobStatus PARTIAL_SUCCESS): some pages were not read."""

    code: str
    pages: list[int] = Field(default_factory=list)


class OcrText(_Frozen):
    pages: list[PageText] = Field(default_factory=list)
    warnings: list[OcrWarning] = Field(default_factory=list)

    @property
    def page_texts(self) -> list[str]:
        return [page.text for page in self.pages]

    @property
    def text(self) -> str:
        """Pages joined by form feed, lines by newline: page i is text.split("\\f")[i - 1]."""
        return PAGE_SEPARATOR.join(self.page_texts)

    @property
    def chars(self) -> int:
        return len(self.text)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]


def ocr_text_from_result(result: OcrResult) -> OcrText:
    return parse_ocr(result.responses)


def parse_ocr(responses: Sequence[Mapping[str, Any]]) -> OcrText:
    """Parse DetectDocumentText / GetDocumentTextDetection responses (all result pages of one
    job, in order) into text per page. Raises OcrFailedError when the responses are malformed."""
    blocks = _ordered_blocks(responses)
    declared_pages = max((_declared_pages(r) for r in responses), default=0)
    try:
        document = trp.Document([{"Blocks": blocks}]) if blocks else None
        parsed = _pages(document, blocks) if document is not None else {}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # trp indexes blocks without checks; a missing key means a broken response
        raise OcrFailedError(f"malformed OCR response: {type(exc).__name__}: {exc}") from exc

    # Pages without any block (not processed, or blank with no PAGE block) stay as empty pages
    # so that page numbers and the "\f" separators line up with the scanned document.
    page_count = max([declared_pages, *parsed.keys()])
    pages = [parsed.get(n) or PageText(number=n) for n in range(1, page_count + 1)]
    return OcrText(pages=pages, warnings=list(_warnings(responses)))


def _declared_pages(response: Mapping[str, Any]) -> int:
    metadata = response.get("DocumentMetadata") or {}
    pages = metadata.get("Pages", 0)
    return pages if isinstance(pages, int) and pages > 0 else 0


def _ordered_blocks(responses: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """All blocks, grouped by page with the PAGE block first.

    trp assigns blocks to the PAGE block that precedes them in the stream and crashes when the
    stream does not start with one, so order defensively by the blocks' `Page` numbers (stable,
    keeping Textract's reading order). Blocks without `Page` (older sync responses) keep their
    position; trp's grouping by order is then the only source of page membership.
    """
    blocks = [b for r in responses for b in (r.get("Blocks") or []) if "Id" in b and "BlockType" in b]
    if blocks and all(isinstance(b.get("Page"), int) for b in blocks):
        blocks.sort(key=lambda b: (b["Page"], b["BlockType"] != "PAGE"))
    if blocks and blocks[0]["BlockType"] != "PAGE":
        raise OcrFailedError("malformed OCR response: blocks do not start with a PAGE block")
    return blocks


def _pages(document: trp.Document, blocks: Iterable[Mapping[str, Any]]) -> dict[int, PageText]:
    page_numbers = [b.get("Page") for b in blocks if b["BlockType"] == "PAGE"]
    out: dict[int, PageText] = {}
    for index, (page, declared) in enumerate(zip(document.pages, page_numbers, strict=True), start=1):
        number = declared if isinstance(declared, int) and declared >= 1 else index
        lines = [_line(line) for line in page.lines]
        if number in out:  # the same page split across PAGE blocks: keep reading order
            lines = out[number].lines + lines
        out[number] = PageText(number=number, lines=lines)
    return out


def _line(line: trp.Line) -> Line:
    box = line.geometry.boundingBox
    return Line(
        text=line.text,
        confidence=min(max(float(line.confidence) / 100.0, 0.0), 1.0),
        bbox=BBox(left=box.left, top=box.top, width=box.width, height=box.height),
    )


def _warnings(responses: Sequence[Mapping[str, Any]]) -> Iterable[OcrWarning]:
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for response in responses:
        for warning in response.get("Warnings") or []:
            key = (str(warning.get("ErrorCode", "UNKNOWN")), tuple(warning.get("Pages") or ()))
            if key not in seen:  # every result page of a job repeats the job's warnings
                seen.add(key)
                yield OcrWarning(code=key[0], pages=list(key[1]))
