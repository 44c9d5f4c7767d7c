"""Deterministic generator of the demo samples of eAkte Migration.

    python samples/generate.py [--out samples] [--check-ocr]

writes small, realistic sample scans (``scans/``) and eCH messages (``messages/``). Every person, company,
document number and address in them is fictitious. The module is also imported by the benchmark and the
unit tests: ``SAMPLES`` describes the committed files, ``render_single_page_scan(i)`` renders a varied,
deterministic single-page scan for throughput runs, and the check-digit helpers live here on purpose
(test-data code; the domain package has its own implementations, which the tests can hold against these).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import io
import math
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

SEED = 20250303
DPI = 200
PX_PER_PT = DPI / 72
A4_PT = (595.28, 841.89)
SAMPLES_DIR = Path(__file__).resolve().parent
REPO_ROOT = SAMPLES_DIR.parent
# The official XSDs live next to the repository (never copied into it); imports are resolved by basename.
ECH_DIR = REPO_ROOT.parent / "shared" / "standards" / "ech"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
OCR_LANGS = "deu+fra+ita+eng"

MAX_FILE_BYTES = 300 * 1024
MAX_TOTAL_BYTES = 1536 * 1024


# --------------------------------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------------------------------


def _mrz_value(ch: str) -> int:
    if "0" <= ch <= "9":
        return ord(ch) - ord("0")
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    raise ValueError(f"not an MRZ character: {ch!r}")


def mrz_check_digit(s: str) -> str:
    """ICAO 9303 check digit: weights 7,3,1 repeating; 0-9 as is, A-Z = 10..35, '<' = 0; sum mod 10."""
    return str(sum(_mrz_value(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)


def ahv_check_digit(first12: str) -> str:
    """EAN-13 check digit of an AHVN13 ("756" + 9 digits): weights 1,3,1,3,... from the left."""
    if len(first12) != 12 or not first12.isascii() or not first12.isdigit():
        raise ValueError(f"expected 12 digits, got {first12!r}")
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def format_ahv(vn: str) -> str:
    """7561234567897 -> 756.1234.5678.97 (the printed form)."""
    return f"{vn[:3]}.{vn[3:7]}.{vn[7:11]}.{vn[11:]}"


# --------------------------------------------------------------------------------------------------
# Fictitious persons (typical origin countries of the caseload)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    key: str
    surname: str
    given_names: str
    sex: str  # "M" / "F", as in the MRZ
    birth_date: dt.date
    birth_place: str
    iso3: str  # ICAO code printed in the MRZ (Kosovo: RKS)
    iso2: str
    bfs_country_id: int | None  # eCH-0008 / BFS country number (only where a message needs it)
    country_de: str
    country_fr: str
    state_en: str  # issuing state as printed on the passport
    nationality_en: str
    language_de: str  # interpreter language, for police reports
    passport_no: str
    passport_issued: dt.date
    passport_expiry: dt.date
    passport_authority: str
    personal_no: str
    ahv12: str
    married: bool
    street: str
    zip_code: str
    town: str
    canton: str
    municipality_bfs: int
    entry_date: dt.date
    employer: str
    employer_address: str
    job_de: str
    job_fr: str
    salary_chf: int
    job_start: dt.date

    @property
    def ahv(self) -> str:
        return self.ahv12 + ahv_check_digit(self.ahv12)

    @property
    def ahv_formatted(self) -> str:
        return format_ahv(self.ahv)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}"

    @property
    def female(self) -> bool:
        return self.sex == "F"

    @property
    def email(self) -> str:
        local = _ascii(f"{self.given_names}.{self.surname}").lower().replace(" ", "")
        return f"{local}@example.com"


PERSONS: tuple[Person, ...] = (
    Person(
        key="syr-al-hassan", surname="Al Hassan", given_names="Rami", sex="M",
        birth_date=dt.date(1991, 3, 14), birth_place="Aleppo",
        iso3="SYR", iso2="SY", bfs_country_id=8541, country_de="Syrien", country_fr="Syrie",
        state_en="SYRIAN ARAB REPUBLIC", nationality_en="SYRIAN", language_de="Arabisch",
        passport_no="N01874562", passport_issued=dt.date(2022, 8, 18), passport_expiry=dt.date(2028, 8, 17),
        passport_authority="DAMASCUS", personal_no="02010123456", ahv12="756304759216",
        married=False, street="Zürcherstrasse 112", zip_code="8406", town="Winterthur", canton="ZH",
        municipality_bfs=230, entry_date=dt.date(2025, 3, 2),
        employer="Brunner Haustechnik GmbH", employer_address="Industriestrasse 21, 8404 Winterthur",
        job_de="Sanitärinstallateur", job_fr="installateur sanitaire", salary_chf=5600,
        job_start=dt.date(2025, 4, 1),
    ),
    Person(
        key="afg-ahmadzai", surname="Ahmadzai", given_names="Farida", sex="F",
        birth_date=dt.date(1996, 11, 2), birth_place="Herat",
        iso3="AFG", iso2="AF", bfs_country_id=8501, country_de="Afghanistan", country_fr="Afghanistan",
        state_en="AFGHANISTAN", nationality_en="AFGHAN", language_de="Dari",
        passport_no="P03815294", passport_issued=dt.date(2021, 5, 10), passport_expiry=dt.date(2031, 5, 9),
        passport_authority="KABUL", personal_no="", ahv12="756581402937",
        married=True, street="Rue de Lyon 87", zip_code="1203", town="Genève", canton="GE",
        municipality_bfs=6621, entry_date=dt.date(2024, 9, 15),
        employer="Clinique des Tilleuls SA", employer_address="Chemin des Tilleuls 4, 1208 Genève",
        job_de="Pflegehelferin", job_fr="aide-soignante", salary_chf=4300,
        job_start=dt.date(2025, 2, 1),
    ),
    Person(
        key="eri-tesfaye", surname="Tesfaye", given_names="Yonas", sex="M",
        birth_date=dt.date(1994, 5, 20), birth_place="Asmara",
        iso3="ERI", iso2="ER", bfs_country_id=8362, country_de="Eritrea", country_fr="Érythrée",
        state_en="STATE OF ERITREA", nationality_en="ERITREAN", language_de="Tigrinya",
        passport_no="P01552093", passport_issued=dt.date(2019, 6, 3), passport_expiry=dt.date(2029, 6, 2),
        passport_authority="ASMARA", personal_no="", ahv12="756912046381",
        married=False, street="Freiburgstrasse 251", zip_code="3018", town="Bern", canton="BE",
        municipality_bfs=351, entry_date=dt.date(2023, 10, 9),
        employer="Gastro Aare AG", employer_address="Aarbergergasse 40, 3011 Bern",
        job_de="Koch", job_fr="cuisinier", salary_chf=4700,
        job_start=dt.date(2025, 1, 15),
    ),
    Person(
        key="tur-yildiz", surname="Yildiz", given_names="Emre", sex="M",
        birth_date=dt.date(1988, 7, 9), birth_place="Gaziantep",
        iso3="TUR", iso2="TR", bfs_country_id=8239, country_de="Türkei", country_fr="Turquie",
        state_en="REPUBLIC OF TÜRKIYE", nationality_en="TURKISH", language_de="Türkisch",
        passport_no="U18273645", passport_issued=dt.date(2020, 2, 11), passport_expiry=dt.date(2030, 2, 10),
        passport_authority="GAZIANTEP", personal_no="", ahv12="756127780453",
        married=True, street="Murtenstrasse 12", zip_code="3008", town="Bern", canton="BE",
        municipality_bfs=351, entry_date=dt.date(2024, 12, 28),
        employer="Plattenbau Wyss AG", employer_address="Wankdorffeldstrasse 80, 3014 Bern",
        job_de="Plattenleger", job_fr="carreleur", salary_chf=5200,
        job_start=dt.date(2025, 3, 1),
    ),
    Person(
        key="rks-krasniqi", surname="Krasniqi", given_names="Drita", sex="F",
        birth_date=dt.date(1990, 12, 3), birth_place="Prizren",
        iso3="RKS", iso2="XK", bfs_country_id=None, country_de="Kosovo", country_fr="Kosovo",
        state_en="REPUBLIC OF KOSOVO", nationality_en="KOSOVAR", language_de="Albanisch",
        passport_no="P02274816", passport_issued=dt.date(2023, 4, 19), passport_expiry=dt.date(2033, 4, 18),
        passport_authority="PRIZREN", personal_no="", ahv12="756470315528",
        married=True, street="Badenerstrasse 310", zip_code="8004", town="Zürich", canton="ZH",
        municipality_bfs=261, entry_date=dt.date(2025, 1, 20),
        employer="Reinigungsteam Limmat GmbH", employer_address="Hohlstrasse 190, 8004 Zürich",
        job_de="Reinigungsfachfrau", job_fr="agente de nettoyage", salary_chf=4200,
        job_start=dt.date(2025, 3, 1),
    ),
    Person(
        key="ukr-kovalenko", surname="Kovalenko", given_names="Olena", sex="F",
        birth_date=dt.date(1985, 1, 27), birth_place="Kharkiv",
        iso3="UKR", iso2="UA", bfs_country_id=8265, country_de="Ukraine", country_fr="Ukraine",
        state_en="UKRAINE", nationality_en="UKRAINIAN", language_de="Ukrainisch",
        passport_no="FX482913", passport_issued=dt.date(2021, 9, 14), passport_expiry=dt.date(2031, 9, 14),
        passport_authority="6310", personal_no="1985012701234", ahv12="756805561742",
        married=False, street="Chemin de Montelly 14", zip_code="1007", town="Lausanne", canton="VD",
        municipality_bfs=5586, entry_date=dt.date(2022, 4, 6),
        employer="Boulangerie du Flon Sàrl", employer_address="Rue Centrale 9, 1003 Lausanne",
        job_de="Verkäuferin", job_fr="vendeuse", salary_chf=3900,
        job_start=dt.date(2025, 5, 5),
    ),
)
PERSONS_BY_KEY: Mapping[str, Person] = {p.key: p for p in PERSONS}
PASSPORT_PERSON = PERSONS[0]  # the person of the committed passport scan, application and eCH-0020 message


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def _mrz_field(s: str) -> str:
    # ICAO transliteration, simplified: strip diacritics; blanks, hyphens and apostrophes become fillers.
    s = _ascii(s.upper().replace("ß", "SS"))
    return "".join(c if ("A" <= c <= "Z" or "0" <= c <= "9") else "<" for c in s)


def td3_mrz(p: Person) -> tuple[str, str]:
    """The two 44-character lines of the TD3 (passport) MRZ of ``p``, with all check digits."""
    name = f"{_mrz_field(p.surname)}<<{_mrz_field(p.given_names)}"
    line1 = f"P<{p.iso3}{name}"[:44].ljust(44, "<")
    doc = p.passport_no.ljust(9, "<")
    dob = p.birth_date.strftime("%y%m%d")
    exp = p.passport_expiry.strftime("%y%m%d")
    personal = p.personal_no.ljust(14, "<")
    # ICAO 9303-4: an unused personal-number field may carry '<' as its check digit.
    personal_cd = mrz_check_digit(personal) if p.personal_no else "<"
    doc_part = doc + mrz_check_digit(doc)
    dob_part = dob + mrz_check_digit(dob)
    exp_part = exp + mrz_check_digit(exp)
    composite = doc_part + dob_part + exp_part + personal + personal_cd
    line2 = doc_part + p.iso3 + dob_part + p.sex + exp_part + personal + personal_cd + mrz_check_digit(composite)
    if len(line1) != 44 or len(line2) != 44:
        raise ValueError(f"bad TD3 length: {line1!r} {line2!r}")
    return line1, line2


# --------------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------------

EN_DASH = "\u2013"
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")
MONTHS_EN = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def d_num(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


def d_de(d: dt.date) -> str:
    return f"{d.day}. {MONTHS_DE[d.month - 1]} {d.year}"


def d_fr(d: dt.date) -> str:
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS_FR[d.month - 1]} {d.year}"


def d_en(d: dt.date) -> str:
    return f"{d.day:02d} {MONTHS_EN[d.month - 1]} {d.year}"


def chf(amount: int, *, cents: bool = False) -> str:
    """Swiss style: 5'600.– (round amount) or 1'450.00."""
    whole = f"{amount:,}".replace(",", "'")
    return f"CHF {whole}.00" if cents else f"CHF {whole}.{EN_DASH}"


# --------------------------------------------------------------------------------------------------
# Page model: drawing operations in points on an A4 page, rendered either to a scan image or to a text PDF
# --------------------------------------------------------------------------------------------------

_FONT_FILES = {"sans": "DejaVuSans", "sans-b": "DejaVuSans-Bold", "serif": "DejaVuSerif",
               "serif-b": "DejaVuSerif-Bold", "mono": "DejaVuSansMono"}
# Base-14 fonts for text PDFs: all narrower than their DejaVu counterparts, so DejaVu-based wrapping fits.
_PDF_FONTS = {"sans": ("F1", "Helvetica"), "sans-b": ("F2", "Helvetica-Bold"), "serif": ("F3", "Times-Roman"),
              "serif-b": ("F4", "Times-Bold"), "mono": ("F5", "Courier")}


@functools.cache
def _font(style: str, px: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / f"{_FONT_FILES[style]}.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"font missing: {path} (install fonts-dejavu-core)")
    return ImageFont.truetype(str(path), px)


def _bold(style: str) -> str:
    return style if style.endswith("-b") or style == "mono" else f"{style}-b"


def text_width_pt(style: str, size: float, text: str) -> float:
    return _font(style, max(1, round(size * PX_PER_PT))).getlength(text) / PX_PER_PT


def wrap(text: str, style: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width_pt(style, size, candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline, points from the top of the page
    text: str
    style: str
    size: float
    gray: int = 0


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6
    gray: int = 0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    width: float = 0.8


@dataclass(frozen=True)
class Poly:
    points: tuple[tuple[float, float], ...]
    width: float = 1.3
    gray: int = 30


@dataclass(frozen=True)
class Stamp:  # a rubber stamp (receipt date); rendered rotated on scans only
    x: float
    y: float
    lines: tuple[str, ...]
    angle: float
    gray: int = 60


Op = Text | Line | Rect | Poly | Stamp


class Flow:
    """Top-down flow of text and form elements over A4 pages, in points."""

    def __init__(self, *, family: str = "serif", size: float = 10.5, margin: float = 62.0,
                 top: float = 56.0, bottom: float = 70.0) -> None:
        self.family = family
        self.size = size
        self.left = margin
        self.right = A4_PT[0] - margin
        self.top = top
        self.bottom = A4_PT[1] - bottom
        self.pages: list[list[Op]] = [[]]
        self.y = top

    @property
    def ops(self) -> list[Op]:
        return self.pages[-1]

    @property
    def width(self) -> float:
        return self.right - self.left

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    def space(self, height: float) -> None:
        self.y += height

    def line(self, text: str, *, style: str | None = None, size: float | None = None, x: float | None = None,
             align: str = "left", gray: int = 0, leading: float = 1.38) -> None:
        style = style or self.family
        size = size or self.size
        self.ensure(size * leading)
        if align == "center":
            x = (self.left + self.right - text_width_pt(style, size, text)) / 2
        elif align == "right":
            x = self.right - text_width_pt(style, size, text)
        self.ops.append(Text(self.left if x is None else x, self.y + size, text, style, size, gray))
        self.y += size * leading

    def para(self, text: str, *, style: str | None = None, size: float | None = None, indent: float = 0.0,
             after: float = 5.0) -> None:
        style = style or self.family
        size = size or self.size
        for ln in wrap(text, style, size, self.width - indent):
            self.line(ln, style=style, size=size, x=self.left + indent)
        self.y += after

    def heading(self, text: str, *, size: float | None = None, before: float = 8.0, rule: bool = False) -> None:
        size = size or self.size + 1
        self.ensure(before + size * 3)  # never leave a heading alone at the bottom of a page
        self.y += before
        self.line(text, style=_bold(self.family), size=size)
        if rule:  # below the descenders, so OCR does not read the rule as part of the heading
            self.ops.append(Line(self.left, self.y + 1, self.right, self.y + 1, 0.6))
            self.y += 6

    def kv(self, label: str, value: str, *, label_w: float = 150.0, size: float | None = None) -> None:
        size = size or self.size
        lines = wrap(value, self.family, size, self.width - label_w)
        self.ensure(len(lines) * size * 1.38)
        self.ops.append(Text(self.left, self.y + size, label, _bold(self.family), size))
        for ln in lines:
            self.ops.append(Text(self.left + label_w, self.y + size, ln, self.family, size))
            self.y += size * 1.38

    def rule(self, *, gap: float = 6.0) -> None:
        self.ops.append(Line(self.left, self.y + gap / 2, self.right, self.y + gap / 2, 0.6))
        self.y += gap

    # form elements -------------------------------------------------------------------------------

    def fields(self, items: Sequence[tuple[str, str]], *, label_w: float | None = None, label_size: float = 9.0,
               value_size: float = 11.0, gap: float = 16.0, height: float = 25.0) -> None:
        """One form row: each item is a printed label followed by the filled-in value on a ruled line."""
        self.ensure(height)
        col_w = (self.width - gap * (len(items) - 1)) / len(items)
        base = self.y + 16
        for i, (label, value) in enumerate(items):
            x = self.left + i * (col_w + gap)
            lw = label_w if (label_w and i == 0) else text_width_pt("sans", label_size, label) + 8
            self.ops.append(Text(x, base, label, "sans", label_size, gray=40))
            self.ops.append(Text(x + lw, base, value, "sans", value_size))
            self.ops.append(Line(x + lw - 3, base + 5, x + col_w, base + 5, 0.5, gray=90))
        self.y += height

    def checks(self, items: Sequence[tuple[str, bool]], *, cols: int = 3, size: float = 10.0) -> None:
        col_w = self.width / cols
        for start in range(0, len(items), cols):
            self.ensure(20)
            for i, (label, checked) in enumerate(items[start:start + cols]):
                x = self.left + i * col_w
                top = self.y + 4
                self.ops.append(Rect(x, top, 10, 10, 0.9))
                if checked:
                    self.ops.append(Line(x + 2, top + 2, x + 8, top + 8, 1.2))
                    self.ops.append(Line(x + 2, top + 8, x + 8, top + 2, 1.2))
                self.ops.append(Text(x + 17, top + 9.5, label, "sans", size))
            self.y += 19
        self.y += 3

    def signatures(self, rng: random.Random, labels: Sequence[str], *, place_date: str | None = None) -> None:
        self.ensure(90)
        if place_date:
            self.line(place_date)
        self.y += 34
        col_w = self.width / len(labels)
        for i, label in enumerate(labels):
            x = self.left + i * col_w
            self.ops.append(Poly(_squiggle(rng, x + 12, self.y - 6, min(150.0, col_w - 40))))
            self.ops.append(Line(x, self.y + 2, x + col_w - 30, self.y + 2, 0.6))
            self.ops.append(Text(x, self.y + 14, label, self.family, 9, gray=40))
        self.y += 26

    def letterhead(self, lines: Sequence[str], *, arms: bool = True) -> None:
        """Authority or company letterhead: a small coat-of-arms placeholder and the name lines."""
        x = self.left
        if arms:  # shield outline divided diagonally, as on cantonal letterheads
            y0 = self.y
            self.ops.append(Poly(((x, y0), (x + 24, y0), (x + 24, y0 + 18), (x + 12, y0 + 30), (x, y0 + 18),
                                  (x, y0)), width=1.0, gray=0))
            self.ops.append(Line(x, y0, x + 24, y0 + 18, 1.0))
            x += 36
        for i, ln in enumerate(lines):
            size = 11.5 if i == 0 else 9.0
            self.ops.append(Text(x, self.y + 11 + i * 12.5, ln, "sans-b" if i == 0 else "sans", size))
        self.y += max(34.0, 12.5 * len(lines) + 8) + 10

    def finish(self, footer: str) -> list[list[Op]]:
        """Add the footer (may contain {page} and {pages}) to every page and return the pages."""
        n = len(self.pages)
        for i, page in enumerate(self.pages, start=1):
            text = footer.format(page=i, pages=n)
            x = (A4_PT[0] - text_width_pt("sans", 7.5, text)) / 2
            page.append(Text(x, A4_PT[1] - 34, text, "sans", 7.5, gray=60))
        return self.pages


def _squiggle(rng: random.Random, x: float, y: float, width: float) -> tuple[tuple[float, float], ...]:
    """A handwritten-looking signature stroke (two superposed waves with loops)."""
    f1, f2 = rng.uniform(0.18, 0.3), rng.uniform(0.5, 0.9)
    a1, a2 = rng.uniform(5, 9), rng.uniform(2, 4)
    ph = rng.uniform(0, math.pi)
    pts = []
    n = int(width / 1.5)
    for i in range(n):
        t = i * 1.5
        pts.append((x + t + 3 * math.sin(t * f2 + ph), y + a1 * math.sin(t * f1 + ph) + a2 * math.cos(t * f2)))
    return tuple(pts)


# rendering: scan images -----------------------------------------------------------------------------


def rasterize(page: Sequence[Op], *, dpi: int = DPI) -> Image.Image:
    """Render one page to a grayscale ("L") image at ``dpi``."""
    s = dpi / 72
    img = Image.new("L", (round(A4_PT[0] * s), round(A4_PT[1] * s)), 255)
    draw = ImageDraw.Draw(img)
    for op in page:
        match op:
            case Text():
                draw.text((op.x * s, op.y * s), op.text, font=_font(op.style, round(op.size * s)), fill=op.gray,
                          anchor="ls")
            case Line():
                draw.line([(op.x1 * s, op.y1 * s), (op.x2 * s, op.y2 * s)], fill=op.gray,
                          width=max(1, round(op.width * s)))
            case Rect():
                draw.rectangle((op.x * s, op.y * s, (op.x + op.w) * s, (op.y + op.h) * s), outline=0,
                               width=max(1, round(op.width * s)))
            case Poly():
                draw.line([(px * s, py * s) for px, py in op.points], fill=op.gray,
                          width=max(1, round(op.width * s)), joint="curve")
            case Stamp():
                _draw_stamp(img, op, s)
    return img


def _draw_stamp(img: Image.Image, op: Stamp, s: float) -> None:
    font = _font("sans-b", round(9.5 * s))
    pad, lh = round(6 * s), round(12.5 * s)
    w = round(max(font.getlength(ln) for ln in op.lines)) + 2 * pad
    h = lh * len(op.lines) + 2 * pad
    stamp = Image.new("L", (w, h), 255)
    sd = ImageDraw.Draw(stamp)
    sd.rectangle((2, 2, w - 3, h - 3), outline=op.gray, width=max(2, round(1.4 * s)))
    for i, ln in enumerate(op.lines):
        sd.text((w / 2, pad + i * lh), ln, font=font, fill=op.gray, anchor="ma")
    stamp = stamp.rotate(op.angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    box = (round(op.x * s), round(op.y * s))
    region = img.crop((*box, box[0] + stamp.width, box[1] + stamp.height))
    img.paste(ImageChops.darker(region, stamp), box)


def _scanner(img: Image.Image, rng: random.Random, *, max_skew: float = 0.5) -> Image.Image:
    """What a document feeder does to a page: a slight skew and some dust."""
    img = img.rotate(rng.uniform(-max_skew, max_skew), resample=Image.Resampling.BICUBIC, fillcolor=255)
    draw = ImageDraw.Draw(img)
    w, h = img.size
    for _ in range(rng.randint(12, 36)):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.choice((1, 1, 2, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(0, 100))
    return img


def bilevel_scan(img: Image.Image, rng: random.Random) -> Image.Image:
    """1-bit scan (what bulk scanning of paper files delivers): small files, still well readable."""
    return _scanner(img, rng).point(lambda v: 255 if v > 170 else 0, mode="1")


def gray_scan(img: Image.Image, rng: random.Random) -> Image.Image:
    """Grayscale copier-style scan: greyish paper, softened edges."""
    img = _scanner(img, rng).filter(ImageFilter.GaussianBlur(0.6))
    return img.point(lambda v: round(38 + v * 0.82))


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True, dpi=(DPI, DPI))
    return buf.getvalue()


def jpeg_bytes(img: Image.Image, quality: int = 70) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True, dpi=(DPI, DPI))
    return buf.getvalue()


def tiff_bytes(pages: Sequence[Image.Image]) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=list(pages[1:]), compression="group4",
                  dpi=(DPI, DPI))
    return buf.getvalue()


_FIXED_PDF_DATE = dt.datetime(2025, 4, 10, 9, 0, tzinfo=dt.UTC)


def image_pdf_bytes(pages: Sequence[Image.Image], *, title: str) -> bytes:
    """Image-only PDF, as a scanner writes it (1-bit pages are CCITT G4 encoded by Pillow)."""
    buf = io.BytesIO()
    stamp = _FIXED_PDF_DATE.timetuple()  # fixed dates keep the output byte-for-byte reproducible
    pages[0].save(buf, "PDF", save_all=True, append_images=list(pages[1:]), resolution=float(DPI), title=title,
                  creator="Scan station (fictitious sample)", producer="eAkte samples/generate.py",
                  creationDate=stamp, modDate=stamp)
    return buf.getvalue()


# rendering: born-digital text PDF -------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")  # WinAnsiEncoding
    out = bytearray(b"(")
    for b in raw:
        if b in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([b])
        elif 32 <= b < 127:
            out.append(b)
        else:
            out += f"\\{b:03o}".encode()
    return bytes(out + b")")


def text_pdf_bytes(pages: Sequence[Sequence[Op]], *, title: str, author: str) -> bytes:
    """Minimal born-digital PDF with a real text layer (base-14 fonts, WinAnsiEncoding)."""
    height = A4_PT[1]
    fonts = sorted(set(_PDF_FONTS.values()))
    font_obj = {name: 3 + i for i, (name, _base) in enumerate(fonts)}
    info_obj = 3 + len(fonts)
    first_page_obj = info_obj + 1
    objects: dict[int, bytes] = {}
    for name, base in fonts:
        objects[font_obj[name]] = (f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
                                   f"/Encoding /WinAnsiEncoding >>").encode()
    date = _FIXED_PDF_DATE.strftime("D:%Y%m%d%H%M%SZ")
    objects[info_obj] = (b"<< /Title " + _pdf_string(title) + b" /Author " + _pdf_string(author)
                         + b" /Producer (eAkte samples/generate.py) /CreationDate (" + date.encode()
                         + b") /ModDate (" + date.encode() + b") >>")
    kids = []
    font_res = " ".join(f"/{name} {num} 0 R" for name, num in font_obj.items())
    for i, page in enumerate(pages):
        page_obj, content_obj = first_page_obj + 2 * i, first_page_obj + 2 * i + 1
        kids.append(f"{page_obj} 0 R")
        cmds: list[bytes] = []
        for op in page:
            match op:
                case Text():
                    fname = _PDF_FONTS[op.style][0]
                    cmds.append(f"BT /{fname} {op.size:.2f} Tf {op.gray / 255:.3f} g {op.x:.2f} "
                                f"{height - op.y:.2f} Td ".encode() + _pdf_string(op.text) + b" Tj ET")
                case Line():
                    cmds.append(f"{op.width:.2f} w {op.gray / 255:.3f} G {op.x1:.2f} {height - op.y1:.2f} m "
                                f"{op.x2:.2f} {height - op.y2:.2f} l S".encode())
                case Rect():
                    cmds.append(f"{op.width:.2f} w 0 G {op.x:.2f} {height - op.y - op.h:.2f} {op.w:.2f} "
                                f"{op.h:.2f} re S".encode())
                case Poly():
                    path = " ".join(f"{px:.2f} {height - py:.2f} {'m' if j == 0 else 'l'}"
                                    for j, (px, py) in enumerate(op.points))
                    cmds.append(f"{op.width:.2f} w 1 J 1 j {op.gray / 255:.3f} G {path} S".encode())
                case Stamp():
                    pass  # born-digital documents carry no rubber stamps
        stream = zlib.compress(b"\n".join(cmds), 9)
        objects[content_obj] = (f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream
                                + b"\nendstream")
        objects[page_obj] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4_PT[0]:.2f} {A4_PT[1]:.2f}] "
                             f"/Resources << /Font << {font_res} >> >> /Contents {content_obj} 0 R >>").encode()
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for num in range(1, size):
        out += f"{offsets[num]:010d} 00000 n \n".encode()
    doc_id = hashlib.sha256(bytes(out)).hexdigest()[:32]
    out += (f"trailer\n<< /Size {size} /Root 1 0 R /Info {info_obj} 0 R /ID [<{doc_id}> <{doc_id}>] >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


# --------------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------------

FOOTER_DE = f"Fiktive Testdaten {EN_DASH} eAkte Migration Musterdokument {EN_DASH} Seite {{page}}/{{pages}}"
FOOTER_FR = f"Données fictives {EN_DASH} document modèle eAkte Migration {EN_DASH} page {{page}}/{{pages}}"


@dataclass(frozen=True)
class Authority:
    lines_de: tuple[str, ...]
    lines_fr: tuple[str, ...]
    short: str
    seat: str


AUTHORITIES: Mapping[str, Authority] = {
    "ZH": Authority(("Kanton Zürich", "Sicherheitsdirektion", "Migrationsamt", "8090 Zürich"),
                    ("Canton de Zurich", "Direction de la sécurité", "Office des migrations", "8090 Zurich"),
                    "MA ZH", "Zürich"),
    "BE": Authority(("Kanton Bern", "Sicherheitsdirektion", "Amt für Bevölkerungsdienste, Migrationsdienst",
                     "3011 Bern"),
                    ("Canton de Berne", "Direction de la sécurité", "Office de la population, Service des migrations",
                     "3011 Berne"), "ABEV BE", "Bern"),
    "VD": Authority(("Kanton Waadt", "Bevölkerungsdienst (SPOP)", "1014 Lausanne"),
                    ("Canton de Vaud", "Département de l'économie, de l'innovation, de l'emploi et du patrimoine",
                     "Service de la population (SPOP)", "1014 Lausanne"), "SPOP VD", "Lausanne"),
    "GE": Authority(("Republik und Kanton Genf", "Kantonsamt für Bevölkerung und Migration (OCPM)", "1213 Onex"),
                    ("République et canton de Genève", "Département des institutions et du numérique",
                     "Office cantonal de la population et des migrations (OCPM)", "1213 Onex"), "OCPM GE", "Genève"),
}


def _ref(rng: random.Random, prefix: str, year: int = 2025) -> str:
    return f"{prefix}-{year}-{rng.randint(10000, 99999):05d}"


def doc_application_de(p: Person, rng: random.Random) -> list[list[Op]]:
    """Gesuch um Erteilung einer Aufenthaltsbewilligung (cantonal migration office form), 2 pages."""
    auth = AUTHORITIES.get(p.canton, AUTHORITIES["ZH"])
    signed = p.entry_date + dt.timedelta(days=1)
    f = Flow(family="sans", size=10.0)
    f.letterhead(auth.lines_de)
    f.ops.append(Stamp(400, 40, ("EINGEGANGEN", d_num(signed + dt.timedelta(days=2)), auth.short),
                       angle=rng.uniform(-7, 7)))
    f.space(8)
    f.line("Gesuch um Erteilung einer Aufenthaltsbewilligung", style="sans-b", size=15)
    f.line(f"(Ausweis B) {EN_DASH} Erwerbstätigkeit von Drittstaatsangehörigen", size=10.5)
    f.space(4)
    f.line(f"Dossier-Nr. (durch das Amt auszufüllen): {_ref(rng, p.canton)}", size=9, gray=40)
    f.heading("1. Personalien", rule=True)
    f.fields([("Name:", p.surname.upper()), ("Vorname:", p.given_names)])
    f.fields([("Geburtsdatum:", d_num(p.birth_date)), ("Geburtsort:", p.birth_place)])
    f.fields([("Geschlecht:", "weiblich" if p.female else "männlich"),
              ("Zivilstand:", ("verheiratet" if p.married else "ledig"))])
    f.fields([("Staatsangehörigkeit:", p.country_de)])
    f.fields([("AHV-Nr.:", p.ahv_formatted)])
    f.fields([("Pass-Nr.:", p.passport_no), ("gültig bis:", d_num(p.passport_expiry))])
    f.heading("2. Adresse in der Schweiz", rule=True)
    f.fields([("Strasse, Nr.:", p.street)])
    f.fields([("PLZ, Ort:", f"{p.zip_code} {p.town}"), ("Kanton:", p.canton)])
    f.fields([("Einreise in die Schweiz am:", d_num(p.entry_date))])
    f.fields([("E-Mail:", p.email)])
    f.heading("3. Aufenthaltszweck", rule=True)
    f.checks([("Erwerbstätigkeit", True), ("Familiennachzug", False), ("Aus- oder Weiterbildung", False),
              ("Rentnerin / Rentner", False), ("Medizinische Behandlung", False), ("Anderer Zweck", False)])
    f.heading("4. Frühere Aufenthalte und Verfahren", rule=True)
    f.fields([("Frühere Aufenthalte in der Schweiz (von / bis, Ort):", "keine")])
    f.para("Wurden Sie in der Schweiz oder im Ausland strafrechtlich verurteilt, oder ist ein Strafverfahren "
           "hängig?", after=1)
    f.checks([("ja", False), ("nein", True)], cols=6)
    f.para("Wurde Ihnen in einem Schengen-Staat die Einreise oder der Aufenthalt verweigert?", after=1)
    f.checks([("ja", False), ("nein", True)], cols=6)
    f.new_page()
    f.heading("5. Arbeitgeber und Stelle", rule=True, before=0)
    f.fields([("Firma:", p.employer)])
    f.fields([("Adresse:", p.employer_address)])
    f.fields([("Funktion:", p.job_de), ("Stellenantritt:", d_num(p.job_start))])
    f.fields([("Bruttolohn:", f"{chf(p.salary_chf)} pro Monat")])
    f.heading("6. Familienangehörige", rule=True)
    if p.married:
        f.para("Ehegatte / Ehegattin lebt im Heimatstaat. Ein Familiennachzug wird mit separatem Gesuch beantragt.")
    else:
        f.para("Keine Familienangehörigen in der Schweiz.")
    f.heading("7. Beilagen", rule=True)
    f.checks([("Kopie Reisepass", True), ("Arbeitsvertrag", True), ("Mietvertrag", True), ("Passfoto", True),
              ("Lebenslauf", False), ("Diplome / Zeugnisse", False)])
    f.heading("8. Erklärung", rule=True)
    f.para("Die gesuchstellende Person bestätigt mit ihrer Unterschrift, dass die vorstehenden Angaben "
           "vollständig und wahrheitsgetreu sind. Sie nimmt zur Kenntnis, dass falsche Angaben strafbar sind "
           "(Art. 118 AIG) und zum Widerruf der Bewilligung führen können (Art. 62 AIG). Die Behörde darf die "
           "für den Entscheid notwendigen Auskünfte bei anderen Amtsstellen einholen.")
    f.signatures(rng, ["Unterschrift der gesuchstellenden Person"], place_date=f"{p.town}, {d_num(signed)}")
    return f.finish(f"Formular MA 1.2 {EN_DASH} {FOOTER_DE}")


def doc_application_fr(p: Person, rng: random.Random) -> list[list[Op]]:
    """Demande d'autorisation de séjour (Romandie), 1 page."""
    auth = AUTHORITIES.get(p.canton, AUTHORITIES["GE"])
    if auth.lines_fr[0].startswith("Canton de Zurich") or p.canton == "BE":
        auth = AUTHORITIES["GE"]  # a French form comes from a French-speaking canton
    signed = p.entry_date + dt.timedelta(days=10)
    f = Flow(family="sans", size=10.0, top=50, bottom=60)
    f.letterhead(auth.lines_fr)
    f.space(4)
    f.line("Demande d'autorisation de séjour", style="sans-b", size=15)
    f.line(f"(permis B) {EN_DASH} activité lucrative / regroupement familial", size=10.5)
    f.line(f"N° de dossier (réservé à l'administration) : {_ref(rng, p.canton)}", size=9, gray=40)
    f.heading("1. Données personnelles", rule=True, before=6)
    f.fields([("Nom :", p.surname.upper()), ("Prénom :", p.given_names)])
    f.fields([("Date de naissance :", d_num(p.birth_date)), ("Lieu de naissance :", p.birth_place)])
    f.fields([("Sexe :", "féminin" if p.female else "masculin"),
              ("État civil :", ("marié" if p.married else "célibataire") + ("e" if p.female else ""))])
    f.fields([("Nationalité :", p.country_fr), ("N° AVS :", p.ahv_formatted)])
    f.fields([("Passeport n° :", p.passport_no), ("valable jusqu'au :", d_num(p.passport_expiry))])
    f.heading("2. Adresse en Suisse", rule=True, before=6)
    f.fields([("Rue, n° :", p.street), ("NPA, localité :", f"{p.zip_code} {p.town}")])
    f.fields([("Date d'arrivée en Suisse :", d_num(p.entry_date)), ("Canton :", p.canton)])
    f.heading("3. Motif du séjour", rule=True, before=6)
    f.checks([("activité lucrative", True), ("regroupement familial", p.married), ("formation", False),
              ("rentier / rentière", False), ("traitement médical", False), ("autre motif", False)])
    f.heading("4. Employeur", rule=True, before=4)
    f.fields([("Employeur :", p.employer)])
    f.fields([("Adresse :", p.employer_address)])
    f.fields([("Fonction :", p.job_fr), ("Début :", d_num(p.job_start))])
    f.fields([("Salaire brut :", f"{chf(p.salary_chf)} par mois")])
    f.heading("5. Déclaration", rule=True, before=6)
    f.para("La personne requérante certifie que les indications ci-dessus sont complètes et conformes à la "
           "vérité. Elle prend acte que de fausses indications sont punissables (art. 118 LEI) et peuvent "
           "entraîner la révocation de l'autorisation (art. 62 LEI).", size=9.5)
    f.signatures(rng, ["Signature de la personne requérante"], place_date=f"{auth.seat}, le {d_num(signed)}")
    return f.finish(FOOTER_FR)


