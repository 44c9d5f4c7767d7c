"""Page images of a scan for the document viewer: one WebP per page, bounded in size.

PDF pages are rendered with PDFium (pypdfium2: manylinux aarch64 wheels, no system binary),
TIFF pages and JPEG/PNG photos are decoded with Pillow. The image shows the page exactly as
OCR saw it, so the page-relative word and field boxes (`logic.ocr_words`, `recognition.geometry`)
lie on it: the PDF's crop box and /Rotate as poppler and Textract use them, JPEG/PNG turned by
their EXIF orientation as the Tesseract adapter does.

The decompression-bomb limits of intake (`logic.inspection`) hold here too: an image's pixel
count is checked from its header before any pixel is decoded, and a PDF page is rendered at a
scale that keeps its longest side at PAGE_IMAGE_MAX_SIDE, whatever size the page declares.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from PIL import Image, ImageOps, UnidentifiedImageError

from eakte.errors import NotFoundError, PermanentError
from eakte.models.api import PageImageLink
from eakte.models.document import SCAN_MEDIA_TYPES, Document, DocumentStatus, MediaType
from eakte.ports import ObjectRef, ObjectStore
from eakte.settings import (
    MAX_IMAGE_PIXELS,
    MAX_SCAN_BYTES,
    PAGE_IMAGE_DPI,
    PAGE_IMAGE_MAX_BYTES,
    PAGE_IMAGE_MAX_SIDE,
)

MEDIA_TYPE = "image/webp"
_QUALITIES = (80, 60, 40)  # tried in turn until the image fits PAGE_IMAGE_MAX_BYTES
_POINTS_PER_INCH = 72


class PageRenderError(PermanentError):
    """The original cannot be shown as a page image (corrupt, too large, no such page)."""


class NoSuchPageError(NotFoundError):
    pass


@dataclass(frozen=True)
class PageImage:
    data: bytes
    width: int
    height: int
    pages: int  # pages of the whole document
    media_type: str = MEDIA_TYPE


def render_page(data: bytes, media_type: MediaType, number: int, *, max_side: int = PAGE_IMAGE_MAX_SIDE,
                max_bytes: int = PAGE_IMAGE_MAX_BYTES) -> PageImage:
    """Page `number` (1-based) of the original as a WebP image of at most max_side pixels."""
    media_type = MediaType(media_type)
    if media_type is MediaType.PDF:
        image, pages = _pdf_page(data, number, max_side)
    elif media_type in (MediaType.TIFF, MediaType.JPEG, MediaType.PNG):
        image, pages = _image_page(data, media_type, number, max_side)
    else:
        raise PageRenderError(f"{media_type.value} has no pages to show")
    return _encode(_displayable(image), pages, max_bytes)


def _pdf_page(data: bytes, number: int, max_side: int) -> tuple[Image.Image, int]:
    import pypdfium2 as pdfium  # only the API function renders PDFs: keep it off other imports

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PageRenderError(f"the PDF cannot be opened: {exc}") from exc
    try:
        pages = len(pdf)
        if not 1 <= number <= pages:
            raise NoSuchPageError(f"page {number} of {pages}")
        page = pdf[number - 1]
        try:
            width, height = page.get_size()  # points, after /Rotate
            if width <= 0 or height <= 0:
                raise PageRenderError(f"page {number} has no area ({width}x{height} pt)")
            scale = min(PAGE_IMAGE_DPI / _POINTS_PER_INCH, max_side / max(width, height))
            bitmap = page.render(scale=scale, grayscale=False, may_draw_forms=True)
            try:
                return bitmap.to_pil().copy(), pages  # copy: the bitmap's buffer is freed below
            finally:
                bitmap.close()
        except pdfium.PdfiumError as exc:
            raise PageRenderError(f"page {number} cannot be rendered: {exc}") from exc
        finally:
            page.close()
    finally:
        pdf.close()


def _image_page(data: bytes, media_type: MediaType, number: int, max_side: int) -> tuple[Image.Image, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            pages = int(getattr(image, "n_frames", 1)) if media_type is MediaType.TIFF else 1
            if not 1 <= number <= pages:
                raise NoSuchPageError(f"page {number} of {pages}")
            image.seek(number - 1)
            width, height = image.size  # from the header: nothing decoded yet
            if width * height > MAX_IMAGE_PIXELS:
                raise PageRenderError(f"page {number} is {width}x{height} pixels; at most {MAX_IMAGE_PIXELS}")
            if media_type is MediaType.JPEG:
                image.draft("RGB", (max_side, max_side))  # decode at 1/2, 1/4, 1/8 scale when enough
            page = image.copy() if media_type is MediaType.TIFF else ImageOps.exif_transpose(image)
    except PageRenderError:
        raise
    except Image.DecompressionBombError as exc:
        raise PageRenderError("the image is a decompression bomb") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PageRenderError(f"the image cannot be decoded: {exc}") from exc
    page.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return page, pages


def _displayable(image: Image.Image) -> Image.Image:
    """Gray or RGB on white: what WebP stores and what a screen shows as the paper looked."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        # 16-bit gray archival scans: scale down; convert("L") would clip everything to white
        scale = 1 / 256 if image.mode != "F" else 255.0
        return image.convert("F").point(lambda v: v * scale).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")  # transparent = paper
    return image.convert("RGB")


