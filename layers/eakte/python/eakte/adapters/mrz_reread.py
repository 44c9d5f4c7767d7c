"""Second OCR pass over a noisy MRZ band (Tesseract), with the MRZ character set only.

The first pass reads a page with the document languages; in the machine-readable zone that
yields 'e' or 'c' for '<', spaces inside the lines, 'O' for '0'. When the lines that look like an
MRZ do not parse with every check digit passing, the band they occupy is cropped and read again
with `-c tessedit_char_whitelist=A-Z0-9<` (page segmentation: a block of text). The re-read
replaces the first reading only when its check digits pass better: ICAO 9303 check digits, not
OCR confidence, decide which reading is right.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from PIL import Image

from eakte.recognition.mrz import MrzResult, parse_mrz

WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
PAD_PX = 12
_MRZ_ISH = re.compile(r"^[A-Z0-9<«ceK]{20,}$")


class Word(Protocol):
    """A word the OCR read and where (read-only: the engines' words are frozen)."""

    @property
    def text(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def left(self) -> int: ...
    @property
    def top(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


W = TypeVar("W", bound=Word)  # the caller's word type: what it passes in, it gets back


def _joined(line: Sequence[Word]) -> str:
    return "".join(w.text for w in line)


def _mrz_lines(lines: Sequence[Sequence[Word]]) -> list[int]:
    """Indices of consecutive lines that look like an MRZ (2 or 3 lines, many fillers)."""
    found = [i for i, line in enumerate(lines) if _MRZ_ISH.match(_joined(line)) and _joined(line).count("<") >= 2]
    if len(found) < 2:
        return []
    run = [found[-1]]
    for i in reversed(found[:-1]):  # the MRZ is the last block of a page
        if i == run[0] - 1 and len(run) < 3:
            run.insert(0, i)
    return run if len(run) >= 2 else []


def _passed(result: MrzResult | None) -> int:
    return -1 if result is None else sum(result.checks.values()) - (0 if result.valid else 1)


def reread_noisy_mrz(lines: list[list[W]], image_path: Path,
                     ocr_band: Callable[[Path, tuple[int, int]], list[list[W]]],
                     ) -> tuple[list[list[W]], MrzResult | None]:
    """`lines` with the MRZ lines replaced by a restricted-charset re-read when that reading's
    check digits pass better; also returns the MRZ of the kept reading (None: no MRZ seen).
    `ocr_band(crop_path, (left, top))` OCRs the cropped band and returns its words in page
    coordinates (the crop's offset added)."""
    band = _mrz_lines(lines)
    if not band:
        return lines, None
    first = parse_mrz([_joined(lines[i]) for i in band])
    if first is not None and first.valid:
        return lines, first
    words = [w for i in band for w in lines[i]]
    left = max(min(w.left for w in words) - PAD_PX, 0)
    top = max(min(w.top for w in words) - PAD_PX, 0)
    right = max(w.left + w.width for w in words) + PAD_PX
    bottom = max(w.top + w.height for w in words) + PAD_PX
    crop_path = image_path.with_name(image_path.stem + "-mrz.png")
    with Image.open(image_path) as img:
        img.crop((left, top, min(right, img.width), min(bottom, img.height))).save(crop_path)
    try:
        reread = [line for line in ocr_band(crop_path, (left, top)) if _joined(line)]
    finally:
        crop_path.unlink(missing_ok=True)
    second = parse_mrz([_joined(line) for line in reread]) if len(reread) in (2, 3) else None
    if _passed(second) <= _passed(first):
        return lines, first
    return lines[:band[0]] + reread + lines[band[-1] + 1:], second