def doc_employment_contract(p: Person, rng: random.Random) -> list[list[Op]]:
    """Arbeitsvertrag between a Swiss company and the person, 1 page."""
    place = p.employer_address.rsplit(" ", 1)[-1]
    signed = p.entry_date - dt.timedelta(days=6)
    er, ee = "Arbeitgeberin", "Arbeitnehmerin" if p.female else "Arbeitnehmer"
    the_ee = f"{'Die' if p.female else 'Der'} {ee}"
    hours = rng.choice((40, 41, 42, 42.5))
    f = Flow(family="serif", size=10.0, top=50, bottom=58)
    f.letterhead([p.employer, p.employer_address, f"personal@{_ascii(p.employer.split()[0]).lower()}.example.com"],
                 arms=False)
    f.rule()
    f.space(6)
    f.line("Arbeitsvertrag", style="serif-b", size=18, align="center")
    f.line("(unbefristetes Arbeitsverhältnis)", size=10, align="center")
    f.space(6)
    f.line("zwischen")
    f.line(f"{p.employer}, {p.employer_address}", style="serif-b")
    f.line(f"(nachfolgend «{er}»)")
    f.line("und")
    title = "Frau" if p.female else "Herr"
    f.para(f"{title} {p.given_names} {p.surname}, geboren am {d_num(p.birth_date)}, Staatsangehörigkeit: "
           f"{p.country_de}, wohnhaft {p.street}, {p.zip_code} {p.town}", style="serif-b", after=0)
    f.line(f"(nachfolgend «{ee}»)")
    sections = [
        ("1. Beginn und Funktion", f"Das Arbeitsverhältnis beginnt am {d_de(p.job_start)}. {the_ee} wird als "
         f"{p.job_de} angestellt. Arbeitsort ist {place}."),
        ("2. Probezeit", "Die ersten drei Monate gelten als Probezeit. Während der Probezeit kann das "
         "Arbeitsverhältnis mit einer Frist von sieben Tagen gekündigt werden."),
        ("3. Arbeitszeit", f"Die wöchentliche Arbeitszeit beträgt {hours} Stunden."),
        ("4. Lohn", f"Der Bruttolohn beträgt {chf(p.salary_chf)} pro Monat und wird 13-mal pro Jahr ausbezahlt. "
         "Die Beiträge an die Sozialversicherungen (AHV/IV/EO, ALV, BVG, NBU) werden vom Lohn abgezogen."),
        ("5. Ferien", "Es besteht Anspruch auf 25 Arbeitstage bezahlte Ferien pro Kalenderjahr."),
        ("6. Kündigung", "Nach Ablauf der Probezeit kann das Arbeitsverhältnis unter Einhaltung der Fristen "
         "gemäss Art. 335c OR jeweils auf das Ende eines Monats gekündigt werden."),
        ("7. Bewilligungsvorbehalt", "Dieser Vertrag wird unter dem Vorbehalt abgeschlossen, dass die "
         "zuständigen Behörden die erforderliche Aufenthalts- und Arbeitsbewilligung erteilen."),
        ("8. Schlussbestimmungen", "Soweit dieser Vertrag nichts anderes regelt, gelten die Bestimmungen des "
         f"Obligationenrechts (Art. 319 ff. OR). Gerichtsstand ist {place}."),
    ]
    for head, body in sections:
        f.heading(head, size=10.5, before=5)
        f.para(body, after=1)
    f.space(8)
    f.signatures(rng, [f"Für die {er}", the_ee], place_date=f"{place}, {d_de(signed)}")
    return f.finish(FOOTER_DE)


