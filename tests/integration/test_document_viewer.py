"""The document viewer's data through the real handlers: a PDF upload yields word boxes, fields
with boxes on the page and page images behind the same authorisation and audit as the document."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import requests
from PIL import Image

from eakte.settings import Stage
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "scans" / "residence_permit_application_de.pdf"


def test_pdf_upload_yields_page_images_and_fields_with_boxes(h: Harness) -> None:
    sender = h.token(["municipality"], municipality="bfs-261")
    submission_id = h.upload(sender, "antrag.pdf", SAMPLE.read_bytes(), "application/pdf")
    assert h.pump(Stage.INTAKE) == 1
    assert h.pump(Stage.OCR) == 1
    assert h.pump(Stage.CLASSIFY) == 1
    assert h.pump(Stage.INDEX) == 1
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    document_id = view["documents"][0]["documentId"]

    reader = h.token(["caseworker"], team="team-a", subject="viewer")
    status, doc = h.api("GET", f"/api/documents/{document_id}", reader)
    assert status == 200, doc
    assert doc["pages"] == 2

    # word boxes are a derived object in the archive, not part of the record
    words = json.loads(h.s3.get_object(Bucket=h.aws.archive_bucket,
                                       Key=f"documents/{document_id}/ocr/words.json")["Body"].read())
    assert [p["page"] for p in words["pages"]] == [1, 2] and words["engine"] == "tesseract"

    # the fields the pipeline extracted stand where their value is printed
    boxed = {name: f["boxes"] for name, f in doc["fields"].items() if f.get("boxes")}
    assert {"surname", "birthDate", "documentNumber"} <= set(boxed), doc["fields"]
    for boxes in boxed.values():
        for box in boxes:
            assert box["page"] in (1, 2)
            assert 0 <= box["left"] < box["left"] + box["width"] <= 1
            assert 0 <= box["top"] < box["top"] + box["height"] <= 1
    flat_words = [w for line in words["pages"][0]["lines"] for w in line]
    birth = doc["fields"]["birthDate"]["boxes"][0]
    printed = [w[0] for w in flat_words if abs(w[1] - birth["left"]) < 0.01 and abs(w[2] - birth["top"]) < 0.01]
    assert any("1991" in t for t in printed), (birth, printed)

    # page images: rendered on first view, fetched through the presigned link
    links = {}
    for page in (1, 2):
        status, link = h.api("GET", f"/api/documents/{document_id}/pages/{page}", reader)
        assert status == 200, link
        assert (link["page"], link["pages"], link["mediaType"]) == (page, 2, "image/webp")
        r = requests.get(link["url"], timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"] == "image/webp"
        image = Image.open(io.BytesIO(r.content))
        assert image.size == (link["width"], link["height"])
        assert image.height > image.width > 1000  # an A4 page at screen resolution
        links[page] = link
    keys = {o["Key"] for o in h.s3.list_objects_v2(Bucket=h.aws.archive_bucket,
                                                    Prefix=f"documents/{document_id}/pages/")["Contents"]}
    assert keys == {f"documents/{document_id}/pages/page-0001.webp", f"documents/{document_id}/pages/page-0002.webp"}
    status, again = h.api("GET", f"/api/documents/{document_id}/pages/1", reader)  # from the cache
    assert status == 200 and (again["width"], again["height"]) == (links[1]["width"], links[1]["height"])

    # bad page numbers, other roles
    assert h.api("GET", f"/api/documents/{document_id}/pages/3", reader)[0] == 404
    status, body = h.api("GET", f"/api/documents/{document_id}/pages/0", reader)
    assert status == 400 and body["error"]["code"] == "invalid_request"
    assert h.api("GET", f"/api/documents/{document_id}/pages/x", reader)[0] == 400
    assert h.api("GET", f"/api/documents/{document_id}/pages/1", sender)[0] == 403
    assert h.api("GET", f"/api/documents/{document_id}/pages/1")[0] == 401

    # every page view is in the audit trail as a read of the document
    auditor = h.token(["auditor"])
    status, audit = h.api("GET", f"/api/audit?dossierId={doc['dossierId']}", auditor) if doc["dossierId"] \
        else h.api("GET", "/api/audit", auditor)
    assert status == 200, audit
    pages_read = [e["details"].get("page") for e in audit["items"]
                  if e["targetId"] == document_id and e["action"] == "read_document" and e["actor"] == "viewer"]
    assert sorted(p for p in pages_read if p) == [1, 1, 2]
