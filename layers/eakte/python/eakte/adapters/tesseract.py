"""Local OCR with Tesseract, emitting Textract-shaped responses.

The output has the shape of a DetectDocumentText / GetDocumentTextDetection response (PAGE,
LINE and WORD blocks with normalised geometry), so `eakte.logic.ocr_text` parses both engines
the same way. Needs the `tesseract` binary with its language data and, for PDFs, poppler's
`pdftoppm` and `pdfinfo`.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from eakte.adapters.mrz_reread import WHITELIST as MRZ_WHITELIST
from eakte.adapters.mrz_reread import reread_noisy_mrz
from eakte.adapters.ocr_preprocess import page_options
from eakte.errors import OcrFailedError
from eakte.models.document import MediaType
from eakte.ports import ObjectRef, ObjectStore, OcrEngine, OcrJob, OcrResult
from eakte.settings import MAX_IMAGE_PIXELS, MAX_PAGES, MAX_SCAN_BYTES

log = logging.getLogger(__name__)

ENGINE = "tesseract"
DEFAULT_LANGUAGES = "deu+fra+ita+eng"
DEFAULT_DPI = 300
MAX_WORKERS = 2  # each tesseract process is pinned to one thread (OMP_THREAD_LIMIT=1)
_TSV_COLUMNS = 12
_WORD_LEVEL = 5
_PAGE_LEVEL = 1
_EXIF_ORIENTATION = 0x0112
_PAGES_RE = re.compile(r"^Pages:\s+(\d+)\s*$", re.MULTILINE)
_VERSION_RE = re.compile(r"tesseract\s+v?(\S+)")


class TesseractUnavailableError(RuntimeError):
    """The OCR tools or language data are not installed: a broken deployment, neither a bad
    document (OcrFailedError) nor a passing fault, hence deliberately not an EakteError."""


@dataclass(frozen=True)
class _Word:
    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int


@dataclass
class _PageImage:
    number: int
    path: Path
    dpi: int
    # Writes `path` right before its OCR and returns the resolution to tell tesseract, so that
    # /tmp holds only the pages in flight and rendering runs in the worker threads too.
    prepare: Callable[[], int] | None = None


class TesseractOcrEngine(OcrEngine):
    """Synchronous OCR: `recognize` always returns an OcrResult, never an OcrJob."""

    def __init__(
        self,
        store: ObjectStore,
        languages: str = DEFAULT_LANGUAGES,
        dpi: int = DEFAULT_DPI,
        *,
        page_timeout_s: float = 120.0,
        render_timeout_s: float = 120.0,
        max_workers: int = MAX_WORKERS,
        max_bytes: int = MAX_SCAN_BYTES,
    ) -> None:
        if not re.fullmatch(r"[A-Za-z_]+(\+[A-Za-z_]+)*", languages):
            raise ValueError(f"invalid tesseract languages {languages!r}, expected e.g. 'deu+eng'")
        self._store = store
        self._languages = languages
        self._dpi = dpi
        self._page_timeout_s = page_timeout_s
        self._render_timeout_s = render_timeout_s
        self._max_workers = max(1, min(max_workers, MAX_WORKERS))
        self._max_bytes = max_bytes
        self._version: str | None = None
        self._env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    # -- OcrEngine ---------------------------------------------------------------------------

    def recognize(self, ref: ObjectRef, media_type: MediaType, document_id: str) -> OcrResult | OcrJob:
        media_type = MediaType(media_type)
        if media_type not in (MediaType.PDF, MediaType.TIFF, MediaType.JPEG, MediaType.PNG):
            raise OcrFailedError(f"tesseract cannot read {media_type.value}")
        self._check_tools(pdf=media_type is MediaType.PDF)
        data = self._store.read(ref, max_bytes=self._max_bytes)
        if not data:
            raise OcrFailedError("the scan is empty")
        with tempfile.TemporaryDirectory(prefix="eakte-ocr-") as tmp:
            workdir = Path(tmp)
            if media_type is MediaType.PDF:
                images = self._pdf_pages(data, workdir)
            elif media_type is MediaType.TIFF:
                images = self._tiff_pages(data, workdir)
            else:
                images = [self._single_image(data, media_type, workdir)]
            pages = self._ocr_pages(images)
        response = _response(pages, self._version or "unknown")
        log.info("tesseract read %s: %d pages, %d blocks", document_id, len(pages),
                 len(response["Blocks"]))
        return OcrResult(responses=[response], engine=ENGINE)

    def job_result(self, job_id: str) -> OcrResult:
        raise ValueError(
            "tesseract is synchronous: recognize() returns the OcrResult directly and there are "
            f"no jobs to fetch (asked for job {job_id!r})"
        )

    # -- tools -------------------------------------------------------------------------------

    def _check_tools(self, *, pdf: bool) -> None:
        """Fail fast, once per instance, when binaries or language data are missing."""
        needed = ["tesseract", *(["pdftoppm", "pdfinfo"] if pdf else [])]
        missing = [tool for tool in needed if shutil.which(tool) is None]
        if missing:
            raise TesseractUnavailableError(
                f"{', '.join(missing)} not found on PATH; install tesseract-ocr (with "
                f"tesseract-ocr-{{deu,fra,ita}}) and poppler-utils"
            )
        if self._version is not None:
            return
        try:
            langs = self._run(["tesseract", "--list-langs"], timeout=30, what="tesseract --list-langs")
            version = self._run(["tesseract", "--version"], timeout=30, what="tesseract --version")
        except OcrFailedError as exc:  # the tool is broken, not the document
            raise TesseractUnavailableError(str(exc)) from exc
        available = set(langs.stdout.decode("utf-8", "replace").split())
        absent = [lang for lang in self._languages.split("+") if lang not in available]
        if absent:
            raise TesseractUnavailableError(
                f"tesseract language data missing: {', '.join(absent)} (have {sorted(available)})"
            )
        match = _VERSION_RE.search(version.stdout.decode("utf-8", "replace"))
        self._version = match.group(1) if match else "unknown"

    def _run(self, cmd: list[str], timeout: float, what: str) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, env=self._env, check=False)
        except FileNotFoundError as exc:
            raise TesseractUnavailableError(f"{cmd[0]} not found: {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            # a page that takes this long will take as long on the next attempt
            raise OcrFailedError(f"{what} timed out after {timeout:.0f}s") from exc
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip()
            raise OcrFailedError(f"{what} failed (exit {done.returncode}): {stderr[-500:]}")
        return done

    # -- rasterising -------------------------------------------------------------------------

    def _pdf_pages(self, data: bytes, workdir: Path) -> list[_PageImage]:
        pdf = workdir / "scan.pdf"
        pdf.write_bytes(data)
        info = self._run(["pdfinfo", str(pdf)], timeout=self._render_timeout_s, what="pdfinfo")
        match = _PAGES_RE.search(info.stdout.decode("utf-8", "replace"))
        count = int(match.group(1)) if match else 0
        if count < 1:
            raise OcrFailedError("the PDF has no pages")
        if count > MAX_PAGES:
            raise OcrFailedError(f"the PDF has {count} pages, more than {MAX_PAGES}")

        def render(number: int, target: Path) -> Callable[[], int]:
            # PGM rather than -png: poppler 22 ignores -gray for PNG (writes RGB) and spends
            # ~2.5 s per A4 page in zlib; a PGM is written in ~0.15 s and tesseract reads it as is.
            def _render() -> int:
                self._run(
                    ["pdftoppm", "-r", str(self._dpi), "-gray", "-f", str(number),
                     "-l", str(number), "-singlefile", str(pdf), str(target.with_suffix(""))],
                    timeout=self._render_timeout_s, what=f"pdftoppm page {number}",
                )
                return self._dpi
            return _render

        pages = []
        for number in range(1, count + 1):
            path = workdir / f"page-{number:04d}.pgm"
            pages.append(_PageImage(number, path, self._dpi, prepare=render(number, path)))
        return pages

    def _tiff_pages(self, data: bytes, workdir: Path) -> list[_PageImage]:
        with _open_image(data) as image:
            try:
                count = int(getattr(image, "n_frames", 1))
            except (OSError, ValueError, EOFError, SyntaxError) as exc:
                raise OcrFailedError(f"unreadable TIFF: {exc}") from exc
        if count < 1:
            raise OcrFailedError("the TIFF has no pages")
        if count > MAX_PAGES:
            raise OcrFailedError(f"the TIFF has {count} pages, more than {MAX_PAGES}")

        def split(number: int, target: Path) -> Callable[[], int]:
            # each page opens its own Image: Pillow images are not safe to seek from two threads
            def _split() -> int:
                with _open_image(data) as image:
                    try:
                        image.seek(number - 1)
                        _check_pixels(image)
                        _ocr_ready(image).save(target, "PNG", compress_level=1)  # fast, still small
                    except (OSError, ValueError, EOFError, SyntaxError) as exc:
                        raise OcrFailedError(f"unreadable TIFF page {number}: {exc}") from exc
                    return _image_dpi(image, self._dpi)
            return _split

        pages = []
        for number in range(1, count + 1):
            path = workdir / f"page-{number:04d}.png"
            pages.append(_PageImage(number, path, self._dpi, prepare=split(number, path)))
        return pages

    def _single_image(self, data: bytes, media_type: MediaType, workdir: Path) -> _PageImage:
        with _open_image(data) as image:
            _check_pixels(image)
            dpi = _image_dpi(image, self._dpi)
            try:
                rotated = image.getexif().get(_EXIF_ORIENTATION, 1) not in (1, None)
                if rotated:  # phone photos carry EXIF rotation, which tesseract ignores
                    path = workdir / "page-0001.png"
                    _ocr_ready(ImageOps.exif_transpose(image)).save(path, "PNG")
                    return _PageImage(1, path, dpi)
            except (OSError, ValueError, SyntaxError) as exc:
                raise OcrFailedError(f"unreadable image: {exc}") from exc
        path = workdir / ("page-0001.jpg" if media_type is MediaType.JPEG else "page-0001.png")
        path.write_bytes(data)  # as is: no re-encoding
        return _PageImage(1, path, dpi)

    # -- OCR ---------------------------------------------------------------------------------

    def _ocr_pages(self, images: list[_PageImage]) -> list[list[dict[str, Any]]]:
        if len(images) == 1 or self._max_workers == 1:
            return [self._ocr_page(image) for image in images]
        with ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="tesseract") as pool:
            futures: list[Future[list[dict[str, Any]]]] = [pool.submit(self._ocr_page, i) for i in images]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()  # do not start the remaining pages after a failure
                raise

    def _ocr_page(self, image: _PageImage) -> list[dict[str, Any]]:
        dpi = image.prepare() if image.prepare is not None else image.dpi
        done = self._run(
            ["tesseract", str(image.path), "stdout", "--dpi", str(dpi), "-l", self._languages,
             *page_options(image.path), "tsv"],  # unevenly lit photos: local thresholding
            timeout=self._page_timeout_s, what=f"tesseract page {image.number}",
        )
        size, lines = parse_tsv(done.stdout.decode("utf-8", "replace"))
        if size is not None:  # a noisy MRZ is read again with the MRZ character set only
            lines, _ = reread_noisy_mrz(lines, image.path, self._ocr_mrz_band)
        if image.prepare is not None:
            image.path.unlink(missing_ok=True)
        if size is None:
            raise OcrFailedError(f"tesseract returned no page for page {image.number}")
        return _page_blocks(image.number, size, lines)

    def _ocr_mrz_band(self, crop: Path, offset: tuple[int, int]) -> list[list[_Word]]:
        done = self._run(["tesseract", str(crop), "stdout", "--psm", "6", "-l", "eng",
                          "-c", f"tessedit_char_whitelist={MRZ_WHITELIST}", "tsv"],
                         timeout=self._page_timeout_s, what="tesseract MRZ band")
        _, lines = parse_tsv(done.stdout.decode("utf-8", "replace"))
        return [[replace(w, left=w.left + offset[0], top=w.top + offset[1]) for w in line] for line in lines]


# -- TSV -> Textract blocks --------------------------------------------------------------------


def parse_tsv(tsv: str) -> tuple[tuple[int, int] | None, list[list[_Word]]]:
    """Page size in pixels and the words of each line, in tesseract's reading order."""
    size: tuple[int, int] | None = None
    lines: dict[tuple[int, int, int, int], list[_Word]] = {}
    for row in tsv.splitlines()[1:]:  # first row is the header
        cols = row.split("\t", _TSV_COLUMNS - 1)  # text is last and never contains a tab
        if len(cols) < _TSV_COLUMNS - 1:
            continue
        try:
            level, page, block, par, line, _word, left, top, width, height = (int(c) for c in cols[:10])
            conf = float(cols[10])
        except ValueError:
            continue
        text = cols[11].strip() if len(cols) == _TSV_COLUMNS else ""
        if level == _PAGE_LEVEL and size is None:
            size = (width, height)
        elif level == _WORD_LEVEL and text and conf >= 0:
            word = _Word(text, min(conf, 100.0), left, top, width, height)
            lines.setdefault((page, block, par, line), []).append(word)
    return size, list(lines.values())


