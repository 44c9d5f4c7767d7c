"""Machine readable zones (ICAO Doc 9303, 8th ed.) in OCR text.

Formats: TD1 (3x30, ID cards and residence permits), TD2 (2x36), TD3 (2x44, passports),
MRV-A (2x44) and MRV-B (2x36) visas. OCR text is noisy: spaces inside lines, '«' for '<<',
lowercase, O/0-style confusions and lost filler characters. Repairs that change data are
only kept when a check digit confirms them; every repair is listed in `MrzResult.repairs`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import combinations_with_replacement, islice

TD1, TD2, TD3, MRV_A, MRV_B = "TD1", "TD2", "TD3", "MRV-A", "MRV-B"
LINE_LENGTHS: dict[str, tuple[int, ...]] = {
    TD1: (30, 30, 30), TD2: (36, 36), TD3: (44, 44), MRV_A: (44, 44), MRV_B: (36, 36),
}
_MAX_LENGTH_FIX = 3  # characters a line may miss or carry too many (lost/doubled fillers)
_EXPIRY_WINDOW_YEARS = 20  # a 2-digit expiry year up to this far ahead is 20yy, else 19yy
_MAX_READINGS = 64  # length repairs tried per block: bounds the work on filler-heavy garbage

_WEIGHTS = (7, 3, 1)
_CHAR_VALUES = {c: i for i, c in enumerate("0123456789")} | {
    c: i + 10 for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {"<": 0}

# Classic OCR confusions. Letters -> digits for numeric fields (dates, check digits);
# digits -> letters for alphabetic fields (names, country codes) that never hold digits.
_LETTER_TO_DIGIT = str.maketrans("OQDILZSGB", "000112568")
_DIGIT_TO_LETTER = str.maketrans("015826", "OISBZG")
_SWAPS: dict[str, str] = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8",
                          "5": "S", "S": "5", "2": "Z", "Z": "2", "6": "G", "G": "6"}

# Glyphs OCR engines emit for the filler '<'. '«' is ambiguous (one or two fillers) and is
# kept until the expected line length decides.
_FILLER_GLYPHS = str.maketrans({"‹": "<", "＜": "<", "〈": "<", "⟨": "<", "≺": "<", "{": "<",
                                "(": "<", "[": "<", "≤": "<", "≪": "«", "»": "«"})
_DROP = re.compile(r"[\s.,'`’\"|_]+")
_MRZ_CHARS = re.compile(r"[A-Z0-9<«]+")
# A lone K/C/L/X between filler runs in a name field is a misread '<' (no real name is one
# such letter fenced by double fillers).
_FILLER_NOISE = re.compile(r"(?<=<<)[KCLXE]{1,2}(?=<<)")
_FILLER_RUN = re.compile(r"<+")
_NAME_SEPARATOR = re.compile(r"(?<=[A-Z])«(?=[A-Z])")


def check_digit(data: str) -> int:
    """ICAO 9303 check digit: weights 7,3,1; '<' = 0, A..Z = 10..35; sum mod 10."""
    total = 0
    for i, c in enumerate(data):
        v = _CHAR_VALUES.get(c)
        if v is None:
            return -1
        total += v * _WEIGHTS[i % 3]
    return total % 10


def _check_ok(data: str, cd: str) -> bool:
    return cd.isdigit() and check_digit(data) == int(cd)


def _optional_check_ok(data: str, cd: str) -> bool:
    # TD3 personal number: an empty field may carry '<' as its check digit (Doc 9303 Part 4)
    if cd == "<":
        return data.strip("<") == ""
    return _check_ok(data, cd)


@dataclass(frozen=True, slots=True)
class MrzResult:
    format: str  # TD1, TD2, TD3, MRV-A, MRV-B
    document_code: str  # "P", "ID", "AR", "V", "VN", ... (fillers stripped)
    issuing_state: str  # ICAO code with fillers stripped: "UTO", "D", "CHE"
    surname: str  # primary identifier, '<' -> ' '
    given_names: str  # secondary identifier
    document_number: str
    nationality: str
    birth_date: str | None  # ISO 8601, None when the printed date is not a calendar date
    sex: str | None  # "M", "F", "X"; None when unspecified ('<') or unreadable
    expiry_date: str | None
    optional_data: str  # TD3 personal number; TD2/MRV optional data; TD1 line-1 optional data
    optional_data_2: str  # TD1 line-2 optional data; "" elsewhere
    birth_date_raw: str  # YYMMDD as printed (after confirmed repairs)
    expiry_date_raw: str
    checks: dict[str, bool]  # document_number, birth_date, expiry_date, optional_data?, composite?
    lines: tuple[str, ...]  # the normalised MRZ lines that were parsed
    repairs: tuple[str, ...] = field(default=())  # human readable list of applied corrections
    page: int = 0  # 0-based page of the text (pages split by '\f') the MRZ was found on

    @property
    def valid(self) -> bool:
        return all(self.checks.values())

    @property
    def document_kind(self) -> str:
        """First letter of the document code: P passport, V visa, I/A/C cards."""
        return self.document_code[:1]


# --- normalisation -------------------------------------------------------------------------


def normalize_line(raw: str) -> str | None:
    """One OCR line as MRZ characters, or None when it cannot be an MRZ line."""
    s = _DROP.sub("", raw.upper().translate(_FILLER_GLYPHS))
    if not _MRZ_CHARS.fullmatch(s):
        return None
    # name lines may lose their trailing fillers in OCR
    if len(s) < 26 and not (len(s) >= 15 and ("<" in s or "«" in s)):
        return None
    return s


def _looks_like_mrz(s: str) -> bool:
    # Headings written in capitals also consist of MRZ characters once spaces are gone;
    # an MRZ line always has fillers or many digits.
    return "<" in s or "«" in s or sum(c.isdigit() for c in s) >= 8


def _iter_candidate_blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(page, run of consecutive MRZ-like lines); blank lines inside a run are ignored."""
    for page, page_text in enumerate(text.split("\f")):
        run: list[str] = []
        for raw in re.split(r"[\n\r]", page_text):
            if not raw.strip():
                continue
            s = normalize_line(raw)
            if s is not None and _looks_like_mrz(s):
                # two or three MRZ lines glued into one OCR line
                for n, width in ((2, 44), (2, 36), (3, 30)):
                    if len(s) == n * width and s[width:width + 1] != "<":
                        run.extend(s[i * width:(i + 1) * width] for i in range(n))
                        break
                else:
                    run.append(s)
            elif run:
                yield page, run
                run = []
        if run:
            yield page, run


