"""What a submitted file really is: type sniffed from its bytes, structure checked with the
libraries that will later read it (pypdf, Pillow, lxml), never trusting name or header."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from eakte.models.document import MediaType, RejectReason
from eakte.settings import MAX_IMAGE_PIXELS, MAX_PAGES, MAX_SINGLE_IMAGE_BYTES

# Magic numbers of the accepted formats. XML has none: it is recognised by parsing.
_MAGIC: tuple[tuple[bytes, MediaType], ...] = (
    (b"%PDF-", MediaType.PDF),
    (b"II*\x00", MediaType.TIFF),
    (b"MM\x00*", MediaType.TIFF),
    (b"\xff\xd8\xff", MediaType.JPEG),
    (b"\x89PNG\r\n\x1a\n", MediaType.PNG),
)

EXTENSIONS: dict[MediaType, frozenset[str]] = {
    MediaType.PDF: frozenset({".pdf"}),
    MediaType.TIFF: frozenset({".tif", ".tiff"}),
    MediaType.JPEG: frozenset({".jpg", ".jpeg"}),
    MediaType.PNG: frozenset({".png"}),
    MediaType.XML: frozenset({".xml"}),
}

CONTENT_TYPE_ALIASES: dict[str, MediaType] = {
    "application/pdf": MediaType.PDF,
    "image/tiff": MediaType.TIFF,
    "image/jpeg": MediaType.JPEG,
    "image/jpg": MediaType.JPEG,
    "image/png": MediaType.PNG,
    "application/xml": MediaType.XML,
    "text/xml": MediaType.XML,
}

# Namespaces of the messages we accept (eCH event messages and sedex envelopes; the German
# XAusländer namespace is recognised so that such messages are routed, not refused).
MESSAGE_NAMESPACES: dict[str, str] = {
    "http://www.ech.ch/xmlns/eCH-0020/3": "eCH-0020",
    "http://www.ech.ch/xmlns/eCH-0090/2": "eCH-0090",
    "http://www.ech.ch/xmlns/eCH-0090/1": "eCH-0090",
    "http://www.osci.de/xauslaender": "XAuslaender",
}


class Rejection(Exception):
    """The file must be refused; carries the reason code shown to the sender."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Inspection:
    media_type: MediaType
    pages: int
    message_type: str | None = None  # for XML: which standard (eCH-0020, ...)


def media_type_of_declared(content_type: str) -> MediaType | None:
    return CONTENT_TYPE_ALIASES.get(content_type.split(";", maxsplit=1)[0].strip().lower())


def media_type_of_filename(filename: str) -> MediaType | None:
    suffix = PurePosixPath(filename).suffix.lower()
    return next((m for m, exts in EXTENSIONS.items() if suffix in exts), None)


def sniff(data: bytes) -> MediaType | None:
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return MediaType.XML
    return None


def inspect(data: bytes, declared: MediaType, filename: str, allowed: frozenset[MediaType]) -> Inspection:
    """Check a file completely; raises Rejection with the first reason that applies."""
    if not data:
        raise Rejection(RejectReason.EMPTY, "the file has no content")
    actual = sniff(data)
    if actual is None:
        raise Rejection(RejectReason.UNSUPPORTED_TYPE,
                        "content is none of PDF, TIFF, JPEG, PNG or XML")
    if actual not in allowed:
        raise Rejection(RejectReason.KIND_MISMATCH,
                        f"content is {actual.value}, which this kind of submission does not take")
    by_name = media_type_of_filename(filename)
    if actual != declared or by_name != actual:
        raise Rejection(RejectReason.TYPE_MISMATCH,
                        f"content is {actual.value} but it was declared as {declared.value} "
                        f"and named {PurePosixPath(filename).name!r}")
    if (second := _second_format(data, actual)) is not None:
        raise Rejection(RejectReason.POLYGLOT, f"the {actual.value} file also contains {second}")
    if actual is MediaType.PDF:
        return Inspection(actual, _pdf_pages(data))
    if actual is MediaType.XML:
        return Inspection(actual, 0, _message_type(data))
    if actual in {MediaType.JPEG, MediaType.PNG} and len(data) > MAX_SINGLE_IMAGE_BYTES:
        raise Rejection(RejectReason.TOO_LARGE, f"{len(data)} bytes; a single JPEG/PNG image may have at most "
                        f"{MAX_SINGLE_IMAGE_BYTES} (send larger scans as PDF or TIFF)")
    return Inspection(actual, _image_pages(data, actual))


