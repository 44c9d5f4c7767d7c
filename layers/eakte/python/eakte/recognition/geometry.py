"""Where extracted fields stand on the page: boxes for the document viewer.

The field extractor works on plain text (`recognition.fields`); this module finds each value
again among the OCR word boxes (`logic.ocr_words`) and returns page-relative boxes:
- text values by their folded letters and digits (case, accents, umlaut transliteration and
  punctuation do not matter: 'MUELLER' finds 'Müller', '7561234567897' finds '756.1234.5678.97'),
  with a tolerance of about one wrong character in six for OCR noise;
- dates in any format the extractor reads (14.03.1991, 14. März 1991, 1991-03-14, 14/3/91);
- nationality codes by the country word ('türkisch' for TUR), sex by its word or a letter next to
  the label;
- MRZ values by their character positions in the MRZ lines (the MRZ font is monospaced, so a
  position in the line is a position on the page).
A value that cannot be found gets no boxes; that is shown, not guessed. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from eakte.logic.ocr_words import OcrWords, WordBox
from eakte.models.document import ExtractedField, FieldBox, FieldSource
from eakte.recognition.countries import nationality_code
from eakte.recognition.fields import parse_date
from eakte.recognition.mrz import MrzResult
from eakte.recognition.normalize import fold

MAX_BOXES = 4  # occurrences marked per field: a name repeated on every page is not a map
MIN_FUZZY_CHARS = 5  # shorter values must match exactly
FUZZY_RATIO = 0.84  # about one wrong character in six
MRZ_LINE_RATIO = 0.7
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TOKEN = re.compile(r"[^\W_]+")
_ADDRESS = re.compile(r"@|://|^www\.", re.IGNORECASE)
_DATE_SPAN = re.compile(
    r"\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2,4}"
    r"|\d{1,2}(?:er|\.|°|º)?\s*[^\W\d_]{3,10}\.?\s*\d{4}"
)
_SEX_WORDS = {
    "M": frozenset({"mannlich", "male", "masculin", "maschile", "maschio", "herr"}),
    "F": frozenset({"weiblich", "female", "feminin", "femminile", "frau"}),
    "X": frozenset({"divers", "unbestimmt", "indetermine"}),
}
_SEX_LETTERS = {"M": frozenset({"m"}), "F": frozenset({"f", "w"}), "X": frozenset({"x", "d"})}
_SEX_LABELS = frozenset({"geschlecht", "sexe", "sesso", "sex"})

# MRZ character ranges per field: (line index, start, end); names are found within their line.
_TD3 = {"documentNumber": (1, 0, 9), "nationality": (1, 10, 13), "birthDate": (1, 13, 19),
        "sex": (1, 20, 21), "expiryDate": (1, 21, 27)}
_TD1 = {"documentNumber": (0, 5, 14), "birthDate": (1, 0, 6), "sex": (1, 7, 8),
        "expiryDate": (1, 8, 14), "nationality": (1, 15, 18)}
_MRZ_LAYOUT = {"TD3": (_TD3, 0, 5), "MRV-A": (_TD3, 0, 5), "TD2": (_TD3, 0, 5), "MRV-B": (_TD3, 0, 5),
               "TD1": (_TD1, 2, 0)}  # fields, names line, names start


def canon(text: str) -> str:
    """Letters and digits only, folded: the form in which values and OCR words are compared."""
    return "".join(c for c in fold(text) if c.isalnum())


@dataclass(frozen=True)
class _Line:
    page: int
    text: str  # the words joined by single spaces
    words: tuple[tuple[int, int, WordBox], ...]  # (start, end, word) in `text`
    tokens: tuple[tuple[int, int, str], ...]  # (start, end, canon) of letter/digit runs

    @classmethod
    def of(cls, page: int, words: list[WordBox]) -> _Line:
        spans, pos = [], 0
        for word in words:
            spans.append((pos, pos + len(word.text), word))
            pos += len(word.text) + 1
        text = " ".join(w.text for w in words)
        tokens = tuple((m.start(), m.end(), c) for m in _TOKEN.finditer(text) if (c := canon(m.group())))
        return cls(page, text, tuple(spans), tokens)

    def in_address(self, start: int, end: int) -> bool:
        """Whether the characters lie in an e-mail or web address ('rami.al.hassan@example.com'
        holds the letters of 'AL HASSAN' but is not where the name is written)."""
        return any(a < end and start < b and _ADDRESS.search(word.text) for a, b, word in self.words)

    def box(self, start: int, end: int) -> FieldBox | None:
        """Box of the characters start..end of `text`; parts of a word are interpolated by
        their share of the word's characters (good enough for one word on one line)."""
        parts = []
        for w_start, w_end, word in self.words:
            a, b = max(start, w_start), min(end, w_end)
            if a >= b:
                continue
            n = max(w_end - w_start, 1)
            parts.append((word.left + word.width * (a - w_start) / n, word.top,
                          word.left + word.width * (b - w_start) / n, word.bottom))
        if not parts:
            return None
        x0, y0 = min(p[0] for p in parts), min(p[1] for p in parts)
        x1, y1 = max(p[2] for p in parts), max(p[3] for p in parts)
        return FieldBox(page=self.page, left=round(x0, 5), top=round(y0, 5),
                        width=round(min(x1, 1.0) - x0, 5), height=round(min(y1, 1.0) - y0, 5))


