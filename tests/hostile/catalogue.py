"""The hostile-input catalogue: bad files and bad requests, each with the clear outcome it must
end in (a REJECTED document with a reason, or a 4xx with an error code). Data, not tests: the
integration test runs every entry through the real upload → S3 → intake path against moto, the
e2e test sends the request entries to the running local stack."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image
from pypdf import PdfWriter

from tests.conftest import encode, text_image


# --- file builders (cheap: everything is generated in well under a second, the 10,000-page PDF
# --- included, because its pages are blank)
def _small_pdf() -> bytes:
    return encode(text_image(["Arbeitsvertrag"], size=(600, 400), font_size=24).convert("RGB"), "PDF")


def truncated_pdf() -> bytes:
    data = _small_pdf()
    return data[: len(data) // 2]


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(io.BytesIO(_small_pdf()))
    writer.encrypt(user_password="geheim", owner_password="geheim", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_pages(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_page_tree_cycle() -> bytes:
    """A page tree whose /Kids points back at itself: a naive reader recurses forever."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    return _raw_pdf(objects)


def _raw_pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def decompression_bomb_png(side: int = 40_000) -> bytes:
    """A real bomb: 40,000 x 40,000 pixels (1.6 gigapixels, 200 MB of bitmap) in ~200 kB."""
    row = b"\x00" + b"\x00" * (side // 8)  # filter byte + one 1-bit row
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def _tiff(width: int, height: int, strip: bytes, strip_bytes: int) -> bytes:
    """A little-endian greyscale TIFF with one strip whose tags say whatever we like."""
    entries = [
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
        (273, 4, 1, 0), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, strip_bytes),
    ]
    ifd_offset = 8
    data_offset = ifd_offset + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, given in entries:
        value = data_offset if tag == 273 else given
        ifd += struct.pack("<HHII", tag, kind, count, value) if kind == 4 else \
            struct.pack("<HHIHH", tag, kind, count, value, 0)
    return b"II*\x00" + struct.pack("<I", ifd_offset) + ifd + struct.pack("<I", 0) + strip


def tiff_claiming_huge_size() -> bytes:
    return _tiff(100_000, 100_000, b"\x00" * 64, 10_000_000_000 % 2**32)


def tiff_shorter_than_it_says() -> bytes:
    return _tiff(2_000, 2_000, b"\x80" * 1_000, 4_000_000)


def executable_named_pdf() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS mode.\r\n" * 20


def pdf_zip_polyglot() -> bytes:
    """A valid PDF with a ZIP archive (holding a script) appended: opens as either."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("run.js", "WScript.Shell.Run('calc')")
    return _small_pdf() + buf.getvalue()


def jpeg_pdf_polyglot() -> bytes:
    """A JPEG whose comment segment carries a PDF header (PDF readers look for %PDF- in the
    first kilobyte): an image to an image viewer, a document to a PDF reader."""
    jpeg = encode(Image.new("RGB", (64, 64), "white"), "JPEG")
    comment = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<eventReport xmlns="http://www.ech.ch/xmlns/eCH-0020/3"><name>&xxe;</name></eventReport>
"""

XXE_NETWORK = b"""<?xml version="1.0"?>
<!DOCTYPE foo SYSTEM "http://127.0.0.1:9/evil.dtd">
<eventReport xmlns="http://www.ech.ch/xmlns/eCH-0020/3"><name>x</name></eventReport>
"""


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{"".join(entities)}]>\n'
            f'<eventReport xmlns="http://www.ech.ch/xmlns/eCH-0020/3">&lol9;</eventReport>\n').encode()


@dataclass(frozen=True)
class HostileFile:
    """A file uploaded through POST /api/uploads + the presigned POST; intake must reject it."""

    name: str
    filename: str
    content_type: str
    make: Callable[[], bytes]
    reason: str  # the RejectReason the document must end with
    kind: str = "scan"
    declared_size: int | None = None  # what the sender claims (default: the real size)