def doc_police_report(p: Person, rng: random.Random) -> list[list[Op]]:
    """Polizeirapport (Anzeige wegen Erwerbstätigkeit ohne Bewilligung), 2 pages."""
    event = dt.date(2025, 1, 14) + dt.timedelta(days=rng.randint(0, 40))
    hour, minute = rng.randint(7, 15), rng.choice((5, 20, 35, 50))
    written = event + dt.timedelta(days=1)
    officer = rng.choice(("Wm Lukas Keller", "Gfr Sandra Moser", "Kpl Daniel Schär", "Wm Nadia Baumann"))
    pron = "Die beschuldigte Person"
    f = Flow(family="sans", size=10.0)
    f.letterhead(["Kantonspolizei Bern", "Regionalpolizei Bern", "Fachbereich Migration und Arbeitsmarkt",
                  "Nordring 30, 3013 Bern"])
    f.line(f"Bern, {d_num(written)}", align="right")
    f.space(4)
    f.line("Polizeirapport", style="sans-b", size=18)
    f.para("Anzeige wegen Widerhandlung gegen das Bundesgesetz über die Ausländerinnen und Ausländer und "
           "über die Integration (AIG)", size=10.5)
    f.kv("Rapport-Nr.:", f"KAPO BE {event.year}-{rng.randint(100000, 999999)}")
    f.kv("Ereignis:", f"{d_num(event)}, {hour:02d}:{minute:02d} Uhr")
    f.kv("Ereignisort:", "Baustelle Wankdorffeldstrasse 80, 3014 Bern")
    f.kv("Delikt:", "Erwerbstätigkeit ohne Bewilligung (Art. 115 Abs. 1 Bst. c AIG)")
    f.heading("Beschuldigte Person", rule=True)
    f.kv("Name:", p.surname.upper())
    f.kv("Vorname:", p.given_names)
    f.kv("Geburtsdatum:", d_num(p.birth_date))
    f.kv("Geburtsort:", f"{p.birth_place} ({p.country_de})")
    f.kv("Staatsangehörigkeit:", p.country_de)
    f.kv("Ausweis:", f"Reisepass Nr. {p.passport_no}, gültig bis {d_num(p.passport_expiry)}")
    f.kv("Adresse:", f"{p.street}, {p.zip_code} {p.town}")
    f.heading("Sachverhalt", rule=True)
    f.para(f"Am {d_num(event)} führte die Kantonspolizei Bern zusammen mit der Arbeitsmarktaufsicht des Amtes "
           "für Wirtschaft eine Kontrolle auf der Baustelle an der Wankdorffeldstrasse 80 in Bern durch. Dabei "
           f"wurde {p.given_names} {p.surname.upper()} beim Verlegen von Bodenplatten angetroffen. Die Person trug "
           "Arbeitskleidung und konnte keine Arbeits- oder Aufenthaltsbewilligung vorweisen.")
    f.para("Gemäss Auskunft des Vorarbeiters ist die Person seit rund drei Wochen auf der Baustelle tätig und "
           "wird im Stundenlohn bar entschädigt. Eine Anmeldung bei den Sozialversicherungen liegt nicht vor. "
           "Die Abklärung im Zentralen Migrationsinformationssystem (ZEMIS) ergab keine gültige Bewilligung "
           "für eine Erwerbstätigkeit im Kanton Bern.")
    f.new_page()
    f.heading("Aussagen der beschuldigten Person", rule=True, before=0)
    f.para(f"Die Befragung erfolgte mit Hilfe einer Dolmetscherin für die Sprache {p.language_de}. {pron} gab an, "
           "sie habe geglaubt, mit dem Gesuch um eine Aufenthaltsbewilligung auch arbeiten zu dürfen. Den "
           "Kontakt zur Baufirma habe ein Bekannter vermittelt. Der Lohn betrage 25 Franken pro Stunde.")
    f.heading("Massnahmen", rule=True)
    f.para(f"{pron} wurde nach der Befragung entlassen. Der Migrationsdienst des Kantons Bern wurde am "
           f"{d_num(written)} informiert. Die Akten werden der Staatsanwaltschaft Region Bern-Mittelland zur "
           "weiteren Bearbeitung überwiesen. Gegen die Arbeitgeberin wird separat rapportiert (Art. 117 AIG).")
    f.heading("Beilagen", rule=True)
    f.para(f"Protokoll der Befragung vom {d_num(event)}; Kopie Reisepass; Fotodokumentation (3 Bilder)")
    f.heading("Verteiler", rule=True)
    f.para("Staatsanwaltschaft Region Bern-Mittelland; Migrationsdienst des Kantons Bern; Amt für Wirtschaft, "
           "Arbeitsmarktaufsicht")
    f.space(10)
    f.signatures(rng, [f"Rapportierend: {officer}"], place_date=f"Bern, {d_num(written)}")
    return f.finish(f"Kantonspolizei Bern {EN_DASH} {FOOTER_DE}")