def _page_blocks(number: int, size: tuple[int, int], lines: list[list[_Word]]) -> list[dict[str, Any]]:
    page_w, page_h = max(size[0], 1), max(size[1], 1)

    def geometry(left: int, top: int, width: int, height: int) -> dict[str, Any]:
        box = {"Width": width / page_w, "Height": height / page_h, "Left": left / page_w, "Top": top / page_h}
        right, bottom = box["Left"] + box["Width"], box["Top"] + box["Height"]
        return {
            "BoundingBox": box,
            "Polygon": [  # clockwise from top left, like Textract
                {"X": box["Left"], "Y": box["Top"]}, {"X": right, "Y": box["Top"]},
                {"X": right, "Y": bottom}, {"X": box["Left"], "Y": bottom},
            ],
        }

    line_blocks: list[dict[str, Any]] = []
    word_blocks: list[dict[str, Any]] = []
    for words in lines:
        ids = [str(uuid.uuid4()) for _ in words]
        for word_id, word in zip(ids, words, strict=True):
            word_blocks.append({
                "BlockType": "WORD", "Confidence": word.confidence, "Text": word.text,
                "TextType": "PRINTED",
                "Geometry": geometry(word.left, word.top, word.width, word.height),
                "Id": word_id, "Page": number,
            })
        left = min(w.left for w in words)
        top = min(w.top for w in words)
        right = max(w.left + w.width for w in words)
        bottom = max(w.top + w.height for w in words)
        line_blocks.append({
            "BlockType": "LINE",
            "Confidence": sum(w.confidence for w in words) / len(words),
            "Text": " ".join(w.text for w in words),
            "Geometry": geometry(left, top, right - left, bottom - top),
            "Id": str(uuid.uuid4()),
            "Relationships": [{"Type": "CHILD", "Ids": ids}],
            "Page": number,
        })
    page_block: dict[str, Any] = {
        "BlockType": "PAGE", "Geometry": geometry(0, 0, page_w, page_h),
        "Id": str(uuid.uuid4()), "Page": number,
    }
    if line_blocks:
        page_block["Relationships"] = [{"Type": "CHILD", "Ids": [b["Id"] for b in line_blocks]}]
    # Textract's order: the PAGE, then its LINEs, then their WORDs
    return [page_block, *line_blocks, *word_blocks]


def _response(pages: list[list[dict[str, Any]]], version: str) -> dict[str, Any]:
    return {
        "DocumentMetadata": {"Pages": len(pages)},
        "Blocks": [block for page in pages for block in page],
        "DetectDocumentTextModelVersion": f"tesseract-{version}",
    }


# -- images ------------------------------------------------------------------------------------


def _open_image(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise OcrFailedError(f"unreadable image: {exc}") from exc


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise OcrFailedError(f"image of {width}x{height} pixels exceeds {MAX_IMAGE_PIXELS}")


def _image_dpi(image: Image.Image, default: int) -> int:
    dpi = image.info.get("dpi")
    try:
        x = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        x = 0
    # a missing or nonsense resolution makes tesseract guess 70 dpi and misjudge text size
    return x if 70 <= x <= 2400 else default


def _ocr_ready(image: Image.Image) -> Image.Image:
    """A mode PNG can store and tesseract reads well: 1-bit, gray or RGB on white."""
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit gray archival scans: scale down; convert("L") would clip everything to white
        scale = 1 / 256 if image.mode.startswith("I;16") or image.mode == "I" else 255.0
        return image.convert("F").point(lambda v: v * scale).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")  # transparent = paper
    return image.convert("RGB")