# --- dates ---------------------------------------------------------------------------------


def _to_date(yymmdd: str, century: int) -> date | None:
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return None
    try:
        return date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        return None


def birth_date_iso(yymmdd: str, today: date) -> str | None:
    """A birth date cannot be in the future: 20yy if that is past, else 19yy."""
    d = _to_date(yymmdd, 2000)
    if d is not None and d > today:
        d = _to_date(yymmdd, 1900)
    if d is None:
        d = _to_date(yymmdd, 1900)  # 29 February of a year that only exists in 19yy
    return d.isoformat() if d else None


def expiry_date_iso(yymmdd: str, today: date) -> str | None:
    if len(yymmdd) != 6 or not yymmdd[:2].isdigit():
        return None
    century = 2000 if 2000 + int(yymmdd[:2]) <= today.year + _EXPIRY_WINDOW_YEARS else 1900
    d = _to_date(yymmdd, century)
    return d.isoformat() if d else None


# --- field parsing -------------------------------------------------------------------------


def _alpha(s: str) -> str:
    return s.translate(_DIGIT_TO_LETTER)


def _names(field_: str) -> tuple[str, str]:
    field_ = _FILLER_NOISE.sub(lambda m: "<" * len(m.group()), _alpha(field_))
    primary, _, secondary = field_.partition("<<")

    def clean(part: str) -> str:
        return " ".join(part.replace("<", " ").split())

    # given names are parted by single fillers: a double one ends them, what follows is the
    # field's filler misread ('FARIDA<<<<<5<<<5585558')
    given = clean(secondary.split("<<", 1)[0]).split()
    # the trailing fillers of the field misread as letters: 'JOERG<EEEE<<<', 'PARVANA<CE<<<'
    while len(given) > 1 and _misread_fillers(given[-1]):
        given.pop()
    return clean(primary), " ".join(given)