def _lines(words: OcrWords) -> list[_Line]:
    return [_Line.of(page.page, line) for page in words.pages for line in page.lines if line]


def locate_fields(fields: dict[str, ExtractedField], words: OcrWords, mrz: MrzResult | None = None,
                  *, today: date | None = None) -> dict[str, ExtractedField]:
    """The fields with `boxes` set where their value was found on the page (else left None)."""
    lines = _lines(words)
    out: dict[str, ExtractedField] = {}
    for key, field in fields.items():
        boxes = locate_field(key, field, lines, mrz, today=today)
        out[key] = field.model_copy(update={"boxes": boxes or None})
    return out


def locate_field(key: str, field: ExtractedField, lines: list[_Line], mrz: MrzResult | None = None,
                 *, today: date | None = None) -> list[FieldBox]:
    boxes: list[FieldBox] = []
    value = field.value.strip()
    if not value:
        return boxes
    if _ISO_DATE.match(value):  # any field holding a date, whatever its name
        boxes += _date_boxes(value, lines, today)
    elif key == "sex":
        boxes += _sex_boxes(value.upper(), lines)
    else:
        boxes += _value_boxes(value, lines)
        if key == "nationality" and not boxes:
            boxes += _nationality_boxes(value.upper(), lines)
    if field.source is FieldSource.MRZ and mrz is not None:
        boxes = boxes[: MAX_BOXES - 1] + _mrz_boxes(key, mrz, lines)
    return _unique(boxes)[:MAX_BOXES]


def _unique(boxes: Iterable[FieldBox]) -> list[FieldBox]:
    seen, out = set(), []
    for box in boxes:
        k = (box.page, round(box.left, 3), round(box.top, 3))
        if k not in seen:
            seen.add(k)
            out.append(box)
    return out


# -- text values --------------------------------------------------------------------------------


def _value_boxes(value: str, lines: list[_Line], spellings: Iterable[str] = ()) -> list[FieldBox]:
    """Exact occurrences of the value's letters and digits in a run of whole tokens on one line;
    else the single closest run if it is close enough."""
    targets = {t for t in (canon(value), *(canon(s) for s in spellings)) if t}
    if not targets:
        return []
    exact: list[FieldBox] = []
    best: tuple[float, FieldBox | None] = (0.0, None)
    longest = max(len(t) for t in targets)
    fuzzy = [t for t in targets if len(t) >= MIN_FUZZY_CHARS]
    for line in lines:
        tokens = line.tokens
        for i in range(len(tokens)):
            joined = ""
            for j in range(i, len(tokens)):
                joined += tokens[j][2]
                if len(joined) > longest + 2:
                    break
                if line.in_address(tokens[i][0], tokens[j][1]):
                    break
                if joined in targets:
                    if (box := line.box(tokens[i][0], tokens[j][1])) is not None:
                        exact.append(box)
                    break
                if fuzzy and not exact and len(joined) >= MIN_FUZZY_CHARS:
                    ratio = max(SequenceMatcher(None, joined, t, autojunk=False).ratio() for t in fuzzy)
                    if ratio >= FUZZY_RATIO and ratio > best[0]:
                        best = (ratio, line.box(tokens[i][0], tokens[j][1]))
    if exact:
        return exact
    return [best[1]] if best[1] is not None else []