FILES: tuple[HostileFile, ...] = (
    HostileFile("truncated PDF", "akte.pdf", "application/pdf", truncated_pdf, "corrupt"),
    HostileFile("encrypted PDF (AES-256)", "akte.pdf", "application/pdf", encrypted_pdf, "encrypted"),
    HostileFile("PDF with 10,000 pages", "akte.pdf", "application/pdf", lambda: pdf_with_pages(10_000),
                "too_many_pages"),
    HostileFile("PDF whose page tree is a cycle", "akte.pdf", "application/pdf", pdf_with_page_tree_cycle,
                "corrupt"),
    HostileFile("decompression-bomb PNG (40k x 40k)", "pass.png", "image/png", decompression_bomb_png,
                "image_too_large"),
    HostileFile("TIFF claiming 100k x 100k pixels", "scan.tif", "image/tiff", tiff_claiming_huge_size,
                "image_too_large"),
    HostileFile("TIFF with less pixel data than it says", "scan.tif", "image/tiff", tiff_shorter_than_it_says,
                "corrupt"),
    HostileFile("Windows executable renamed to .pdf", "akte.pdf", "application/pdf", executable_named_pdf,
                "unsupported_type"),
    HostileFile("PNG declared and named as PDF", "akte.pdf", "application/pdf",
                lambda: encode(Image.new("L", (32, 32), 255), "PNG"), "type_mismatch"),
    HostileFile("polyglot: PDF with a ZIP appended", "akte.pdf", "application/pdf", pdf_zip_polyglot, "polyglot"),
    HostileFile("polyglot: JPEG carrying a PDF header", "foto.jpg", "image/jpeg", jpeg_pdf_polyglot, "polyglot"),
    HostileFile("zero bytes (declared 1,000)", "akte.pdf", "application/pdf", lambda: b"", "empty",
                declared_size=1_000),
    HostileFile("more bytes than declared", "akte.pdf", "application/pdf", _small_pdf, "too_large",
                declared_size=100),
    HostileFile("XML with an external entity (XXE)", "meldung.xml", "application/xml", lambda: XXE,
                "malformed_xml", kind="message"),
    HostileFile("XML with an external DTD over the network", "meldung.xml", "application/xml",
                lambda: XXE_NETWORK, "malformed_xml", kind="message"),
    HostileFile("XML entity bomb (billion laughs)", "meldung.xml", "application/xml", billion_laughs,
                "malformed_xml", kind="message"),
    HostileFile("scan uploaded as a message", "meldung.xml", "application/xml", lambda: b"%PDF-1.4\n%%EOF\n",
                "kind_mismatch", kind="message"),
)


@dataclass(frozen=True)
class HostileRequest:
    """A request to the API; it must end in `status` with error code `code` (or, for the
    sanitised names, 200 with the stored name `stored_as`)."""

    name: str
    method: str
    path: str
    body: Callable[[], str]
    status: int
    code: str | None = None
    stored_as: str | None = None  # the file name the upload is stored under, for accepted names


def _upload(filename: str, content_type: str = "application/pdf", size: int = 1_000) -> Callable[[], str]:
    import json

    return lambda: json.dumps({"kind": "scan", "filename": filename, "contentType": content_type, "size": size})


def json_body_of(megabytes: int) -> str:
    filler = "A" * (megabytes * 1024 * 1024)
    return '{"kind": "scan", "filename": "' + filler + '.pdf", "contentType": "application/pdf", "size": 1}'


REQUESTS: tuple[HostileRequest, ...] = (
    HostileRequest("path traversal ../../../etc/passwd.pdf", "POST", "/api/uploads",
                   _upload("../../../etc/passwd.pdf"), 200, stored_as="passwd.pdf"),
    HostileRequest("path traversal ..\\..\\windows\\win.ini.pdf", "POST", "/api/uploads",
                   _upload("..\\..\\windows\\win.ini.pdf"), 200, stored_as="win.ini.pdf"),
    HostileRequest("file name only '..'", "POST", "/api/uploads", _upload(".."), 400, "invalid_filename"),
    HostileRequest("file name with NUL: akte.pdf\\0.exe", "POST", "/api/uploads", _upload("akte.pdf\x00.exe"),
                   400, "type_mismatch"),
    HostileRequest("right-to-left override: rechnung\\u202efdp.exe", "POST", "/api/uploads",
                   _upload("rechnung\u202efdp.exe"), 400, "type_mismatch"),
    HostileRequest("homoglyph extension: akte.\\u0440df (Cyrillic er)", "POST", "/api/uploads",
                   _upload("akte.\u0440df"), 400, "type_mismatch"),
    HostileRequest("zero-width and combining characters", "POST", "/api/uploads",
                   _upload("Pa\u200bss Mu\u0308ller.pdf"), 200, stored_as="Pass Müller.pdf"),
    HostileRequest("only bidi/format characters", "POST", "/api/uploads", _upload("\u202e\u200b\u2066"), 400,
                   "invalid_filename"),
    HostileRequest("zero bytes declared", "POST", "/api/uploads", _upload("akte.pdf", size=0), 400, "empty"),
    HostileRequest("executable content type", "POST", "/api/uploads",
                   _upload("tool.exe", "application/x-msdownload"), 400, "unsupported_type"),
    HostileRequest("negative size", "POST", "/api/uploads", _upload("akte.pdf", size=-1), 400, "invalid_request"),
    HostileRequest("JSON nested 100,000 deep", "POST", "/api/uploads", lambda: "[" * 100_000 + "]" * 100_000,
                   400, "invalid_request"),
    HostileRequest("not JSON", "POST", "/api/uploads", lambda: "\x00\xff{", 400, "invalid_request"),
)

# 50 MB of JSON: the local HTTP front (like API Gateway, whose limit is 10 MB) answers 413
# without handing it to the Lambda; handed to the handler directly, the handler answers 400.
BIG_JSON_MB = 50