def _misread_fillers(token: str) -> bool:
    """A token only of letters OCR makes of '<' (C, E, K, X; L only repeated): no given name.
    'LEE' or 'ELLE' stay names; 'EEEE', 'CCCE', 'CE', a trailing lone 'E' do not."""
    letters = set(token)
    if len(token) == 1:  # a lone 'E' after the given names: a filler ('MAJID<E<E<EEE<E'), not an initial
        return letters <= set("CEKX")
    return letters <= set("CEKLX") and (len(letters) == 1 or "L" not in letters)


def _sex(c: str) -> str | None:
    # '<' is "unspecified" (German ID cards carry no sex): no value, not "X"
    return c if c in ("M", "F", "X") else None


def _repair_numeric(data: str, cd: str, label: str, repairs: list[str]) -> tuple[str, str, bool]:
    """A numeric field plus check digit; letters mapped to digits only if the check confirms."""
    if _check_ok(data, cd):
        return data, cd, True
    d2, c2 = data.translate(_LETTER_TO_DIGIT), cd.translate(_LETTER_TO_DIGIT)
    if (d2, c2) != (data, cd) and _check_ok(d2, c2):
        repairs.append(f"{label}: {data}{cd} -> {d2}{c2}")
        return d2, c2, True
    return data, cd, False


def _single_swaps(s: str) -> Iterator[str]:
    for i, c in enumerate(s):
        alt = _SWAPS.get(c)
        if alt is not None:
            yield s[:i] + alt + s[i + 1:]


@dataclass(slots=True)
class _Parsed:
    fmt: str
    code: str
    state: str
    names: str
    doc: str  # full document number incl. fillers (long numbers already joined)
    doc_cd: str
    nat: str
    birth: str
    birth_cd: str
    sex: str
    expiry: str
    expiry_cd: str
    opt: str
    opt_cd: str | None  # TD3 only
    opt2: str
    composite_cd: str | None
    lines: tuple[str, ...]
    # TD1/TD2 long document numbers keep their printed layout in the composite
    long_doc: bool = False
    printed_opt: str = ""  # optional data as printed (TD1 line 1, TD2)

    def _doc_block(self) -> str:
        return self.doc[:9] + "<" if self.long_doc else self.doc + self.doc_cd

    def composite_data(self) -> str:
        """Composite input, rebuilt from the (possibly repaired) fields in line order."""
        dates = self.birth + self.birth_cd + self.expiry + self.expiry_cd
        if self.fmt == TD1:
            return self._doc_block() + self.printed_opt + dates + self.opt2
        if self.fmt == TD3:
            return self._doc_block() + dates + self.opt + (self.opt_cd or "")
        return self._doc_block() + dates + self.printed_opt  # TD2


def _split_long_doc(doc9: str, cd: str, optional: str) -> tuple[str, str, str, bool]:
    """TD1/TD2 document numbers over 9 characters: '<' in the check position, the rest of the
    number plus its check digit at the start of the optional data, ended by '<'."""
    if cd != "<" or not optional or optional[0] == "<":
        return doc9, cd, optional, False
    ext, _, rest = optional.partition("<")
    if len(ext) < 2:
        return doc9, cd, optional, False
    return doc9 + ext[:-1], ext[-1], rest, True