def date_spellings(iso: str) -> list[str]:
    """How the ISO date may be printed, for the fuzzy fallback on OCR-damaged dates."""
    y, m, d = iso.split("-")
    return [f"{d}.{m}.{y}", f"{int(d)}.{int(m)}.{y}", f"{d}.{m}.{y[2:]}", iso]


def _date_boxes(iso: str, lines: list[_Line], today: date | None) -> list[FieldBox]:
    found: list[FieldBox] = []
    for line in lines:
        if not any(c.isdigit() for c in line.text):
            continue
        for m in _DATE_SPAN.finditer(line.text):
            span = m.group()
            readings = (parse_date(span, past=True, today=today), parse_date(span, past=False, today=today))
            if iso in readings and (box := line.box(m.start(), m.end())) is not None:
                found.append(box)
    if found:
        return found
    fuzzy = _value_boxes(iso, lines, date_spellings(iso)[:-1])
    return fuzzy


def _sex_boxes(value: str, lines: list[_Line]) -> list[FieldBox]:
    words, letters = _SEX_WORDS.get(value, frozenset()), _SEX_LETTERS.get(value, frozenset())
    found: list[FieldBox] = []
    for line in lines:
        labelled = False
        for start, end, token in line.tokens:
            if token in _SEX_LABELS:
                labelled = True
            elif token in words or (labelled and token in letters):
                if (box := line.box(start, end)) is not None:
                    found.append(box)
                break
    return found


def _nationality_boxes(code: str, lines: list[_Line]) -> list[FieldBox]:
    found: list[FieldBox] = []
    for line in lines:
        for start, end, token in line.tokens:
            if (len(token) >= 4 and token.isalpha() and nationality_code(line.text[start:end]) == code
                    and (box := line.box(start, end)) is not None):
                found.append(box)
    return found


# -- MRZ ----------------------------------------------------------------------------------------


def _mrz_boxes(key: str, mrz: MrzResult, lines: list[_Line]) -> list[FieldBox]:
    layout = _MRZ_LAYOUT.get(mrz.format)
    if layout is None:
        return []
    ranges, names_line, names_start = layout
    if key in ranges:
        index, start, end = ranges[key]
    elif key in ("surname", "givenNames") and names_line < len(mrz.lines):
        index = names_line
        names = mrz.lines[index][names_start:].rstrip("<")
        sep = names.find("<<")
        if key == "surname":
            start, end = names_start, names_start + (sep if sep >= 0 else len(names))
        elif sep >= 0:
            start, end = names_start + sep + 2, names_start + len(names)
        else:
            return []
    else:
        return []
    if index >= len(mrz.lines) or end <= start:
        return []
    line = _mrz_line(mrz.lines[index], mrz.page + 1, lines)
    if line is None:
        return []
    # the OCR line may be a character longer or shorter than the MRZ line: scale positions
    chars = [i for i, c in enumerate(line.text) if not c.isspace()]
    scale = len(chars) / max(len(mrz.lines[index]), 1)
    a = min(int(start * scale), len(chars) - 1)
    b = min(max(round(end * scale), a + 1), len(chars))
    box = line.box(chars[a], chars[b - 1] + 1)
    return [box] if box is not None else []


def _mrz_line(mrz_line: str, page: int, lines: list[_Line]) -> _Line | None:
    best: tuple[float, _Line | None] = (MRZ_LINE_RATIO, None)
    for line in lines:
        if line.page != page or ("<" not in line.text and len(line.text) < 20):
            continue
        compact = "".join(line.text.split()).upper()
        ratio = SequenceMatcher(None, compact, mrz_line, autojunk=False).ratio()
        if ratio >= best[0]:
            best = (ratio, line)
    return best[1]
