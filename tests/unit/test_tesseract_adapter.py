"""TesseractOcrEngine against the real tesseract and pdftoppm binaries (installed by the Makefile).

Not skipped when the binaries are missing: then these tests fail, on purpose.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from eakte.adapters.memory import MemoryObjectStore
from eakte.adapters.tesseract import TesseractOcrEngine, TesseractUnavailableError, parse_tsv
from eakte.errors import OcrFailedError
from eakte.logic.ocr_text import ocr_text_from_result
from eakte.models.document import MediaType
from eakte.ports import ObjectRef, OcrResult

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DPI = 300
REF = ObjectRef("archive", "originals/doc-1/original", "v1")


def store_with(data: bytes | None = None) -> MemoryObjectStore:
    """The in-memory object store of the domain's unit tests, holding one scan at REF."""
    store = MemoryObjectStore()
    if data is not None:
        store.put(REF, data, "application/octet-stream")
    return store


def render(lines: list[str], size_pt: int = 14) -> Image.Image:
    """Black text on white at 300 dpi: 14 pt is ~58 px high, a typical letter's body text."""
    font = ImageFont.truetype(FONT, round(size_pt * DPI / 72))
    line_h = round(font.size * 1.6)
    image = Image.new("L", (2000, 120 + line_h * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((100, 60 + i * line_h), line, font=font, fill=0)
    return image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def recognize(data: bytes, media_type: MediaType) -> OcrResult:
    result = TesseractOcrEngine(store_with(data)).recognize(REF, media_type, "doc-1")
    assert isinstance(result, OcrResult)
    return result


def test_png_words_are_recognised_in_textract_shape() -> None:
    image = render(["Aufenthaltsbewilligung Müller", "Geburtsdatum 12.03.1985"])

    result = recognize(encode(image, "PNG", dpi=(DPI, DPI)), MediaType.PNG)

    assert result.engine == "tesseract"
    [response] = result.responses
    assert response["DocumentMetadata"] == {"Pages": 1}
    blocks = response["Blocks"]
    by_id = {b["Id"]: b for b in blocks}
    assert len(by_id) == len(blocks)
    page = blocks[0]
    assert page["BlockType"] == "PAGE" and page["Page"] == 1
    assert page["Geometry"]["BoundingBox"] == {"Width": 1.0, "Height": 1.0, "Left": 0.0, "Top": 0.0}
    lines = [by_id[i] for i in page["Relationships"][0]["Ids"]]
    assert [b["BlockType"] for b in lines] == ["LINE", "LINE"]
    words = [by_id[i] for i in lines[0]["Relationships"][0]["Ids"]]
    assert [w["Text"] for w in words] == ["Aufenthaltsbewilligung", "Müller"]
    for word in words:
        assert word["BlockType"] == "WORD" and word["TextType"] == "PRINTED" and word["Page"] == 1
        assert 0 < word["Confidence"] <= 100
        box = word["Geometry"]["BoundingBox"]
        assert 0 <= box["Left"] < box["Left"] + box["Width"] <= 1
        assert 0 <= box["Top"] < box["Top"] + box["Height"] <= 1
        assert len(word["Geometry"]["Polygon"]) == 4
    assert lines[0]["Text"] == "Aufenthaltsbewilligung Müller"
    assert lines[0]["Confidence"] == pytest.approx(sum(w["Confidence"] for w in words) / 2)
    # the first line sits above the second, both in the left part of the page
    assert lines[0]["Geometry"]["BoundingBox"]["Top"] < lines[1]["Geometry"]["BoundingBox"]["Top"]

    text = ocr_text_from_result(result)
    assert text.text.splitlines() == ["Aufenthaltsbewilligung Müller", "Geburtsdatum 12.03.1985"]
    assert all(line.confidence > 0.8 for line in text.lines)


def test_jpeg_without_resolution() -> None:
    image = render(["Staatssekretariat für Migration"]).convert("RGB")

    text = ocr_text_from_result(recognize(encode(image, "JPEG", quality=90), MediaType.JPEG))

    assert text.text == "Staatssekretariat für Migration"


def test_phone_photo_is_turned_upright_by_its_exif_orientation() -> None:
    upright = render(["Niederlassungsbewilligung C"]).convert("RGB")
    stored = upright.rotate(90, expand=True)  # the camera stores it on its side ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... and says "turn me 90 degrees clockwise"

    text = ocr_text_from_result(recognize(encode(stored, "JPEG", quality=90, exif=exif), MediaType.JPEG))

    assert text.text == "Niederlassungsbewilligung C"


def test_two_page_pdf_gives_two_pages_in_order() -> None:
    first = render(["Verfügung Familiennachzug"])
    second = render(["Rechtsmittelbelehrung Rekurs"])
    pdf = encode(first, "PDF", save_all=True, append_images=[second], resolution=DPI)

    result = recognize(pdf, MediaType.PDF)

    assert result.responses[0]["DocumentMetadata"] == {"Pages": 2}
    assert sorted({b["Page"] for b in result.responses[0]["Blocks"]}) == [1, 2]
    text = ocr_text_from_result(result)
    assert [p.number for p in text.pages] == [1, 2]
    assert text.page_texts == ["Verfügung Familiennachzug", "Rechtsmittelbelehrung Rekurs"]
    assert text.text.count("\f") == 1


def test_multi_page_tiff_is_split_into_pages() -> None:
    pages = [render(["Seite eins Zürich"]).convert("1"), render(["Seite zwei Lausanne"]).convert("1")]
    tiff = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="group4",
                  dpi=(DPI, DPI))

    text = ocr_text_from_result(recognize(tiff, MediaType.TIFF))

    assert text.page_texts == ["Seite eins Zürich", "Seite zwei Lausanne"]


def test_blank_page_gives_an_empty_page() -> None:
    blank = Image.new("L", (1000, 800), 255)

    result = recognize(encode(blank, "PNG", dpi=(DPI, DPI)), MediaType.PNG)

    assert [b["BlockType"] for b in result.responses[0]["Blocks"]] == ["PAGE"]
    text = ocr_text_from_result(result)
    assert text.page_texts == [""]


def test_unreadable_scan_is_an_ocr_failure() -> None:
    with pytest.raises(OcrFailedError, match="unreadable image"):
        recognize(b"\x89PNG\r\n\x1a\n but not really", MediaType.PNG)
    with pytest.raises(OcrFailedError, match="pdfinfo failed"):
        recognize(b"%PDF-1.7\n broken beyond repair", MediaType.PDF)
    with pytest.raises(OcrFailedError, match="cannot read"):
        recognize(b"<xml/>", MediaType.XML)


def test_missing_tools_or_languages_are_a_deployment_error(monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_with(encode(render(["Test"]), "PNG"))
    with pytest.raises(TesseractUnavailableError, match="language data missing: xyz"):
        TesseractOcrEngine(store, languages="deu+xyz").recognize(REF, MediaType.PNG, "doc-1")

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(TesseractUnavailableError, match="tesseract, pdftoppm, pdfinfo not found"):
        TesseractOcrEngine(store).recognize(REF, MediaType.PDF, "doc-1")
    assert not issubclass(TesseractUnavailableError, OcrFailedError)


def test_job_result_is_not_for_a_synchronous_engine() -> None:
    with pytest.raises(ValueError, match="synchronous"):
        TesseractOcrEngine(store_with()).job_result("job-1")


def test_parse_tsv_groups_words_into_lines() -> None:
    tsv = "\n".join([
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t2000\t1000\t-1\t",
        "4\t1\t1\t1\t1\t0\t100\t60\t900\t70\t-1\t",
        "5\t1\t1\t1\t1\t1\t100\t60\t500\t70\t96.5\tName",
        "5\t1\t1\t1\t1\t2\t650\t60\t350\t70\t91.25\t\"Müller\"",
        "5\t1\t1\t1\t1\t3\t1010\t60\t5\t70\t-1\t ",
        "5\t1\t2\t1\t1\t1\t100\t300\t200\t60\t88\tAnna",
    ])

    size, lines = parse_tsv(tsv)

    assert size == (2000, 1000)
    assert [[w.text for w in line] for line in lines] == [["Name", '"Müller"'], ["Anna"]]
    assert lines[0][1].confidence == 91.25