def _encode(image: Image.Image, pages: int, max_bytes: int) -> PageImage:
    while True:
        for quality in _QUALITIES:
            out = io.BytesIO()
            image.save(out, "WEBP", quality=quality, method=4)
            if out.tell() <= max_bytes:
                return PageImage(data=out.getvalue(), width=image.width, height=image.height, pages=pages)
        if max(image.size) <= 256:
            raise PageRenderError(f"the page image does not fit {max_bytes} bytes")
        # noise (a photographed texture) can defeat compression: halve the size and try again
        image = image.resize((max(image.width // 2, 1), max(image.height // 2, 1)), Image.Resampling.LANCZOS)


# -- cache in the archive ------------------------------------------------------------------------


def page_image_key(document_id: str, page: int) -> str:
    return f"documents/{document_id}/pages/page-{page:04d}.webp"


def cached_page_image(objects: ObjectStore, archive: str, doc: Document, page: int, ttl_s: int,
                      now: datetime) -> PageImageLink:
    """A presigned link to the page image, rendering and storing it first if this is its first view.

    Rendered on request rather than for every page at OCR time: most pages of a 16-million-document
    archive are never looked at, a 500-page file would not render within the OCR-result function's
    time, and the pipeline stays as fast as before. The API function can only add objects below
    documents/*/pages/ (infra/constructs/api.py); the originals stay read-only to it."""
    if doc.status is DocumentStatus.REJECTED or doc.media_type not in SCAN_MEDIA_TYPES or not doc.original_key:
        raise NotFoundError(f"document {doc.document_id} has no pages to show")
    if doc.pages and not 1 <= page <= doc.pages:
        raise NoSuchPageError(f"document {doc.document_id} has {doc.pages} pages, not page {page}")
    ref = ObjectRef(archive, page_image_key(doc.document_id, page))
    try:
        meta = objects.head(ref).metadata
        width, height, pages = int(meta["width"]), int(meta["height"]), int(meta["pages"])
    except (NotFoundError, KeyError, ValueError):
        original = objects.read(ObjectRef(archive, doc.original_key), max_bytes=MAX_SCAN_BYTES)
        image = render_page(original, doc.media_type, page)
        width, height, pages = image.width, image.height, image.pages
        objects.put(ref, image.data, image.media_type,
                    metadata={"width": str(width), "height": str(height), "pages": str(pages)})
    return PageImageLink(page=page, pages=doc.pages or pages, url=objects.presign_get(ref, ttl_s),
                         media_type=MEDIA_TYPE, width=width, height=height,
                         expires_at=now + timedelta(seconds=ttl_s))