def _parse_structure(lines: Sequence[str], fmt: str) -> _Parsed:
    if fmt == TD1:
        l1, l2, l3 = lines
        doc, doc_cd, opt, long_doc = _split_long_doc(l1[5:14], l1[14], l1[15:30])
        return _Parsed(fmt, l1[0:2], l1[2:5], l3, doc, doc_cd, l2[15:18], l2[0:6], l2[6], l2[7],
                       l2[8:14], l2[14], opt, None, l2[18:29], l2[29], tuple(lines), long_doc,
                       l1[15:30])
    l1, l2 = lines
    if fmt == TD2:
        doc, doc_cd, opt, long_doc = _split_long_doc(l2[0:9], l2[9], l2[28:35])
        return _Parsed(fmt, l1[0:2], l1[2:5], l1[5:], doc, doc_cd, l2[10:13], l2[13:19], l2[19],
                       l2[20], l2[21:27], l2[27], opt, None, "", l2[35], tuple(lines), long_doc,
                       l2[28:35])
    td3 = fmt == TD3  # MRV-A/B: optional data to the end of the line, no composite
    return _Parsed(fmt, l1[0:2], l1[2:5], l1[5:], l2[0:9], l2[9], l2[10:13], l2[13:19], l2[19],
                   l2[20], l2[21:27], l2[27], l2[28:42] if td3 else l2[28:],
                   l2[42] if td3 else None, "", l2[43] if td3 else None, tuple(lines))


def _verify(p: _Parsed) -> tuple[dict[str, bool], list[str]]:
    """Check digits after confirmed repairs; mutates `p` with the repaired values."""
    repairs: list[str] = []
    checks: dict[str, bool] = {}
    p.birth, p.birth_cd, checks["birth_date"] = _repair_numeric(p.birth, p.birth_cd, "birth date", repairs)
    p.expiry, p.expiry_cd, checks["expiry_date"] = _repair_numeric(
        p.expiry, p.expiry_cd, "expiry date", repairs)

    doc_ok = _check_ok(p.doc, p.doc_cd)
    if not doc_ok and not p.doc_cd.isdigit() and p.doc_cd != "<":
        cd2 = p.doc_cd.translate(_LETTER_TO_DIGIT)
        if _check_ok(p.doc, cd2):
            repairs.append(f"document number check digit: {p.doc_cd} -> {cd2}")
            p.doc_cd, doc_ok = cd2, True
    checks["document_number"] = doc_ok

    if p.opt_cd is not None:
        opt_ok = _optional_check_ok(p.opt, p.opt_cd)
        if not opt_ok:
            cd2 = p.opt_cd.translate(_LETTER_TO_DIGIT)
            if cd2 != p.opt_cd and _check_ok(p.opt, cd2):
                repairs.append(f"optional data check digit: {p.opt_cd} -> {cd2}")
                p.opt_cd, opt_ok = cd2, True
        checks["optional_data"] = opt_ok

    if p.composite_cd is not None:
        comp_ok = _check_ok(p.composite_data(), p.composite_cd)
        if not comp_ok:
            cd2 = p.composite_cd.translate(_LETTER_TO_DIGIT)
            if cd2 != p.composite_cd and _check_ok(p.composite_data(), cd2):
                repairs.append(f"composite check digit: {p.composite_cd} -> {cd2}")
                p.composite_cd, comp_ok = cd2, True
        # Alphanumeric fields: a single O/0-style swap is accepted only when both its own
        # check digit and the composite confirm it (one check alone passes 1 in 10 guesses).
        if not checks["document_number"] and not p.long_doc:
            hits = [d for d in _single_swaps(p.doc) if _check_ok(d, p.doc_cd)
                    and _check_ok(replace(p, doc=d).composite_data(), p.composite_cd)]
            if len(hits) == 1:
                repairs.append(f"document number: {p.doc} -> {hits[0]}")
                p.doc, checks["document_number"], comp_ok = hits[0], True, True
        if p.opt_cd is not None and not checks["optional_data"]:
            hits = [o for o in _single_swaps(p.opt) if _optional_check_ok(o, p.opt_cd)
                    and _check_ok(replace(p, opt=o).composite_data(), p.composite_cd)]
            if len(hits) == 1:
                repairs.append(f"optional data: {p.opt} -> {hits[0]}")
                p.opt, checks["optional_data"], comp_ok = hits[0], True, True
        checks["composite"] = comp_ok
    return checks, repairs