def doc_rental_agreement(p: Person, rng: random.Random) -> list[list[Op]]:
    """Contrat de bail à loyer (Lausanne), French, born-digital (text PDF) or scanned."""
    rent = rng.randrange(1250, 1900, 10)
    heating, other = rng.choice((110, 120, 140)), rng.choice((50, 60, 75))
    start = p.job_start.replace(day=1)
    first_term = start.replace(year=start.year + 1) - dt.timedelta(days=1)
    rooms = rng.choice(("2,5", "3", "3,5"))
    floor = rng.choice(("1er", "2e", "3e", "4e"))
    signed = start - dt.timedelta(days=rng.randint(15, 25))
    tenant = f"{'Madame' if p.female else 'Monsieur'} {p.given_names} {p.surname.upper()}"
    address = (f"{p.street}, {p.zip_code} {p.town}" if p.canton in ("VD", "GE")
               else "Chemin de Montelly 14, 1007 Lausanne")
    f = Flow(family="sans", size=10.0)
    f.letterhead(["Régie Montelly & Associés SA", "Avenue de Cour 58, 1007 Lausanne",
                  "gerance@regie-montelly.example.com"], arms=False)
    f.rule()
    f.space(8)
    f.line("CONTRAT DE BAIL À LOYER", style="sans-b", size=16, align="center")
    f.line("pour locaux d'habitation", size=10.5, align="center")
    f.space(6)
    f.heading("1. Parties")
    f.kv("Bailleur :", "Régie Montelly & Associés SA, au nom et pour le compte de la Fondation de "
         "prévoyance du Léman (propriétaire)")
    f.kv("Locataire :", f"{tenant}, née le {d_num(p.birth_date)}" if p.female
         else f"{tenant}, né le {d_num(p.birth_date)}")
    f.kv("Nationalité :", p.country_fr)
    f.heading("2. Objet loué")
    f.kv("Adresse :", address)
    f.kv("Description :", f"appartement de {rooms} pièces au {floor} étage, cuisine agencée, salle de bains, "
         f"cave n° {rng.randint(1, 24)}")
    f.kv("Usage :", "habitation exclusivement")
    f.heading("3. Durée du bail")
    f.kv("Date d'entrée :", d_fr(start))
    f.para(f"Le bail est conclu pour une durée initiale d'une année, soit jusqu'au {d_fr(first_term)}. Il se "
           "renouvelle ensuite tacitement d'année en année, sauf résiliation donnée par l'une ou l'autre des "
           "parties au moins trois mois à l'avance pour une échéance contractuelle.")
    f.heading("4. Loyer et frais accessoires")
    f.kv("Loyer mensuel net :", chf(rent, cents=True), label_w=230)
    f.kv("Acompte chauffage et eau chaude :", chf(heating, cents=True), label_w=230)
    f.kv("Autres frais accessoires :", chf(other, cents=True), label_w=230)
    f.kv("Total mensuel :", chf(rent + heating + other, cents=True), label_w=230)
    f.para("Le loyer est payable par mois d'avance, le premier de chaque mois, au domicile du bailleur ou à "
           "son compte postal.")
    f.heading("5. Garantie de loyer")
    f.para(f"Le locataire constitue une garantie de {chf(3 * rent, cents=True)}, correspondant à trois mois de "
           "loyer net, déposée sur un compte bancaire bloqué au nom du locataire (art. 257e CO).")
    f.heading("6. Dispositions complémentaires")
    f.para("Les Dispositions paritaires romandes et règles et usages locatifs du canton de Vaud font partie "
           "intégrante du présent contrat. Le locataire déclare en avoir reçu un exemplaire.")
    f.space(6)
    f.signatures(rng, ["Le bailleur", "Le locataire"], place_date=f"Lausanne, le {d_fr(signed)}")
    return f.finish(FOOTER_FR)


