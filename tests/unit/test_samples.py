"""The committed demo samples and the sample generator (fast: no tesseract, no network)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pypdf import PdfReader

REPO_ROOT = Path(__file__).resolve().parents[2]
ECH_DIR = REPO_ROOT.parent / "shared" / "standards" / "ech"
if str(REPO_ROOT) not in sys.path:  # samples/ is a top-level folder of the repo, not an installed package
    sys.path.insert(0, str(REPO_ROOT))

from eakte.models.document import DocumentType  # noqa: E402
from samples import generate as gen  # noqa: E402

SCANS = [s for s in gen.SAMPLES if s.kind == "scan"]
MESSAGES = [s for s in gen.SAMPLES if s.kind == "message"]
DOCUMENT_TYPES = {t.value for t in DocumentType}


# --- independent reference implementations (so the generator is not checked against itself) ---------

_ICAO_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}


def icao_digit(data: str) -> str:
    weights = [7, 3, 1] * (len(data) // 3 + 1)
    return str(sum(_ICAO_VALUES[c] * w for c, w in zip(data, weights, strict=False)) % 10)


def ean13_valid(number: str) -> bool:
    digits = [int(c) for c in number]
    return len(digits) == 13 and sum(d * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0


class _BasenameResolver(etree.Resolver):
    def resolve(self, system_url: str, public_id: str | None, context: object) -> object:
        local = ECH_DIR / system_url.rsplit("/", 1)[-1]
        return self.resolve_filename(str(local), context) if local.is_file() else None


def official_schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_BasenameResolver())
    return etree.XMLSchema(etree.parse(str(ECH_DIR / name), parser))


# --- committed files ----------------------------------------------------------------------------


def test_specs_are_consistent() -> None:
    paths = [s.relpath for s in gen.SAMPLES]
    assert len(paths) == len(set(paths))
    assert {s.folder for s in SCANS} == {"scans"}
    assert {s.folder for s in MESSAGES} == {"messages"}
    for spec in SCANS:
        assert spec.document_type in DOCUMENT_TYPES
        assert spec.content_type in {"image/jpeg", "image/png", "image/tiff", "application/pdf"}
        assert spec.language in {"de", "fr", "it", "en"}
        assert spec.person in gen.PERSONS_BY_KEY
    for spec in MESSAGES:
        assert spec.content_type == "application/xml"
        assert spec.schema is not None
        assert spec.document_type is None
    assert {"passport", "application_form", "employment_contract", "police_report", "rental_agreement"} <= {
        s.document_type for s in SCANS
    }


@pytest.mark.parametrize("spec", gen.SAMPLES, ids=lambda s: s.relpath)
def test_sample_file_exists_and_is_small(spec: gen.SampleSpec) -> None:
    path = gen.SAMPLES_DIR / spec.relpath
    assert path.is_file(), f"{spec.relpath} missing: run python samples/generate.py"
    assert 0 < path.stat().st_size < 300 * 1024


def test_samples_total_is_small() -> None:
    total = sum((gen.SAMPLES_DIR / s.relpath).stat().st_size for s in gen.SAMPLES)
    assert total < 1.5 * 1024 * 1024


@pytest.mark.parametrize("spec", SCANS, ids=lambda s: s.relpath)
def test_scan_decodes_with_expected_pages(spec: gen.SampleSpec) -> None:
    data = (gen.SAMPLES_DIR / spec.relpath).read_bytes()
    if spec.content_type == "application/pdf":
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == spec.pages
        text = "".join(page.extract_text() or "" for page in reader.pages)
        images = sum(len(page.images) for page in reader.pages)
        # either an image-only scan (one image per page) or a born-digital PDF with the key text in its text layer
        assert images == spec.pages or spec.key_text in text
        return
    with Image.open(io.BytesIO(data)) as im:
        assert Image.MIME[im.format] == spec.content_type
        assert getattr(im, "n_frames", 1) == spec.pages
        if spec.content_type == "image/tiff":
            assert im.mode == "1"
            assert im.info.get("compression") == "group4"
        im.load()


def test_scans_cover_german_and_french() -> None:
    assert {"de", "fr"} <= {s.language for s in SCANS}


# --- messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", MESSAGES, ids=lambda s: s.relpath)
def test_message_validates_against_official_xsd(spec: gen.SampleSpec) -> None:
    assert spec.schema is not None
    schema = official_schema(spec.schema)
    doc = etree.parse(str(gen.SAMPLES_DIR / spec.relpath), etree.XMLParser(no_network=True))
    assert schema.validate(doc), [str(e) for e in schema.error_log]


@pytest.mark.parametrize("spec", MESSAGES, ids=lambda s: s.relpath)
def test_committed_message_matches_generator(spec: gen.SampleSpec) -> None:
    assert (gen.SAMPLES_DIR / spec.relpath).read_bytes() == gen.build_sample(spec)


def test_envelope_matches_message_header() -> None:
    message = etree.parse(str(gen.SAMPLES_DIR / "messages/ech0020_move_in.xml")).getroot()
    envelope = etree.parse(str(gen.SAMPLES_DIR / "messages/ech0090_envelope.xml")).getroot()
    header = message.find("{http://www.ech.ch/xmlns/eCH-0020/3}deliveryHeader")
    assert header is not None
    for tag in ("messageId", "messageType", "senderId", "recipientId"):
        assert envelope.findtext(f"{{http://www.ech.ch/xmlns/eCH-0090/2}}{tag}") == header.findtext(
            f"{{http://www.ech.ch/xmlns/eCH-0058/5}}{tag}"
        )
    assert message.find(".//{http://www.ech.ch/xmlns/eCH-0020/3}moveIn") is not None


def test_move_in_person_has_valid_ahvn13() -> None:
    message = etree.parse(str(gen.SAMPLES_DIR / "messages/ech0020_move_in.xml")).getroot()
    vn = message.findtext(".//{http://www.ech.ch/xmlns/eCH-0044/4}vn")
    assert vn is not None and vn.startswith("756")
    assert ean13_valid(vn)
    assert vn == gen.PASSPORT_PERSON.ahv


# --- check digits -------------------------------------------------------------------------------


def test_mrz_check_digit_matches_icao_specimen() -> None:
    # ICAO Doc 9303 Part 4 specimen "ERIKSSON ANNA MARIA": L898902C36UTO7408122F1204159ZE184226B<<<<<10
    assert gen.mrz_check_digit("L898902C3") == "6"
    assert gen.mrz_check_digit("740812") == "2"
    assert gen.mrz_check_digit("120415") == "9"
    assert gen.mrz_check_digit("ZE184226B<<<<<") == "1"
    assert gen.mrz_check_digit("L898902C3674081221204159ZE184226B<<<<<1") == "0"


@pytest.mark.parametrize("person", gen.PERSONS, ids=lambda p: p.key)
def test_td3_mrz_check_digits_are_valid(person: gen.Person) -> None:
    line1, line2 = gen.td3_mrz(person)
    assert len(line1) == len(line2) == 44
    assert line1.startswith(f"P<{person.iso3}")
    assert set(line1 + line2) <= set(_ICAO_VALUES)
    assert line2[9] == icao_digit(line2[0:9])  # document number
    assert line2[19] == icao_digit(line2[13:19])  # date of birth
    assert line2[27] == icao_digit(line2[21:27])  # date of expiry
    if line2[28:42].strip("<"):
        assert line2[42] == icao_digit(line2[28:42])  # personal number
    else:
        assert line2[42] in {"<", "0"}
    assert line2[43] == icao_digit(line2[0:10] + line2[13:20] + line2[21:43])  # composite
    assert line2[10:13] == person.iso3
    assert line2[13:19] == person.birth_date.strftime("%y%m%d")


def test_passport_sample_carries_the_passport_person_mrz() -> None:
    spec = next(s for s in SCANS if s.document_type == "passport")
    line1, line2 = gen.td3_mrz(gen.PASSPORT_PERSON)
    assert spec.person == gen.PASSPORT_PERSON.key
    assert (spec.expected_fields["mrz_line1"], spec.expected_fields["mrz_line2"]) == (line1, line2)
    assert line1.startswith("P<SYR")


def test_ahv_check_digit() -> None:
    assert gen.ahv_check_digit("756921707698") == "5"  # published example 756.9217.0769.85
    assert gen.ahv_check_digit("756000000000") == "2"
    assert gen.format_ahv("7569217076985") == "756.9217.0769.85"
    with pytest.raises(ValueError, match="12 digits"):
        gen.ahv_check_digit("75692170769")


@pytest.mark.parametrize("person", gen.PERSONS, ids=lambda p: p.key)
def test_person_ahvn13_is_valid(person: gen.Person) -> None:
    assert ean13_valid(person.ahv)
    assert 7560000000001 <= int(person.ahv) <= 7569999999999  # eCH-0044 vnType range


# --- benchmark scans ----------------------------------------------------------------------------


@pytest.mark.parametrize("index", [0, 1, 3, 14])  # passport JPEG, form PNG, police page PNG, grayscale JPEG
def test_render_single_page_scan_is_deterministic_and_decodable(index: int) -> None:
    name, data, content_type = gen.render_single_page_scan(index)
    assert gen.render_single_page_scan(index) == (name, data, content_type)
    assert gen.bench_document_type(index) in DOCUMENT_TYPES
    assert gen.bench_document_type(index) in name
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        assert Image.MIME[im.format] == content_type
        assert getattr(im, "n_frames", 1) == 1
        assert min(im.size) >= 1000
    assert name.endswith({"image/jpeg": ".jpg", "image/png": ".png"}[content_type])


def test_render_single_page_scan_varies_with_index() -> None:
    renders = [gen.render_single_page_scan(i) for i in (1, 7)]  # same document type, next round: other person
    assert renders[0][1] != renders[1][1]
    assert len({gen.bench_document_type(i) for i in range(6)}) >= 5


def test_render_single_page_scan_rejects_negative_index() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        gen.render_single_page_scan(-1)