_CODE_OK = re.compile(r"[PIACV][A-Z<]")
_STATE_OK = re.compile(r"[A-Z]{3}|[A-Z]{2}<|[A-Z]<<")  # "UTO", "D<<"


_BIRTH_OK = re.compile(r"\d{2}[\d<]{4}")  # day and month may be unknown ('<<')
_EXPIRY_OK = re.compile(r"\d{6}")
_LETTERS = re.compile(r"[A-Z]{2}")


def _structure_ok(p: _Parsed) -> bool:
    """Hard shape of an MRZ (OCR letter/digit confusions tolerated): a country code where one
    belongs, dates where dates belong, a name. Filler-heavy or random lines fail here."""
    return bool(
        _CODE_OK.fullmatch(p.code)
        and _STATE_OK.fullmatch(_alpha(p.state))
        and _STATE_OK.fullmatch(_alpha(p.nat))
        and _BIRTH_OK.fullmatch(p.birth.translate(_LETTER_TO_DIGIT))
        and _EXPIRY_OK.fullmatch(p.expiry.translate(_LETTER_TO_DIGIT))
        and _LETTERS.search(_alpha(p.names))
    )


def _plausibility(p: _Parsed, checks: dict[str, bool]) -> float:
    """Ranks alternative readings of one block: check digits first, then clean fields."""
    score = 2.0 * sum(checks.values())
    score += (p.sex in "MF<X") + p.birth.isdigit() + p.expiry.isdigit()
    return score