# passport data page (ID-3), rendered as an RGB photo-scan ----------------------------------------------

PASSPORT_PX = (1500, 1056)
_PASSPORT_TINT = {"SYR": (222, 234, 226), "AFG": (230, 228, 240), "ERI": (236, 230, 218), "TUR": (240, 226, 226),
                  "RKS": (224, 230, 242), "UKR": (226, 234, 244)}
MRZ_FONT_PX = 48


def render_passport(p: Person, rng: random.Random) -> Image.Image:
    """TD3 data page of ``p``: visual zone with bilingual labels, photo placeholder and a valid MRZ."""
    w, h = PASSPORT_PX
    paper = (250, 250, 246)
    tint = _PASSPORT_TINT.get(p.iso3, (228, 232, 236))
    ink = (20, 22, 34)
    img = Image.new("RGB", (w, h), paper)
    d = ImageDraw.Draw(img)
    mrz_top = 840
    d.rectangle((0, 0, w, mrz_top), fill=tint)
    # guilloche-like security background, kept out of the MRZ clear zone
    line_colour = tuple(c - 16 for c in tint)
    for k in range(26):
        amp, phase = 9 + 5 * math.sin(k * 0.9), k * 0.45
        pts = [(x, 118 + k * 28 + amp * math.sin(x / 64 + phase)) for x in range(0, w + 1, 10)]
        d.line(pts, fill=line_colour, width=2)
    d.text((w / 2, 46), p.state_en, font=_font("sans-b", 42), fill=ink, anchor="mm")
    d.text((w / 2, 96), "PASSPORT / PASSEPORT", font=_font("sans", 30), fill=ink, anchor="mm")
    # photo placeholder (a neutral silhouette)
    d.rectangle((60, 150, 400, 590), fill=(206, 206, 202), outline=(110, 110, 110), width=2)
    d.chord((110, 440, 350, 700), 180, 360, fill=(140, 140, 142))
    d.ellipse((150, 220, 310, 420), fill=(150, 150, 152))
    d.text((60, 606), "Holder's signature /", font=_font("sans", 20), fill=(70, 70, 90))
    d.text((60, 630), "Signature du titulaire", font=_font("sans", 20), fill=(70, 70, 90))
    sig = _squiggle(rng, 80, 0, 280)
    d.line([(x, 710 + y * 1.8) for x, y in sig], fill=(30, 40, 90), width=3, joint="curve")
    label_f, value_f = _font("sans", 22), _font("sans-b", 32)
    x1, x2, x3 = 450, 790, 1120
    rows: list[list[tuple[str, str, int]]] = [
        [("Type / Type", "P", x1), ("Code / Code", p.iso3, x2), ("Passport No. / N° du passeport", p.passport_no, x3)],
        [("Surname / Nom", p.surname.upper(), x1)],
        [("Given names / Prénoms", p.given_names.upper(), x1)],
        [("Nationality / Nationalité", p.nationality_en, x1)],
        [("Date of birth / Date de naissance", d_en(p.birth_date), x1), ("Sex / Sexe", p.sex, x3)],
        [("Place of birth / Lieu de naissance", p.birth_place.upper(), x1)],
        [("Date of issue / Date de délivrance", d_en(p.passport_issued), x1),
         ("Date of expiry / Date d'expiration", d_en(p.passport_expiry), x2 + 80)],
        [("Authority / Autorité", p.passport_authority, x1)]
        + ([("Personal No. / N° personnel", p.personal_no, x3 - 90)] if p.personal_no else []),
    ]
    for i, row in enumerate(rows):
        y = 150 + i * 84
        for label, value, x in row:
            d.text((x, y), label, font=label_f, fill=(60, 62, 84))
            d.text((x, y + 28), value, font=value_f, fill=ink)
    mrz_font = _font("mono", MRZ_FONT_PX)
    for i, ln in enumerate(td3_mrz(p)):
        d.text(((w - mrz_font.getlength(ln)) / 2, 880 + i * 78), ln, font=mrz_font, fill=(0, 0, 0))
    # photographed/scanned on a flatbed: a slight skew and softness
    img = img.rotate(rng.uniform(-0.35, 0.35), resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    return img.filter(ImageFilter.GaussianBlur(0.55))


# --------------------------------------------------------------------------------------------------
# eCH messages
# --------------------------------------------------------------------------------------------------

NS = {
    "eCH-0020": "http://www.ech.ch/xmlns/eCH-0020/3",
    "eCH-0058": "http://www.ech.ch/xmlns/eCH-0058/5",
    "eCH-0044": "http://www.ech.ch/xmlns/eCH-0044/4",
    "eCH-0011": "http://www.ech.ch/xmlns/eCH-0011/8",
    "eCH-0021": "http://www.ech.ch/xmlns/eCH-0021/7",
    "eCH-0010": "http://www.ech.ch/xmlns/eCH-0010/5",
    "eCH-0008": "http://www.ech.ch/xmlns/eCH-0008/3",
    "eCH-0007": "http://www.ech.ch/xmlns/eCH-0007/5",
}
NS_0090 = "http://www.ech.ch/xmlns/eCH-0090/2"

MOVE_IN_MESSAGE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://eakte.example/samples/{SEED}/moveIn"))
MOVE_IN_MESSAGE_TYPE = "2020"
MOVE_IN_SENDER_ID = "T3-230-1"  # test participant: population office of the municipality (Winterthur)
MOVE_IN_RECIPIENT_ID = "T2-ZH-7"  # test participant: cantonal migration office
MOVE_IN_MESSAGE_DATE = dt.datetime(2025, 3, 4, 8, 30, tzinfo=dt.UTC)
MUNICIPALITY_NAMES = {230: "Winterthur", 261: "Zürich", 351: "Bern", 5586: "Lausanne", 6621: "Genève"}


def _el(parent: etree._Element, prefix: str, tag: str, text: str | None = None) -> etree._Element:
    e = etree.SubElement(parent, f"{{{NS[prefix]}}}{tag}")
    if text is not None:
        e.text = text
    return e


def _country(parent: etree._Element, prefix: str, tag: str, p: Person) -> None:
    c = _el(parent, prefix, tag)
    if p.bfs_country_id is not None:
        _el(c, "eCH-0008", "countryId", str(p.bfs_country_id))
    _el(c, "eCH-0008", "countryIdISO2", p.iso2)
    _el(c, "eCH-0008", "countryNameShort", p.country_de)


def _xml_bytes(root: etree._Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def _utc(ts: dt.datetime) -> str:
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_move_in_message(p: Person = PASSPORT_PERSON) -> bytes:
    """eCH-0020 v3 delivery with an eventMoveIn: a foreign national arriving from abroad (comesFrom =
    foreign country) takes up main residence in a Swiss municipality; residence permit B (eCH-0006 "02")."""
    root = etree.Element(f"{{{NS['eCH-0020']}}}delivery", nsmap=NS)
    root.set("version", "3.0")
    root.append(etree.Comment(" fictitious sample generated by samples/generate.py (eAkte Migration) "))
    hdr = _el(root, "eCH-0020", "deliveryHeader")
    _el(hdr, "eCH-0058", "senderId", MOVE_IN_SENDER_ID)
    _el(hdr, "eCH-0058", "recipientId", MOVE_IN_RECIPIENT_ID)
    _el(hdr, "eCH-0058", "messageId", MOVE_IN_MESSAGE_ID)
    _el(hdr, "eCH-0058", "businessProcessId", f"eUmzug-{p.municipality_bfs}-{p.entry_date:%Y%m%d}-0001")
    _el(hdr, "eCH-0058", "messageType", MOVE_IN_MESSAGE_TYPE)
    _el(hdr, "eCH-0058", "subMessageType", "moveIn")
    app = _el(hdr, "eCH-0058", "sendingApplication")
    _el(app, "eCH-0058", "manufacturer", "eAkte Migration")
    _el(app, "eCH-0058", "product", "eAkte sample generator")
    _el(app, "eCH-0058", "productVersion", "0.1.0")
    _el(hdr, "eCH-0058", "subject", f"Zuzug aus dem Ausland: {p.surname}, {p.given_names}")
    _el(hdr, "eCH-0058", "messageDate", _utc(MOVE_IN_MESSAGE_DATE))
    _el(hdr, "eCH-0058", "eventDate", p.entry_date.isoformat())
    _el(hdr, "eCH-0058", "action", "1")
    _el(hdr, "eCH-0058", "testDeliveryFlag", "true")

    move_in = _el(root, "eCH-0020", "moveIn")
    person = _el(move_in, "eCH-0020", "moveInPerson")
    pid = _el(person, "eCH-0020", "personIdentification")
    _el(pid, "eCH-0044", "vn", p.ahv)
    local = _el(pid, "eCH-0044", "localPersonId")
    _el(local, "eCH-0044", "personIdCategory", f"CH.GDE.{p.municipality_bfs}")
    _el(local, "eCH-0044", "personId", str(100000 + int(p.ahv12[-5:])))
    sex_code = "2" if p.female else "1"
    _el(pid, "eCH-0044", "officialName", p.surname)
    _el(pid, "eCH-0044", "firstName", p.given_names)
    _el(pid, "eCH-0044", "sex", sex_code)
    _el(_el(pid, "eCH-0044", "dateOfBirth"), "eCH-0044", "yearMonthDay", p.birth_date.isoformat())

    name_data = _el(_el(person, "eCH-0020", "nameInfo"), "eCH-0020", "nameData")
    _el(name_data, "eCH-0011", "officialName", p.surname)
    _el(name_data, "eCH-0011", "firstName", p.given_names)
    on_passport = _el(name_data, "eCH-0011", "nameOnForeignPassport")
    _el(on_passport, "eCH-0011", "name", p.surname.upper())
    _el(on_passport, "eCH-0011", "firstName", p.given_names.upper())

    birth = _el(_el(person, "eCH-0020", "birthInfo"), "eCH-0020", "birthData")
    _el(_el(birth, "eCH-0011", "dateOfBirth"), "eCH-0044", "yearMonthDay", p.birth_date.isoformat())
    abroad = _el(_el(birth, "eCH-0011", "placeOfBirth"), "eCH-0011", "foreignCountry")
    _country(abroad, "eCH-0011", "country", p)
    _el(abroad, "eCH-0011", "town", p.birth_place)
    _el(birth, "eCH-0011", "sex", sex_code)

    _el(_el(person, "eCH-0020", "religionData"), "eCH-0011", "religion", "000")  # 000 = unknown
    marital = _el(_el(person, "eCH-0020", "maritalInfo"), "eCH-0020", "maritalData")
    _el(marital, "eCH-0011", "maritalStatus", "2" if p.married else "1")
    nationality = _el(person, "eCH-0020", "nationalityData")
    _el(nationality, "eCH-0011", "nationalityStatus", "2")  # 2 = nationality known
    _country(_el(nationality, "eCH-0011", "countryInfo"), "eCH-0011", "country", p)

    permit = _el(person, "eCH-0020", "residencePermitData")
    _el(permit, "eCH-0011", "residencePermit", "02")  # eCH-0006: Aufenthalter (Ausweis B)
    _el(permit, "eCH-0011", "residencePermitValidFrom", p.entry_date.isoformat())
    valid_till = p.entry_date.replace(year=p.entry_date.year + 1) - dt.timedelta(days=1)  # B: one year
    _el(permit, "eCH-0011", "residencePermitValidTill", valid_till.isoformat())
    _el(permit, "eCH-0011", "entryDate", p.entry_date.isoformat())
    lock = _el(person, "eCH-0020", "lockData")
    _el(lock, "eCH-0021", "dataLock", "0")
    _el(lock, "eCH-0021", "paperLock", "0")

    main = _el(move_in, "eCH-0020", "hasMainResidence")
    muni = _el(main, "eCH-0020", "reportingMunicipality")
    _el(muni, "eCH-0007", "municipalityId", str(p.municipality_bfs))
    _el(muni, "eCH-0007", "municipalityName", MUNICIPALITY_NAMES[p.municipality_bfs])
    _el(muni, "eCH-0007", "cantonAbbreviation", p.canton)
    _el(main, "eCH-0020", "arrivalDate", p.entry_date.isoformat())
    comes_from = _el(_el(main, "eCH-0020", "comesFrom"), "eCH-0011", "foreignCountry")
    _country(comes_from, "eCH-0011", "country", p)
    _el(comes_from, "eCH-0011", "town", p.birth_place)
    dwelling = _el(main, "eCH-0020", "dwellingAddress")
    addr = _el(dwelling, "eCH-0011", "address")
    street, number = p.street.rsplit(" ", 1)
    _el(addr, "eCH-0010", "street", street)
    _el(addr, "eCH-0010", "houseNumber", number)
    _el(addr, "eCH-0010", "town", p.town)
    _el(addr, "eCH-0010", "swissZipCode", p.zip_code)
    _el(addr, "eCH-0010", "country", "CH")
    _el(dwelling, "eCH-0011", "typeOfHousehold", "1")  # 1 = private household
    _el(dwelling, "eCH-0011", "movingDate", p.entry_date.isoformat())
    return _xml_bytes(root)


def build_sedex_envelope(p: Person = PASSPORT_PERSON) -> bytes:
    """sedex envelope (eCH-0090 v2) that travels with the eCH-0020 message above."""
    root = etree.Element(f"{{{NS_0090}}}envelope", nsmap={"eCH-0090": NS_0090})
    root.set("version", "2.0")
    root.append(etree.Comment(" fictitious sample generated by samples/generate.py (eAkte Migration) "))

    def el(tag: str, text: str) -> None:
        etree.SubElement(root, f"{{{NS_0090}}}{tag}").text = text

    el("messageId", MOVE_IN_MESSAGE_ID)
    el("messageType", MOVE_IN_MESSAGE_TYPE)
    el("messageClass", "0")
    el("senderId", MOVE_IN_SENDER_ID)
    el("recipientId", MOVE_IN_RECIPIENT_ID)
    el("eventDate", f"{p.entry_date.isoformat()}T00:00:00Z")
    el("messageDate", _utc(MOVE_IN_MESSAGE_DATE))
    return _xml_bytes(root)


class _LocalSchemaResolver(etree.Resolver):
    """Maps the absolute http://www.ech.ch/... schemaLocations to the sibling XSD with the same basename."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        local = self.directory / system_url.rsplit("/", 1)[-1]
        return self.resolve_filename(str(local), context) if local.is_file() else None


@functools.cache
def load_schema(xsd_name: str, ech_dir: Path = ECH_DIR) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemaResolver(ech_dir))
    return etree.XMLSchema(etree.parse(str(ech_dir / xsd_name), parser))


def validate_message(xml: bytes, xsd_name: str, ech_dir: Path = ECH_DIR) -> list[str]:
    """Validate against the official XSD (offline). Returns the errors; empty means valid."""
    schema = load_schema(xsd_name, ech_dir)
    doc = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


# --------------------------------------------------------------------------------------------------
# The committed samples
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSpec:
    filename: str
    folder: str  # "scans" | "messages"
    kind: str  # "scan" | "message" (the upload kind of the API)
    content_type: str
    document_type: str | None  # expected classification (design doc codes); None for messages
    key_text: str  # a snippet OCR (or the XML) must contain
    language: str | None
    pages: int
    person: str  # Person.key
    description: str
    schema: str | None = None  # official XSD (basename in shared/standards/ech) for messages
    expected_fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def relpath(self) -> str:
        return f"{self.folder}/{self.filename}"


_P0, _AFG, _TUR, _UKR = PASSPORT_PERSON, PERSONS_BY_KEY["afg-ahmadzai"], PERSONS_BY_KEY["tur-yildiz"], \
    PERSONS_BY_KEY["ukr-kovalenko"]


def _identity(p: Person) -> dict[str, str]:
    return {"surname": p.surname.upper(), "given_names": p.given_names.upper(),
            "birth_date": p.birth_date.isoformat(), "nationality": p.iso3}


SAMPLES: list[SampleSpec] = [
    SampleSpec("passport_data_page.jpg", "scans", "scan", "image/jpeg", "passport", td3_mrz(_P0)[0], "en", 1,
               _P0.key, "Syrian passport data page (TD3) with valid MRZ check digits",
               expected_fields={**_identity(_P0), "document_number": _P0.passport_no, "sex": _P0.sex,
                                "expiry_date": _P0.passport_expiry.isoformat(),
                                "mrz_line1": td3_mrz(_P0)[0], "mrz_line2": td3_mrz(_P0)[1]}),
    SampleSpec("residence_permit_application_de.pdf", "scans", "scan", "application/pdf", "application_form",
               "Gesuch um Erteilung einer Aufenthaltsbewilligung", "de", 2, _P0.key,
               "Gesuch um Aufenthaltsbewilligung (Migrationsamt ZH), image-only PDF, 1-bit CCITT G4",
               expected_fields={**_identity(_P0), "ahv": _P0.ahv_formatted, "passport_number": _P0.passport_no}),
    SampleSpec("employment_contract_de.png", "scans", "scan", "image/png", "employment_contract", "Arbeitsvertrag",
               "de", 1, _P0.key, "Arbeitsvertrag with a Winterthur GmbH, 1-bit PNG",
               expected_fields={**_identity(_P0), "employer": _P0.employer, "start_date": _P0.job_start.isoformat(),
                                "salary": chf(_P0.salary_chf)}),
    SampleSpec("police_report_de.tiff", "scans", "scan", "image/tiff", "police_report", "Polizeirapport", "de", 2,
               _TUR.key, "Polizeirapport of the Kantonspolizei Bern (Art. 115 AIG), 2-page TIFF, CCITT G4",
               expected_fields={**_identity(_TUR), "passport_number": _TUR.passport_no}),
    SampleSpec("rental_agreement_fr.pdf", "scans", "scan", "application/pdf", "rental_agreement",
               "CONTRAT DE BAIL À LOYER", "fr", 1, _UKR.key,
               "Contrat de bail à loyer (Lausanne), born-digital PDF with a text layer (no scan)",
               expected_fields={**_identity(_UKR), "move_in_date": _UKR.job_start.replace(day=1).isoformat(),
                                "address": f"{_UKR.street}, {_UKR.zip_code} {_UKR.town}"}),
    SampleSpec("demande_autorisation_sejour_fr.png", "scans", "scan", "image/png", "application_form",
               "Demande d'autorisation de séjour", "fr", 1, _AFG.key,
               "Demande d'autorisation de séjour (OCPM Genève), 1-bit PNG",
               expected_fields={**_identity(_AFG), "ahv": _AFG.ahv_formatted}),
    SampleSpec("ech0020_move_in.xml", "messages", "message", "application/xml", None, _P0.ahv, None, 1, _P0.key,
               "eCH-0020 v3 delivery, event moveIn (arrival from abroad, permit B), header eCH-0058 v5",
               schema="eCH-0020-3-0.xsd",
               expected_fields={"vn": _P0.ahv, "messageId": MOVE_IN_MESSAGE_ID, "event": "moveIn"}),
    SampleSpec("ech0090_envelope.xml", "messages", "message", "application/xml", None, MOVE_IN_MESSAGE_ID, None, 1,
               _P0.key, "sedex envelope eCH-0090 v2 for ech0020_move_in.xml", schema="eCH-0090-2-0.xsd",
               expected_fields={"messageId": MOVE_IN_MESSAGE_ID, "messageType": MOVE_IN_MESSAGE_TYPE}),
]


def _sample_rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def _check_pages(pages: Sequence[object], expected: int, name: str) -> None:
    if len(pages) != expected:
        raise RuntimeError(f"{name}: layout produced {len(pages)} pages, expected {expected}")


def _build_passport() -> bytes:
    return jpeg_bytes(render_passport(_P0, _sample_rng("passport")), quality=72)


def _build_application_de() -> bytes:
    rng = _sample_rng("application_de")
    pages = doc_application_de(_P0, rng)
    _check_pages(pages, 2, "application_de")
    return image_pdf_bytes([bilevel_scan(rasterize(pg), rng) for pg in pages],
                           title="Gesuch um Erteilung einer Aufenthaltsbewilligung")


def _build_employment_contract() -> bytes:
    rng = _sample_rng("employment_contract")
    pages = doc_employment_contract(_P0, rng)
    _check_pages(pages, 1, "employment_contract")
    return png_bytes(bilevel_scan(rasterize(pages[0]), rng))


def _build_police_report() -> bytes:
    rng = _sample_rng("police_report")
    pages = doc_police_report(_TUR, rng)
    _check_pages(pages, 2, "police_report")
    return tiff_bytes([bilevel_scan(rasterize(pg), rng) for pg in pages])


def _build_rental_agreement() -> bytes:
    pages = doc_rental_agreement(_UKR, _sample_rng("rental_agreement"))
    _check_pages(pages, 1, "rental_agreement")
    return text_pdf_bytes(pages, title="Contrat de bail à loyer", author="Régie Montelly & Associés SA (fictive)")


def _build_application_fr() -> bytes:
    rng = _sample_rng("application_fr")
    pages = doc_application_fr(_AFG, rng)
    _check_pages(pages, 1, "application_fr")
    return png_bytes(bilevel_scan(rasterize(pages[0]), rng))


_BUILDERS: Mapping[str, Callable[[], bytes]] = {
    "scans/passport_data_page.jpg": _build_passport,
    "scans/residence_permit_application_de.pdf": _build_application_de,
    "scans/employment_contract_de.png": _build_employment_contract,
    "scans/police_report_de.tiff": _build_police_report,
    "scans/rental_agreement_fr.pdf": _build_rental_agreement,
    "scans/demande_autorisation_sejour_fr.png": _build_application_fr,
    "messages/ech0020_move_in.xml": build_move_in_message,
    "messages/ech0090_envelope.xml": build_sedex_envelope,
}


def build_sample(spec: SampleSpec) -> bytes:
    return _BUILDERS[spec.relpath]()


def generate(out_dir: Path = SAMPLES_DIR) -> list[Path]:
    """(Re)write every sample below ``out_dir``; checks sizes and, if the XSDs are present, validity."""
    written = []
    total = 0
    for spec in SAMPLES:
        data = build_sample(spec)
        if len(data) > MAX_FILE_BYTES:
            raise RuntimeError(f"{spec.relpath} is {len(data)} bytes, limit {MAX_FILE_BYTES}")
        if spec.schema and (ECH_DIR / spec.schema).is_file():
            errors = validate_message(data, spec.schema)
            if errors:
                raise RuntimeError(f"{spec.relpath} does not validate against {spec.schema}: {errors[:5]}")
        path = out_dir / spec.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
        total += len(data)
    if total > MAX_TOTAL_BYTES:
        raise RuntimeError(f"samples total {total} bytes, limit {MAX_TOTAL_BYTES}")
    return written


# --------------------------------------------------------------------------------------------------
# Benchmark scans
# --------------------------------------------------------------------------------------------------

_BENCH_KINDS: tuple[tuple[str, Callable[[Person, random.Random], list[list[Op]]] | None], ...] = (
    ("passport", None),
    ("application_form", doc_application_de),
    ("employment_contract", doc_employment_contract),
    ("police_report", doc_police_report),
    ("rental_agreement", doc_rental_agreement),
    ("application_form", doc_application_fr),
)


def bench_document_type(index: int) -> str:
    """Expected document type code of ``render_single_page_scan(index)``."""
    return _BENCH_KINDS[index % len(_BENCH_KINDS)][0]


def render_single_page_scan(index: int) -> tuple[str, bytes, str]:
    """A varied, deterministic single-page scan for throughput runs: (filename, bytes, content_type).

    Rotates through the document types and, shifted by one every full round, through the persons, so the
    first 36 indices cover every combination; multi-page documents contribute alternating pages. Passports are
    JPEG photo-scans, other pages mostly 1-bit PNG and every third round a grayscale JPEG (copier scan).
    """
    if index < 0:
        raise ValueError("index must be >= 0")
    n = len(_BENCH_KINDS)
    doc_type, builder = _BENCH_KINDS[index % n]
    round_no = index // n
    person = PERSONS[(index + round_no) % len(PERSONS)]
    rng = random.Random(f"{SEED}:bench:{index}")
    stem = f"scan-{index:06d}-{doc_type}"
    if builder is None:
        return f"{stem}.jpg", jpeg_bytes(render_passport(person, rng)), "image/jpeg"
    pages = builder(person, rng)
    page = rasterize(pages[round_no % len(pages)])
    if round_no % 3 == 2:
        return f"{stem}.jpg", jpeg_bytes(gray_scan(page, rng), quality=70), "image/jpeg"
    return f"{stem}.png", png_bytes(bilevel_scan(page, rng)), "image/png"


# --------------------------------------------------------------------------------------------------
# Optional OCR self-check (needs the tesseract binary; not used by the unit tests)
# --------------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").casefold().split())


def _ocr_images(path: Path, tmp: Path) -> list[Path]:
    if path.suffix == ".pdf":
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise RuntimeError("pdftoppm (poppler-utils) is needed to rasterise PDFs")
        subprocess.run([pdftoppm, "-r", str(DPI), "-gray", str(path), str(tmp / "p")], check=True)
        return sorted(tmp.glob("p*.pgm"))
    with Image.open(path) as im:
        frames = getattr(im, "n_frames", 1)
        if frames == 1:
            return [path]
        out = []
        for i in range(frames):
            im.seek(i)
            target = tmp / f"f{i}.png"
            im.save(target)
            out.append(target)
        return out


def tesseract(image: Path, *extra: str) -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise RuntimeError("tesseract not installed")
    return subprocess.run([exe, str(image), "stdout", "-l", OCR_LANGS, *extra], check=True, capture_output=True,
                          text=True).stdout


def mrz_candidates(text: str) -> list[str]:
    """OCR lines that look like MRZ lines (blanks removed): long, and almost only A-Z, 0-9 and '<'."""
    out = []
    for ln in text.splitlines():
        s = ln.replace(" ", "")
        if len(s) >= 30 and "<" in s and sum(c in _MRZ_CHARS for c in s) >= 0.9 * len(s):
            out.append(s)
    return out


_MRZ_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


def check_ocr(out_dir: Path = SAMPLES_DIR) -> bool:
    """OCR every scan and report whether its key text (and the MRZ) is read back."""
    ok = True
    for spec in SAMPLES:
        if spec.kind != "scan":
            continue
        with tempfile.TemporaryDirectory() as tmp:
            images = _ocr_images(out_dir / spec.relpath, Path(tmp))
            text = "\n".join(tesseract(img) for img in images)
        found = _normalise(spec.key_text) in _normalise(text)
        ok &= found
        print(f"{'OK ' if found else 'MISS'} {spec.relpath}: key text {spec.key_text!r}")
        if spec.document_type == "passport":
            lines = mrz_candidates(text)
            for want in td3_mrz(PERSONS_BY_KEY[spec.person]):
                got = max(lines, key=lambda s, w=want: sum(a == b for a, b in zip(s, w, strict=False)),
                          default="")
                same = sum(a == b for a, b in zip(got, want, strict=False))
                print(f"     MRZ want {want}\n         got  {got}  ({same}/44 chars in place)")
                ok &= got == want
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR, help="output directory (default: samples/)")
    parser.add_argument("--check-ocr", action="store_true", help="afterwards OCR the scans with tesseract")
    args = parser.parse_args(argv)
    total = 0
    for path in generate(args.out):
        size = path.stat().st_size
        total += size
        print(f"{size / 1024:8.1f} KiB  {path.relative_to(args.out)}")
    print(f"{total / 1024:8.1f} KiB  total")
    if args.check_ocr:
        return 0 if check_ocr(args.out) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
