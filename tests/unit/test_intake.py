"""Intake: what is accepted, what is refused with which reason, and idempotency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from eakte.adapters.memory import MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.logic.intake import ArrivedObject, Buckets, IntakeService, UploadKey
from eakte.models.document import DocumentStatus, RejectReason, Submission, SubmissionKind
from eakte.ports import ObjectRef
from eakte.settings import MAX_PAGES, MAX_SCAN_BYTES, QUARANTINE_PREFIX, Stage

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BUCKETS = Buckets(intake="intake", archive="archive")
ECH_0020 = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<eCH-0020:delivery xmlns:eCH-0020="http://www.ech.ch/xmlns/eCH-0020/3"/>')


class World:
    def __init__(self) -> None:
        self.records = MemoryRecordStore()
        self.objects = MemoryObjectStore()
        self.queue = MemoryQueue()
        self.intake = IntakeService(self.records, self.objects, self.queue, BUCKETS, clock=lambda: NOW)
        self._n = 0

    def submit(self, data: bytes, filename: str, content_type: str, kind: SubmissionKind = SubmissionKind.SCAN,
               declared: int | None = None, tenant: str = "bfs-261", key_tenant: str | None = None,
               arrived_at: datetime = NOW, expires_in: timedelta = timedelta(minutes=15),
               register: bool = True) -> ArrivedObject:
        self._n += 1
        submission_id = f"sub-{self._n}"
        key = UploadKey.build(key_tenant or tenant, submission_id, filename)
        if register:
            self.records.put_submission(Submission(
                submission_id=submission_id, tenant=tenant, kind=kind, filename=filename,
                content_type=content_type, declared_size=declared if declared is not None else len(data),
                created_by="u", created_at=NOW, expires_at=NOW + expires_in, object_key=key))
        self.objects.put(ObjectRef("intake", key), data, content_type)
        return ArrivedObject(bucket="intake", key=key, size=len(data), version_id=f"v{self._n}",
                             sequencer=None, event_time=arrived_at)


@pytest.fixture
def world() -> World:
    return World()


@pytest.mark.parametrize(("kind", "filename", "content_type"), [
    ("png", "scan.png", "image/png"),
    ("jpeg", "scan.jpg", "image/jpeg"),
    ("tiff", "scan.tiff", "image/tiff"),
    ("pdf", "scan.pdf", "application/pdf"),
])
def test_accepted_scan_is_archived_registered_and_sent_to_ocr(world: World, make_file: Callable[..., bytes],
                                                              kind: str, filename: str, content_type: str) -> None:
    data = make_file(kind)
    doc = world.intake.receive(world.submit(data, filename, content_type))
    assert doc.status is DocumentStatus.RECEIVED
    assert doc.pages == 1
    assert len(doc.sha256 or "") == 64
    assert world.objects.read(ObjectRef("archive", doc.original_key or "")) == data
    assert [m["documentId"] for m in world.queue.take(Stage.OCR)] == [doc.document_id]


def test_message_goes_to_the_exchange_queue(world: World) -> None:
    doc = world.intake.receive(world.submit(ECH_0020, "event.xml", "application/xml", SubmissionKind.MESSAGE))
    assert doc.status is DocumentStatus.RECEIVED
    assert [m["documentId"] for m in world.queue.take(Stage.EXCHANGE)] == [doc.document_id]


def _rejected(world: World, arrived: ArrivedObject, reason: RejectReason) -> None:
    doc = world.intake.receive(arrived)
    assert doc.status is DocumentStatus.REJECTED, doc
    assert doc.reason == reason.value
    assert doc.reason_detail
    assert world.queue.sent == []
    # the original is kept: a copy in quarantine, the upload itself untouched
    assert doc.original_key and doc.original_key.startswith(QUARANTINE_PREFIX)
    assert world.objects.read(ObjectRef("intake", doc.original_key)) == world.objects.read(
        ObjectRef("intake", arrived.key))
    assert world.records.get_document(doc.document_id) == doc


def test_empty_file(world: World) -> None:
    _rejected(world, world.submit(b"", "a.pdf", "application/pdf", declared=10), RejectReason.EMPTY)


def test_larger_than_declared(world: World, make_file: Callable[..., bytes]) -> None:
    _rejected(world, world.submit(make_file("png"), "a.png", "image/png", declared=100), RejectReason.TOO_LARGE)


def test_larger_than_the_limit(world: World) -> None:
    arrived = world.submit(b"%PDF-1.7", "a.pdf", "application/pdf", declared=MAX_SCAN_BYTES + 10)
    big = ArrivedObject(arrived.bucket, arrived.key, MAX_SCAN_BYTES + 1, arrived.version_id, None, NOW)
    _rejected(world, big, RejectReason.TOO_LARGE)


def test_executable_renamed_to_pdf(world: World) -> None:
    _rejected(world, world.submit(b"MZ\x90\x00" + b"\x00" * 200, "invoice.pdf", "application/pdf"),
              RejectReason.UNSUPPORTED_TYPE)


def test_png_disguised_as_pdf(world: World, make_file: Callable[..., bytes]) -> None:
    _rejected(world, world.submit(make_file("png"), "scan.pdf", "application/pdf"), RejectReason.TYPE_MISMATCH)


def test_xml_sent_as_scan(world: World) -> None:
    _rejected(world, world.submit(ECH_0020, "event.xml", "application/xml", SubmissionKind.SCAN),
              RejectReason.KIND_MISMATCH)


def test_truncated_pdf(world: World, make_file: Callable[..., bytes]) -> None:
    data = make_file("pdf")
    _rejected(world, world.submit(data[: len(data) // 2], "a.pdf", "application/pdf"), RejectReason.CORRUPT)


def test_garbage_after_pdf_header(world: World) -> None:
    _rejected(world, world.submit(b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n", "a.pdf", "application/pdf"),
              RejectReason.CORRUPT)


def test_encrypted_pdf(world: World, make_file: Callable[..., bytes]) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_file("pdf"))).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    _rejected(world, world.submit(buf.getvalue(), "a.pdf", "application/pdf"), RejectReason.ENCRYPTED)


def test_truncated_jpeg(world: World, make_file: Callable[..., bytes]) -> None:
    data = make_file("jpeg")
    _rejected(world, world.submit(data[: len(data) // 3], "a.jpg", "image/jpeg"), RejectReason.CORRUPT)


def test_too_many_pages(world: World) -> None:
    from PIL import Image

    from tests.conftest import encode

    page = Image.new("1", (20, 20), 1)
    data = encode(page, "TIFF", save_all=True, append_images=[page] * MAX_PAGES)
    _rejected(world, world.submit(data, "a.tif", "image/tiff"), RejectReason.TOO_MANY_PAGES)


def test_decompression_bomb(world: World) -> None:
    from PIL import Image

    from tests.conftest import encode

    data = encode(Image.new("1", (12000, 12000), 1), "PNG")  # 144 MP of white compresses to kilobytes
    _rejected(world, world.submit(data, "a.png", "image/png"), RejectReason.IMAGE_TOO_LARGE)


def test_malformed_xml(world: World) -> None:
    _rejected(world, world.submit(b"<?xml version='1.0'?><a><b></a>", "m.xml", "application/xml",
                                  SubmissionKind.MESSAGE), RejectReason.MALFORMED_XML)


def test_xml_entity_bomb_is_refused(world: World) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>')
    _rejected(world, world.submit(bomb, "m.xml", "application/xml", SubmissionKind.MESSAGE),
              RejectReason.MALFORMED_XML)


def test_unknown_message_namespace(world: World) -> None:
    _rejected(world, world.submit(b"<invoice xmlns='urn:x'/>", "m.xml", "application/xml", SubmissionKind.MESSAGE),
              RejectReason.UNSUPPORTED_MESSAGE)


def test_upload_after_expiry(world: World, make_file: Callable[..., bytes]) -> None:
    arrived = world.submit(make_file("png"), "a.png", "image/png", arrived_at=NOW + timedelta(hours=1))
    _rejected(world, arrived, RejectReason.UPLOAD_EXPIRED)


def test_object_without_submission(world: World, make_file: Callable[..., bytes]) -> None:
    _rejected(world, world.submit(make_file("png"), "a.png", "image/png", register=False),
              RejectReason.UNKNOWN_SUBMISSION)


def test_object_under_another_tenants_prefix(world: World, make_file: Callable[..., bytes]) -> None:
    _rejected(world, world.submit(make_file("png"), "a.png", "image/png", key_tenant="bfs-999"),
              RejectReason.UNKNOWN_SUBMISSION)


def test_redelivery_is_idempotent(world: World, make_file: Callable[..., bytes]) -> None:
    arrived = world.submit(make_file("png"), "a.png", "image/png")
    first = world.intake.receive(arrived)
    world.queue.take(Stage.OCR)
    # a crash after registering but before handing on: the re-delivery hands on again
    second = world.intake.receive(arrived)
    assert second.document_id == first.document_id
    assert len(world.records.documents) == 1
    assert [m["documentId"] for m in world.queue.take(Stage.OCR)] == [first.document_id]


def test_redelivery_of_a_document_past_intake_does_not_hand_on(world: World,
                                                               make_file: Callable[..., bytes]) -> None:
    arrived = world.submit(make_file("png"), "a.png", "image/png")
    doc = world.intake.receive(arrived)
    world.queue.take(Stage.OCR)
    world.records.save_document(doc.model_copy(update={"status": DocumentStatus.OCR_DONE}), None)
    world.intake.receive(arrived)
    assert world.queue.sent == []


def test_last_failed_attempt_registers_a_failed_document_that_a_redrive_takes_up(
        world: World, make_file: Callable[..., bytes]) -> None:
    arrived = world.submit(make_file("png"), "a.png", "image/png")
    failed = world.intake.fail(arrived, "ThrottledError('dynamodb')")
    assert (failed.status, failed.reason) == (DocumentStatus.FAILED, "intake_failed")
    assert world.records.get_document(failed.document_id).status is DocumentStatus.FAILED
    assert world.queue.sent == []
    # the redriven event: the same object is checked again and proceeds
    doc = world.intake.receive(arrived)
    assert doc.document_id == failed.document_id
    assert doc.status is DocumentStatus.RECEIVED
    assert world.records.get_document(doc.document_id).status is DocumentStatus.RECEIVED
    assert [m["documentId"] for m in world.queue.take(Stage.OCR)] == [doc.document_id]
    # and a late duplicate of the failure does not undo the progress
    assert world.intake.fail(arrived, "late").status is DocumentStatus.RECEIVED
