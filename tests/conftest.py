"""Shared test helpers: small real files of every accepted (and refused) kind."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_image(lines: list[str], size: tuple[int, int] = (1240, 1754), font_size: int = 34) -> Image.Image:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, font_size)
    y = 80
    for line in lines:
        draw.text((80, y), line, fill=0, font=font)
        y += int(font_size * 1.6)
    return img


def encode(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.fixture
def make_file() -> Callable[..., bytes]:
    def make(kind: str, lines: list[str] | None = None, pages: int = 1) -> bytes:
        img = text_image(lines or ["Arbeitsvertrag", "zwischen der Muster AG und Frau Amina Haddad"])
        if kind == "png":
            return encode(img, "PNG")
        if kind == "jpeg":
            return encode(img.convert("RGB"), "JPEG", quality=80)
        if kind == "tiff":
            return encode(img, "TIFF", save_all=True, append_images=[img] * (pages - 1))
        if kind == "pdf":
            return encode(img.convert("RGB"), "PDF", save_all=True, append_images=[img.convert("RGB")] * (pages - 1))
        raise ValueError(kind)

    return make