def _name_line_fits(s: str, n: int) -> bool:
    # OCR often drops trailing fillers of a name line (or renders them as a few '«'), and
    # they carry no data: a shorter name line is fine.
    lo = len(s)
    return lo <= n + _MAX_LENGTH_FIX and (lo >= n - _MAX_LENGTH_FIX or lo >= n // 2)


def _data_line_fits(s: str, n: int) -> bool:
    k = s.count("«")
    return len(s) - _MAX_LENGTH_FIX <= n <= len(s) + k + _MAX_LENGTH_FIX


_NAME_LINE = {TD1: 2, TD2: 0, TD3: 0, MRV_A: 0, MRV_B: 0}


def _fmt_for(lines: Sequence[str]) -> list[str]:
    """Formats whose line count and (approximate) line lengths fit."""
    code = lines[0][:1]
    out: list[str] = []
    for fmt, lengths in LINE_LENGTHS.items():
        if len(lengths) != len(lines):
            continue
        if fmt in (MRV_A, MRV_B) and code != "V":
            continue
        if fmt in (TD3, TD2) and code == "V":
            continue
        names_at = _NAME_LINE[fmt]
        if all((_name_line_fits if i == names_at else _data_line_fits)(s, n)
               for i, (s, n) in enumerate(zip(lines, lengths, strict=True))):
            out.append(fmt)
    return out


def _fix_name_line(s: str, n: int) -> str:
    if "«" in s:
        # '«' between two names is the '<<' separator unless the line already has one
        head, tail = s[:5], s[5:]
        if "<<" not in tail:
            tail = _NAME_SEPARATOR.sub("<<", tail, count=1)
        s = (head + tail).replace("«", "<")
    return s[:n] if len(s) >= n else s + "<" * (n - len(s))


def _length_variants(s: str, n: int) -> Iterator[str]:
    seen: set[str] = set()
    for base in dict.fromkeys((s.replace("«", "<"), s.replace("«", "<<"))):
        for cand in _filler_variants(base, n):
            if cand not in seen:
                seen.add(cand)
                yield cand


def _filler_variants(s: str, n: int) -> Iterator[str]:
    """A data line of the wrong length: lost or doubled fillers are re-inserted or dropped in
    every combination of filler runs (check digits then pick the reading)."""
    diff = n - len(s)
    if diff == 0:
        yield s
        return
    if abs(diff) > _MAX_LENGTH_FIX:
        return
    runs = [m.span() for m in _FILLER_RUN.finditer(s)]
    for combo in combinations_with_replacement(range(len(runs)), abs(diff)):
        out, last = [], 0
        for idx, (a, b) in enumerate(runs):
            k = combo.count(idx)
            if diff < 0 and k > b - a:
                break
            out.append(s[last:a])
            out.append("<" * ((b - a) + k if diff > 0 else (b - a) - k))
            last = b
        else:
            out.append(s[last:])
            yield "".join(out)
    yield s[:n] if diff < 0 else s + "<" * diff


def _readings(lines: Sequence[str], fmt: str) -> Iterator[tuple[str, ...]]:
    lengths = LINE_LENGTHS[fmt]
    if fmt == TD1:
        l3 = _fix_name_line(lines[2], 30)
        for l1 in _length_variants(lines[0], 30):
            for l2 in _length_variants(lines[1], 30):
                yield l1, l2, l3
    else:
        l1 = _fix_name_line(lines[0], lengths[0])
        for l2 in _length_variants(lines[1], lengths[1]):
            yield l1, l2


def _build(p: _Parsed, checks: dict[str, bool], repairs: list[str], today: date) -> MrzResult:
    surname, given = _names(p.names)
    state, nat = _alpha(p.state), _alpha(p.nat)
    # unconfirmed but safe: these fields never hold digits (listed for the audit trail)
    for label, before, after in (("issuing state", p.state, state), ("nationality", p.nat, nat)):
        if before != after:
            repairs.append(f"{label}: {before} -> {after}")
    if any(c.isdigit() for c in p.names):
        repairs.append("names: digits read as letters")
    return MrzResult(
        format=p.fmt,
        document_code=p.code.rstrip("<"),
        issuing_state=state.strip("<"),
        surname=surname,
        given_names=given,
        document_number=p.doc.rstrip("<"),
        nationality=nat.strip("<"),
        birth_date=birth_date_iso(p.birth, today),
        sex=_sex(p.sex),
        expiry_date=expiry_date_iso(p.expiry, today),
        optional_data=p.opt.strip("<"),
        optional_data_2=p.opt2.strip("<"),
        birth_date_raw=p.birth,
        expiry_date_raw=p.expiry,
        checks=checks,
        lines=p.lines,
        repairs=tuple(repairs),
    )


def parse_mrz(lines: Sequence[str], today: date | None = None) -> MrzResult | None:
    """Parse 2 or 3 MRZ lines (raw OCR allowed); None when no format fits."""
    norm = [normalize_line(s) for s in lines]
    if any(s is None for s in norm):
        return None
    return _best_reading([s for s in norm if s is not None], today or date.today())


def _best_reading(lines: Sequence[str], today: date) -> MrzResult | None:
    best: tuple[float, _Parsed, dict[str, bool], list[str]] | None = None
    for fmt in _fmt_for(lines):
        for reading in islice(_readings(lines, fmt), _MAX_READINGS):
            p = _parse_structure(reading, fmt)
            if not _structure_ok(p):
                continue
            checks, repairs = _verify(p)
            score = _plausibility(p, checks) - 0.1 * len(repairs)
            if best is None or score > best[0]:
                best = (score, p, checks, repairs)
            if score >= 2.0 * len(checks) + 3:  # every check passes, clean fields: done
                break
    if best is None:
        return None
    return _build(best[1], best[2], best[3], today)


def find_mrz(text: str, today: date | None = None) -> MrzResult | None:
    """The best MRZ in OCR text (lines split by '\\n', pages by '\\f'), or None."""
    today = today or date.today()
    best: MrzResult | None = None
    best_key: tuple[int, int] = (-1, -1)
    for page, block in _iter_candidate_blocks(text):
        for size in (3, 2):
            for i in range(len(block) - size + 1):
                window = block[i:i + size]
                head = window[0][:5].replace("«", "<")
                if not (_CODE_OK.match(head) and _STATE_OK.fullmatch(_alpha(head[2:5]))):
                    continue  # cheap reject before any length repair
                res = _best_reading(window, today)
                if res is None:
                    continue
                res = replace(res, page=page)
                key = (sum(res.checks.values()), -len(res.repairs))
                if key > best_key:
                    best, best_key = res, key
    return best
