"""Per-page tesseract options: Sauvola local thresholding for unevenly lit photos only."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from eakte.adapters.memory import MemoryObjectStore
from eakte.adapters.ocr_preprocess import SAUVOLA, background_spread, page_options
from eakte.adapters.tesseract import TesseractOcrEngine
from eakte.logic.ocr_text import ocr_text_from_result
from eakte.models.document import MediaType
from eakte.ports import ObjectRef, OcrResult

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = ["Aufenthaltsbewilligung B", "Name: Tesfaye", "Vorname: Dawit", "Geburtsdatum: 01.06.1985",
         "Migrationsamt des Kantons Zürich"]


def _page() -> Image.Image:
    image = Image.new("L", (1240, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 28)
    for i, line in enumerate(LINES):
        draw.text((100, 100 + 60 * i), line, font=font, fill=0)
    return image


def _phone_photo(image: Image.Image) -> Image.Image:
    """A lamp at one side: the paper goes from white to mid grey across the page."""
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    gradient = Image.linear_gradient("L").rotate(90).resize(image.size)
    return ImageChops.multiply(image, gradient.point(lambda v: 120 + v * 135 // 255))


def test_evenly_lit_scan_keeps_the_default_threshold(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    _page().save(path)
    assert background_spread(_page()) < 5
    assert page_options(path) == []


def test_bilevel_scan_keeps_the_default_threshold(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    _page().convert("1").save(path)
    assert page_options(path) == []


def test_unevenly_lit_photo_gets_local_thresholding(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    _phone_photo(_page()).convert("RGB").save(path, "JPEG", quality=50)
    assert page_options(path) == SAUVOLA


def test_unreadable_file_gets_no_options(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"not an image")
    assert page_options(path) == []


def test_the_engine_reads_an_unevenly_lit_photo() -> None:
    buf = io.BytesIO()
    _phone_photo(_page()).convert("RGB").save(buf, "JPEG", quality=50)
    store = MemoryObjectStore()
    ref = ObjectRef("archive", "originals/doc-1/original")
    store.put(ref, buf.getvalue(), "image/jpeg")
    result = TesseractOcrEngine(store, dpi=150).recognize(ref, MediaType.JPEG, "doc-1")
    assert isinstance(result, OcrResult)
    text = ocr_text_from_result(result).text
    assert "Tesfaye" in text and "01.06.1985" in text, text
