"""Page images for the viewer: every scan type, bounded size, bomb limits, cached, audited."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from eakte.adapters.memory import MemoryAuditTrail, MemoryObjectStore, MemoryRecordStore
from eakte.auth import Principal
from eakte.errors import ForbiddenError, NotFoundError
from eakte.logic import page_images
from eakte.logic.api_service import ApiService
from eakte.logic.intake import Buckets
from eakte.logic.page_images import (
    MEDIA_TYPE,
    NoSuchPageError,
    PageRenderError,
    page_image_key,
    render_page,
)
from eakte.models.document import AuditAction, Document, DocumentStatus, MediaType, SubmissionKind
from eakte.ports import ObjectRef
from eakte.settings import MAX_IMAGE_PIXELS, PAGE_IMAGE_MAX_SIDE

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
CASEWORKER = Principal("c1", frozenset({"caseworker"}), team="team-a")
SENDER = Principal("u1", frozenset({"municipality"}), tenant="bfs-261")


def page_with_mark(size: tuple[int, int] = (850, 1100), mode: str = "L") -> Image.Image:
    image = Image.new(mode, size, "white")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 4, size[1] // 10), fill="black")  # top-left mark
    return image


def encode(images: list[Image.Image], fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    images[0].save(out, fmt, save_all=len(images) > 1, append_images=images[1:], **options)
    return out.getvalue()


def pdf_bytes(sizes_pt: list[tuple[float, float]]) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for width, height in sizes_pt:
        pdf.new_page(width, height)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


def test_pdf_pages_render_at_screen_resolution() -> None:
    data = pdf_bytes([(595, 842), (842, 595)])  # A4 portrait, then landscape
    first = render_page(data, MediaType.PDF, 1)
    assert (first.width, first.pages) == (1240, 2) and first.height in (1754, 1755)  # 842 pt * 150/72
    assert decoded(first.data).size == (first.width, first.height)
    second = render_page(data, MediaType.PDF, 2)
    assert (second.width, second.height) == (first.height, first.width)
    assert first.media_type == MEDIA_TYPE


def test_a_pdf_page_of_any_declared_size_stays_bounded() -> None:
    huge = render_page(pdf_bytes([(14400, 14400)]), MediaType.PDF, 1)  # 200 x 200 inches
    assert max(huge.width, huge.height) == PAGE_IMAGE_MAX_SIDE


def test_pdf_drawing_keeps_its_place_on_the_page() -> None:
    data = encode([page_with_mark((1000, 2000), "RGB")], "PDF", resolution=100)
    image = decoded(render_page(data, MediaType.PDF, 1).data).convert("L")
    w, h = image.size
    assert image.getpixel((w // 8, h // 20)) < 64  # inside the mark (top-left quarter/tenth)
    assert image.getpixel((w // 2, h // 2)) > 192


def test_tiff_pages_each_render() -> None:
    sixteen = Image.new("I;16", (850, 1100), 65535)  # an archival 16-bit gray scan
    ImageDraw.Draw(sixteen).rectangle((0, 0, 200, 100), fill=0)
    data = encode([page_with_mark(), Image.new("1", (850, 1100), 1), sixteen], "TIFF",
                  compression="tiff_deflate")
    assert render_page(data, MediaType.TIFF, 2).pages == 3
    sixteen_bit = decoded(render_page(data, MediaType.TIFF, 3).data).convert("L")
    assert sixteen_bit.getpixel((10, 10)) < 64 and sixteen_bit.getpixel((800, 1000)) > 192
    with pytest.raises(NoSuchPageError):
        render_page(data, MediaType.TIFF, 4)


def test_jpeg_photo_is_turned_by_its_exif_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    data = encode([page_with_mark((1600, 1200), "RGB")], "JPEG", exif=exif.tobytes())
    image = render_page(data, MediaType.JPEG, 1)
    assert (image.width, image.height) == (1200, 1600)


def test_png_with_transparency_is_shown_on_white_paper() -> None:
    data = encode([Image.new("RGBA", (400, 300), (0, 0, 0, 0))], "PNG")
    image = decoded(render_page(data, MediaType.PNG, 1).data).convert("L")
    assert image.getpixel((200, 150)) > 240


def test_decompression_bombs_are_refused_before_decoding() -> None:
    side = int(MAX_IMAGE_PIXELS ** 0.5) + 10
    bomb = encode([Image.new("1", (side, side), 1)], "PNG")  # a few KB claiming ~60 megapixels
    with pytest.raises(PageRenderError, match="pixels"):
        render_page(bomb, MediaType.PNG, 1)


def test_corrupt_originals_and_foreign_types_are_render_errors() -> None:
    with pytest.raises(PageRenderError):
        render_page(b"%PDF-1.7 not really", MediaType.PDF, 1)
    with pytest.raises(PageRenderError):
        render_page(b"\x89PNG\r\n\x1a\n broken", MediaType.PNG, 1)
    with pytest.raises(PageRenderError):
        render_page(b"<xml/>", MediaType.XML, 1)
    with pytest.raises(NoSuchPageError):
        render_page(pdf_bytes([(595, 842)]), MediaType.PDF, 2)


def test_an_image_too_noisy_for_the_byte_limit_is_made_smaller() -> None:
    noise = Image.effect_noise((1600, 1600), 120).convert("RGB")
    image = render_page(encode([noise], "PNG"), MediaType.PNG, 1, max_bytes=200_000)
    assert len(image.data) <= 200_000
    assert image.width < 1600


# -- through the API service ---------------------------------------------------------------------


Setup = tuple[ApiService, MemoryObjectStore, MemoryAuditTrail, MemoryRecordStore]


@pytest.fixture
def setup() -> Setup:
    objects, records, audit = MemoryObjectStore(), MemoryRecordStore(), MemoryAuditTrail()
    doc = Document(document_id="doc-1", submission_id="s-1", tenant="bfs-261", kind=SubmissionKind.SCAN,
                   status=DocumentStatus.INDEXED, filename="antrag.pdf", media_type=MediaType.PDF, pages=2,
                   source_bucket="intake", source_key="incoming/x", original_key="documents/doc-1/original.pdf",
                   dossier_id="D-1", received_at=NOW, updated_at=NOW)
    records.create_document(doc)
    objects.put(ObjectRef("archive", doc.original_key or ""), pdf_bytes([(595, 842), (595, 842)]),
                "application/pdf")
    return ApiService(records, objects, Buckets("intake", "archive"), audit, clock=lambda: NOW), objects, audit, records


def test_first_view_renders_and_caches_later_views_reuse(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    api, objects, audit, _ = setup
    link = api.page_image(CASEWORKER, "doc-1", 2)
    assert (link.page, link.pages, link.width, link.media_type) == (2, 2, 1240, "image/webp")
    cached = ObjectRef("archive", page_image_key("doc-1", 2))
    assert objects.head(cached).content_type == "image/webp"
    assert "documents/doc-1/pages/page-0002.webp" in link.url

    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendered again")

    monkeypatch.setattr(page_images, "render_page", no_render)
    again = api.page_image(CASEWORKER, "doc-1", 2)
    assert (again.width, again.height) == (link.width, link.height)
    events = audit.events(dossier_id="D-1")
    assert [(e.action, e.details) for e in events] == [(AuditAction.READ_DOCUMENT, {"page": 2})] * 2


def test_pages_need_the_readers_role_and_exist(setup: Setup) -> None:
    api, _, _, _ = setup
    with pytest.raises(ForbiddenError):
        api.page_image(SENDER, "doc-1", 1)
    with pytest.raises(NotFoundError):
        api.page_image(CASEWORKER, "doc-1", 3)
    with pytest.raises(NotFoundError):
        api.page_image(CASEWORKER, "nope", 1)


def test_rejected_files_have_no_pages(setup: Setup) -> None:
    api, _, _, records = setup
    doc = records.get_document("doc-1")
    assert doc is not None
    records.save_document(doc.model_copy(update={"status": DocumentStatus.REJECTED}), expected_status=None)
    with pytest.raises(NotFoundError):
        api.page_image(CASEWORKER, "doc-1", 1)
