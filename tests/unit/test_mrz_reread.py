"""The restricted-charset second pass over a noisy MRZ band: check digits decide the reading."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from eakte.adapters.mrz_reread import reread_noisy_mrz
from eakte.adapters.tesseract import _Word
from samples.generate import PERSONS, td3_mrz

LINE1, LINE2 = td3_mrz(PERSONS[0])


def _line(text: str, top: int) -> list[_Word]:
    return [_Word(text, 80.0, 100, top, 900, 30)]


def _page(tmp_path: Path, mrz: tuple[str, str]) -> tuple[list[list[_Word]], Path]:
    path = tmp_path / "page.png"
    Image.new("L", (1240, 1754), 255).save(path)
    return [_line("REISEPASS", 100), _line("Name: Al Hassan", 160), _line(mrz[0], 1600), _line(mrz[1], 1650)], path


def _noisy(line2: str) -> str:
    i = 13  # a birth-date digit: a valid character, so no repair can fix the failing check digit
    return line2[:i] + ("5" if line2[i] != "5" else "6") + line2[i + 1:]


def test_noisy_mrz_is_replaced_by_the_reread_that_passes(tmp_path: Path) -> None:
    lines, path = _page(tmp_path, (LINE1, _noisy(LINE2)))
    calls: list[tuple[int, int]] = []

    def band(crop: Path, offset: tuple[int, int]) -> list[list[_Word]]:
        calls.append(offset)
        assert crop.exists() and Image.open(crop).height < 200  # only the band, not the page
        return [_line(LINE1, 1600), _line(LINE2, 1650)]

    out, mrz = reread_noisy_mrz(lines, path, band)
    assert calls == [(88, 1588)]
    assert [w.text for line in out for w in line][-2:] == [LINE1, LINE2]
    assert mrz is not None and mrz.valid and all(mrz.checks.values())
    assert not list(tmp_path.glob("*-mrz.png"))  # the crop is removed


def test_a_worse_reread_keeps_the_first_reading(tmp_path: Path) -> None:
    lines, path = _page(tmp_path, (LINE1, _noisy(LINE2)))
    out, mrz = reread_noisy_mrz(lines, path, lambda crop, offset: [_line("PKSYR", 1600)])
    assert out == lines and mrz is not None and not mrz.valid
    assert mrz.checks["birth_date"] is False  # which checks passed is reported


def test_a_valid_mrz_is_not_read_twice(tmp_path: Path) -> None:
    lines, path = _page(tmp_path, (LINE1, LINE2))

    def band(crop: Path, offset: tuple[int, int]) -> list[list[_Word]]:
        raise AssertionError("no second pass for a valid MRZ")

    out, mrz = reread_noisy_mrz(lines, path, band)
    assert out == lines and mrz is not None and mrz.valid
    assert reread_noisy_mrz(lines[:2], path, band) == (lines[:2], None)  # no MRZ on the page