_ZIP_END = b"PK\x05\x06"  # end-of-central-directory record, which ZIP readers look for from the end
_ZIP_END_SIZE = 22


def _second_format(data: bytes, actual: MediaType) -> str | None:
    """A polyglot is valid as two formats; the second one is what a viewer that trusts the file
    name or sniffs differently would open. PDF readers accept a header anywhere in the first
    kilobyte; ZIP readers (also JAR, DOCX, APK) start from an end record at the file's end."""
    if actual is not MediaType.PDF and b"%PDF-" in data[:1024]:
        return "a PDF header within its first kilobyte"
    start = max(0, len(data) - _ZIP_END_SIZE - 0xFFFF)
    at = data.rfind(_ZIP_END, start)
    while at != -1:
        if len(data) - at >= _ZIP_END_SIZE:
            comment_length = int.from_bytes(data[at + 20:at + 22], "little")
            if at + _ZIP_END_SIZE + comment_length == len(data):
                return "a ZIP archive appended at its end"
        at = data.rfind(_ZIP_END, start, at)
    return None


def _pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%%EOF" not in data[-2048:]:
        raise Rejection(RejectReason.CORRUPT, "the PDF is truncated (no end-of-file marker)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise Rejection(RejectReason.ENCRYPTED, "the PDF is encrypted; send it without a password")
            pages = len(reader.pages)
    except Rejection:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as e:
        raise Rejection(RejectReason.CORRUPT, f"the PDF cannot be read: {type(e).__name__}") from e
    if pages == 0:
        raise Rejection(RejectReason.CORRUPT, "the PDF has no pages")
    if pages > MAX_PAGES:
        raise Rejection(RejectReason.TOO_MANY_PAGES, f"{pages} pages; at most {MAX_PAGES} per file")
    return pages


def _image_pages(data: bytes, media_type: MediaType) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                raise Rejection(RejectReason.IMAGE_TOO_LARGE,
                                f"{width}x{height} pixels; at most {MAX_IMAGE_PIXELS} per page")
            frames = getattr(img, "n_frames", 1) if media_type is MediaType.TIFF else 1
            if frames > MAX_PAGES:
                raise Rejection(RejectReason.TOO_MANY_PAGES, f"{frames} pages; at most {MAX_PAGES} per file")
            for frame in range(min(frames, MAX_PAGES)):
                img.seek(frame)
                fw, fh = img.size
                if fw * fh > MAX_IMAGE_PIXELS:
                    raise Rejection(RejectReason.IMAGE_TOO_LARGE, f"page {frame + 1} is {fw}x{fh} pixels")
                img.load()  # decodes the pixels: catches truncated and corrupt data
    except Rejection:
        raise
    except Image.DecompressionBombError as e:
        raise Rejection(RejectReason.IMAGE_TOO_LARGE, "the image is a decompression bomb") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as e:
        raise Rejection(RejectReason.CORRUPT, f"the image cannot be decoded: {e}") from e
    return frames


def _message_type(data: bytes) -> str:
    from lxml import etree

    # A hardened parser: no DTD loading, no entity expansion, no network, bounded tree.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, dtd_validation=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as e:
        raise Rejection(RejectReason.MALFORMED_XML, f"not well-formed XML: {e}") from e
    if root.getroottree().docinfo.doctype:
        raise Rejection(RejectReason.MALFORMED_XML, "XML with a DOCTYPE (DTD/entities) is not accepted")
    namespace = etree.QName(root).namespace or ""
    message_type = MESSAGE_NAMESPACES.get(namespace)
    if message_type is None:
        raise Rejection(RejectReason.UNSUPPORTED_MESSAGE,
                        f"root element {etree.QName(root).localname!r} in namespace {namespace!r} "
                        "is no supported message (eCH-0020 v3, eCH-0090 v1/v2)")
    return message_type
