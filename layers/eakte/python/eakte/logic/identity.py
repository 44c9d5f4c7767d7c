"""Identity resolution: which dossier does a document belong to? (pure domain, no I/O)

Precision first: a document in the wrong person's dossier is a data-protection breach, a
document in the inbox costs a caseworker a minute. So a document is attached only when

- a reference number (AHV/AVS, ZEMIS, AZR, document number) points at exactly one dossier
  and nothing on the document contradicts it (birth date, name, sex, nationality), and the
  number is either validated by its own check digit (AHV EAN-13, an MRZ document number whose
  MRZ passed all checks) or corroborated by the birth date, the name, or a compatible name +
  nationality + sex together. Here the name only has to be *compatible* (names_compatible: each name read
  like the dossier's up to a transliteration or an OCR slip or two), since the number, not the
  name, identifies the person; and a number matched in full with a strong name match outweighs
  a birth date one digit off (the OCR misread the date); or
- name and birth date match one dossier clearly (score >= ATTACH_SCORE, MARGIN ahead of the
  next one; a birth date of 1 January only tells the year, placeholder_birth_date), with
  transliteration- and spelling-aware name comparison (see logic.names),
  order-insensitive (swapped surname/given names) and tolerant of a missing second surname or
  middle name, but never of two *different* names on both sides; or
- the uploader named the person (with_declared) and the document names that person itself,
  by the names, or by the surname and the same birth date, no other dossier fitting as well;
  or it shows the names and an address at which the office knows exactly one such person
  (with_address).

Everything else goes to the inbox with the plausible candidates and their scores; a document
with none gets whom it may still mean (near_misses: born that day with names alike, or its names
born on another day) at their low scores. Two rules that would file more are deliberately absent
(Leniency); bench/identity.py --frontier measures what each would file, right and wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from eakte.logic.addresses import address_key
from eakte.logic.names import (
    all_name_tokens,
    canonical,
    compound_head,
    e_for_c_caron,
    glue_abd,
    known_variants,
    name_field_tokens,
    name_keys,
    normalise_reference,
    one_letter_apart,
    person_name_tokens,
    skeleton,
)
from eakte.models.document import DeclaredPerson, Dossier, DossierCandidate, ExtractedField, FieldSource

ATTACH_SCORE = 0.9  # a name + birth-date match must reach this to attach without a human
MARGIN = 0.1  # ... and be this far ahead of the next candidate
PLAUSIBLE = 0.5  # candidates at or above this are shown in the inbox; below, only if none is (near_misses)
MAX_CANDIDATES = 5

SKELETON_SIM = 0.95  # same transliteration key, different spelling
LOOSE_SIM = 0.9  # same loose transliteration key (Ihor/Igor, Mehmet/Mehmed)
OCR_SLIP_SIM = 0.9  # one OCR confusion in a name of OCR_SLIP_MIN_LENGTH letters or more
OCR_SLIP_MIN_LENGTH = 5
VARIANT_SLIP_SIM = 0.85  # another transliteration, read with one OCR slip ('Schcwtschuk' for Shevchuk)
VARIANT_SLIP_MIN_LENGTH = 6
COMPOUND_HEAD_SIM = 0.5  # 'María' against 'María José': maybe her, maybe her sister; shown, never enough
EXTRA_TOKEN_PENALTY = 0.03  # per name token only one side carries (middle name, 2nd surname)
SWAPPED_PENALTY = 0.02  # surname and given names swapped
CONFLICT_FACTOR = 0.4  # both sides carry a name the other lacks: different people
NO_SURNAME_FACTOR = 0.5  # the document's surname is not among the dossier's names
THIN_NAME_CAP = 0.85  # one matching token (e.g. surname only) never attaches on its own
COMPATIBLE_MIN_LENGTH = 5  # shorter names are not compared letter by letter: Sami/Sari

BIRTH_UNKNOWN_CAP = 0.7
BIRTH_NEAR_FACTOR = 0.6  # one digit off or day/month swapped: OCR or data-entry error (see _misread_day)
BIRTH_DIFFERS_FACTOR = 0.3
NATIONALITY_FACTOR = 0.5
SEX_FACTOR = 0.3

COLLECTIVE_ADDRESS = 8  # more dossiers known at one address: a shared accommodation, no evidence
REFERENCE_DIFFERS_FACTOR = 0.3
LIFELONG_REFERENCES = ("ahvNumber", "zemisNumber", "azrNumber")  # not documentNumber: passports are renewed
# Reference fields in order of trust; AHV carries an EAN-13 check digit. dossierNumber is the
# office's own file number quoted on a letter: it names a dossier directly (DOSSIER_REFERENCE).
REFERENCE_FIELDS = ("ahvNumber", "zemisNumber", "azrNumber", "dossierNumber", "documentNumber")
DOSSIER_REFERENCE = "dossierNumber"
VALIDATED_MRZ_CONFIDENCE = 0.99  # recognition.fields.MRZ_VALID: every MRZ check digit passed
# recognition.fields.AHV_REPAIRED: the page's only AHV number (with several, none is validated)
OWN_AHV_CONFIDENCE = 0.9


# --- names ---------------------------------------------------------------------------------


# Letters OCR confuses in print; one such substitution in a name is a misread, not a name.
_OCR_CONFUSIONS = frozenset(frozenset(p) for p in ("ce", "nm", "rn", "il", "hb", "ao", "un", "eo", "uv", "ij",
                                                   "lt", "ft", "co"))


def _substitution(a: str, b: str) -> tuple[str, str] | None:
    """The one pair of letters in which two tokens of one length differ, else None."""
    if len(a) != len(b):
        return None
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return diffs[0] if len(diffs) == 1 else None


def _ocr_slip(a: str, b: str) -> bool:
    return len(a) >= OCR_SLIP_MIN_LENGTH and (d := _substitution(a, b)) is not None and frozenset(d) in _OCR_CONFUSIONS


_CONFUSED_WITH: dict[str, tuple[str, ...]] = {
    c: tuple(sorted(x for pair in _OCR_CONFUSIONS if c in pair for x in pair if x != c))
    for pair in _OCR_CONFUSIONS for c in pair
}
_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=1 << 16)
def _slip_skeletons(token: str) -> frozenset[str]:
    """Transliteration keys of `token` with one OCR confusion undone ('abduilah' -> Abdullah's).
    No vowel is undone into a c: a c before e or i keys like s, which rebuilds the syllables the
    key is made of ('Hussein' with its e undone into c would key like 'Hassan')."""
    return frozenset(skeleton(glue_abd(token[:i] + other + token[i + 1:]))
                     for i, c in enumerate(token) for other in _CONFUSED_WITH.get(c, ())
                     if not (c in _VOWELS and other == "c"))


def misread_name_keys(name: str) -> list[str]:
    """Lookup keys of `name` read with one OCR slip undone ('Karlmi' -> Karimi's, 'Mebari' ->
    Mehari's), without the keys as read (logic.names.name_keys): where a name lookup found no one,
    these find the dossier the inbox should offer. Scoring decides the rest (token_similarity)."""
    exact = set(name_keys(name))
    keys = {k for tok in person_name_tokens(name) if len(tok) >= OCR_SLIP_MIN_LENGTH
            for k in _slip_skeletons(tok) if len(k) >= 2}
    return sorted(keys - exact)


def _variant_slip(read: str, known: str) -> bool:
    """A spelling variant with one OCR slip: undoing one confusion in the token `read` from the
    document gives the transliteration key of the `known` one. One way only: 'Hussein' with its e
    taken for a c would key like 'Hassan'; the document says Hassan, so no slip is undone there.
    Only for longer names, where one substitution rarely makes another real name."""
    if min(len(read), len(known)) < VARIANT_SLIP_MIN_LENGTH:
        return False
    return skeleton(known) in _slip_skeletons(read)


def _without_article(a: str, b: str) -> bool:
    """'alshami' / 'shami': an Arabic article written together with the name (its l read as an
    i by the OCR: 'aishami', but not 'Aileen' for Leen: read so, only before a longer name)."""
    article = a[:2] in {"al", "el"} or (a[:2] in {"ai", "ei"} and len(b) >= 5)
    return len(b) >= 4 and article and skeleton(a[2:]) == skeleton(b)


def token_similarity(a: str, b: str) -> float:
    """A name token read from a document and a dossier's (logic.names.spelled): 1 the same
    canonical form, SKELETON_SIM same transliteration, LOOSE_SIM same loose transliteration or a
    glued article, OCR_SLIP_SIM one OCR confusion ('Tekle'/'Tckle'), VARIANT_SLIP_SIM a
    transliteration with one OCR confusion, COMPOUND_HEAD_SIM the first word of a compound given
    name against the compound ('María'/'María José', logic.names), else 0. No general edit
    distance: 'Ahmad'/'Ahmadi', 'Hasan'/'Hakan' are other names."""
    if a == b or canonical(a) == canonical(b):
        return 1.0
    if skeleton(a) == skeleton(b):
        return SKELETON_SIM
    if _without_article(a, b) or _without_article(b, a):
        return SKELETON_SIM
    if skeleton(a, loose=True) == skeleton(b, loose=True) or known_variants(a, b):
        return LOOSE_SIM
    if _ocr_slip(a, b):
        return OCR_SLIP_SIM
    if _variant_slip(a, b):
        return VARIANT_SLIP_SIM
    return COMPOUND_HEAD_SIM if compound_head(a, b) else 0.0


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    matched: int
    swapped: bool
    conflict: bool


def _read_tokens(surname: str, given: str) -> list[tuple[str, str | None, bool]]:
    """The name tokens of a document as triples: the token; the same token with an 'é' read for
    a č undone (logic.names.e_for_c_caron), None where that changes nothing; is it a surname's."""
    ds, dg = name_field_tokens(surname, given)
    undone = e_for_c_caron(surname), e_for_c_caron(given)
    us, ug = name_field_tokens(undone[0] or surname, undone[1] or given) if any(undone) else (ds, dg)
    if (len(us), len(ug)) != (len(ds), len(dg)):
        us, ug = ds, dg
    return [(t, u if u != t else None, True) for t, u in zip(ds, us, strict=True)] + \
        [(t, u if u != t else None, False) for t, u in zip(dg, ug, strict=True)]


def _read_similarity(read: str, undone: str | None, known: str) -> float:
    """token_similarity, or that of the token with an 'é' read for a č undone as an OCR slip."""
    sim = token_similarity(read, known)
    return max(sim, min(token_similarity(undone, known), OCR_SLIP_SIM)) if undone and sim < OCR_SLIP_SIM else sim


def _swapped(doc_is_surname: list[bool], dossier_is_surname: list[bool], matches: list[tuple[int, int]]) -> bool:
    """Did names change places between surname and given names? Not where a name only fell on the
    other side of the cut: read in writing order (given names, then surnames), the matched names
    come in the dossier's order ('Igor Bogdan Krawtschenko' from an address line, cut as 'Igor' /
    'Bogdan Krawtschenko', is Ihor Bohdan Kravchenko's order); 'Hassan Ali' for Ali Hassan is not."""
    if all(doc_is_surname[i] == dossier_is_surname[j] for i, j in matches):
        return False
    if not any(doc_is_surname[i] and dossier_is_surname[j] for i, j in matches):
        return True  # no surname stayed a surname: 'TARAS' read as the surname of Taras Polishchuk

    def in_writing_order(is_surname: list[bool]) -> list[int]:
        return sorted(range(len(is_surname)), key=lambda k: (is_surname[k], k))

    doc_rank = {k: n for n, k in enumerate(in_writing_order(doc_is_surname))}
    dossier_rank = {k: n for n, k in enumerate(in_writing_order(dossier_is_surname))}
    order = [dossier_rank[j] for _, j in sorted(matches, key=lambda m: doc_rank[m[0]])]
    return order != sorted(order)


def name_match(doc_surname: str, doc_given: str, dossier_surname: str, dossier_given: str) -> NameMatch:
    """How well the names on a document fit a dossier's names, 0..1 (order-insensitive)."""
    doc = _read_tokens(doc_surname, doc_given)
    os_, og = name_field_tokens(dossier_surname, dossier_given)
    dos = [(t, True) for t in os_] + [(t, False) for t in og]
    if not doc or not dos:
        return NameMatch(0.0, 0, False, False)
    pairs = sorted(((_read_similarity(a, u, b), i, j) for i, (a, u, _) in enumerate(doc)
                    for j, (b, _) in enumerate(dos)), reverse=True)
    used_d: set[int] = set()
    used_o: set[int] = set()
    total = 0.0
    surname_hit = False
    matches: list[tuple[int, int]] = []
    for sim, i, j in pairs:
        if sim <= 0 or i in used_d or j in used_o:
            continue
        used_d.add(i)
        used_o.add(j)
        matches.append((i, j))
        total += sim
        if doc[i][2]:
            surname_hit = True
    swapped = _swapped([s for _, _, s in doc], [s for _, s in dos], matches)
    matched = len(used_d)
    if not matched:
        return NameMatch(0.0, 0, False, False)
    extra_doc, extra_dos = len(doc) - matched, len(dos) - matched
    score = total / matched
    conflict = extra_doc > 0 and extra_dos > 0
    if conflict:
        score *= CONFLICT_FACTOR * matched / max(len(doc), len(dos))
    else:
        score -= EXTRA_TOKEN_PENALTY * (extra_doc + extra_dos)
        if extra_doc:
            # the document names more than the dossier knows ('María José' against 'María'):
            # maybe another person of that family; documents omit names, they rarely add them
            score = min(score, THIN_NAME_CAP)
    if swapped:
        score -= SWAPPED_PENALTY
    if not surname_hit and any(is_surname for _, _, is_surname in doc):
        score *= NO_SURNAME_FACTOR
    if matched < min(2, len(dos)):
        score = min(score, THIN_NAME_CAP)
    return NameMatch(max(score, 0.0), matched, swapped, conflict)


def _near_token(a: str, b: str) -> bool:
    """Could `a` be `b` as written by another authority and then misread by the OCR? Equal up to
    transliteration, or letters substituted in place (what OCR does: 'Tkatschcnko'): at most
    one, two from 8 letters on, in the spelling or in the transliteration key; a g read for a ç
    at any length (_g_for_c_cedilla). Only substitutions: an added or dropped letter is often
    another name (Hassan/Hussein, Ahmad/Ahmadi)."""
    if token_similarity(a, b) > 0 or _g_for_c_cedilla(a, b):
        return True
    if min(len(a), len(b)) < COMPATIBLE_MIN_LENGTH:
        return False
    if _ch_read_as_eh(a, b):
        return True
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    return any(len(x) == len(y) and sum(p != q for p, q in zip(x, y, strict=True)) <= limit
               for x, y in ((a, b), (skeleton(a), skeleton(b))))


def _ch_read_as_eh(read: str, known: str) -> bool:
    """'Krawtsehenko' for Kravchenko, 'Poliszezuk' for Poliszczuk: the OCR took the c of a ch
    (sch, tsch: how German spells ч, ш) or of a Polish cz for an e, which changes the
    transliteration key by more than a letter. Undone only before an h or z, and only here, where
    a number already identifies the person: undoing any e into a c would let 'Hussein' key like
    'Hassan' (token_similarity never does it)."""
    return any(read[i:i + 2] in {"eh", "ez"} and skeleton(glue_abd(read[:i] + "c" + read[i + 1:])) == skeleton(known)
               for i in range(1, len(read) - 1))


def _g_for_c_cedilla(read: str, known: str) -> bool:
    """'Kog' for Koç: the cedilla's tail read as a g's. Short names are not compared letter by
    letter elsewhere (Sami/Sari); this one confusion is, where a number identifies the person."""
    return len(read) >= 3 and _substitution(read, known) == ("g", "c")


def names_compatible(doc_surname: str, doc_given: str, dossier_surname: str, dossier_given: str) -> bool:
    """Do the names on a document fit a dossier that a reference number points at? Weaker than
    name_match and never enough to attach on its own: every name on the document must be near a
    distinct name of the dossier (order-insensitive; the dossier may know more names)."""
    doc = _read_tokens(doc_surname, doc_given)
    dos = all_name_tokens(dossier_surname, dossier_given)
    if not doc or not dos:
        return False
    free = list(dos)
    for t, undone, _ in doc:
        hit = next((o for o in free if _near_token(t, o) or (undone and _near_token(undone, o))), None)
        if hit is None:
            return False
        free.remove(hit)
    return True


# --- persons -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonData:
    """What a document says about its person (from the extracted fields)."""

    surname: str = ""
    given_names: str = ""
    birth_date: date | None = None
    nationality: str | None = None
    sex: str | None = None
    references: Mapping[str, str] = field(default_factory=dict)
    validated: frozenset[str] = frozenset()  # fields whose own check digit passed (references, birthDate)
    address: str | None = None  # the key of the address shown (logic.addresses.address_key)

    @classmethod
    def from_fields(cls, fields: Mapping[str, ExtractedField]) -> PersonData:
        def value(name: str) -> str | None:
            f = fields.get(name)
            return f.value.strip() if f and f.value and f.value.strip() else None

        refs = {n: v for n in REFERENCE_FIELDS if (v := value(n))}
        validated = set()
        shown_ahv = fields.get("ahvNumber")
        if "ahvNumber" in refs and ahv_valid(refs["ahvNumber"]) and shown_ahv is not None \
                and shown_ahv.confidence >= OWN_AHV_CONFIDENCE:
            validated.add("ahvNumber")
        for name in ("documentNumber", "birthDate"):  # read from an MRZ that passed every check
            read = fields.get(name)
            if read is not None and read.source is FieldSource.MRZ and read.confidence >= VALIDATED_MRZ_CONFIDENCE:
                validated.add(name)
        return cls(surname=value("surname") or "", given_names=value("givenNames") or "",
                   birth_date=_iso(value("birthDate")), nationality=value("nationality"),
                   sex=value("sex"), references=refs, validated=frozenset(validated),
                   address=address_key(shown) if (shown := value("address")) else None)

    @classmethod
    def from_declared(cls, declared: DeclaredPerson) -> PersonData:
        """The person an uploader named (models.document.DeclaredPerson)."""
        refs = declared.references()
        validated = frozenset({"ahvNumber"}) if ahv_valid(refs.get("ahvNumber", "")) else frozenset()
        return cls(surname=declared.surname or "", given_names=declared.given_names or "",
                   birth_date=declared.birth_date, references=refs, validated=validated)


def ahv_valid(value: str) -> bool:
    """Swiss AHV/AVS number: 13 digits, prefix 756, EAN-13 check digit."""
    digits = normalise_reference(value)
    if len(digits) != 13 or not digits.isdigit() or not digits.startswith("756"):
        return False
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def placeholder_birth_date(d: date | None) -> bool:
    """1 January: what registers record when the real birthday is unknown (common for people from
    Afghanistan, Eritrea, Somalia). People of one name and birth year share it, so it only tells
    the year."""
    return d is not None and d.month == 1 and d.day == 1


def birth_relation(a: date | None, b: date | None) -> str:
    """'same', 'unknown', 'near' (one digit off, day and month swapped, or one day apart) or
    'differs'. One day apart: a date carried over from the evening before or converted across a
    time zone by a register's software (9 vs 10 March is two digits, but one day)."""
    if a is None or b is None:
        return "unknown"
    if a == b:
        return "same"
    sa, sb = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(sa, sb, strict=True)) == 1 or (a.year == b.year and a.month == b.day
                                                                   and a.day == b.month) \
            or abs((a - b).days) == 1:
        return "near"
    return "differs"


@dataclass(frozen=True, slots=True)
class Scored:
    dossier: Dossier
    score: float
    reason: str
    birth: str
    names: NameMatch


def score_dossier(person: PersonData, dossier: Dossier) -> Scored:
    names = name_match(person.surname, person.given_names, dossier.surname, dossier.given_names)
    birth = birth_relation(person.birth_date, dossier.birth_date)
    score = names.score
    notes = [f"name {names.score:.2f}" + (" (swapped order)" if names.swapped else ""), f"birth date {birth}"]
    if birth == "unknown":
        score = min(score, BIRTH_UNKNOWN_CAP)
    elif birth == "near":
        score *= BIRTH_NEAR_FACTOR
    elif birth == "differs":
        score *= BIRTH_DIFFERS_FACTOR
    if person.nationality and dossier.nationality and person.nationality != dossier.nationality:
        score *= NATIONALITY_FACTOR
        notes.append("nationality differs")
    if person.sex and dossier.sex and person.sex != dossier.sex:
        score *= SEX_FACTOR
        notes.append("sex differs")
    for name in LIFELONG_REFERENCES:  # a person keeps these numbers for life: another number, another person
        mine, theirs = person.references.get(name), dossier.reference_numbers.get(name)
        if mine and theirs and normalise_reference(mine) != normalise_reference(theirs):
            score *= REFERENCE_DIFFERS_FACTOR
            notes.append(f"{name} differs")
    return Scored(dossier, round(score, 4), ", ".join(notes), birth, names)


# --- decision ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leniency:
    """Rules the resolver deliberately does not apply. Each would file more documents without a
    human and some of them into the wrong person's dossier; bench/identity.py --frontier measures
    both, so that the precision-first choice is a measured one. Production resolves with STRICT
    (none of them); they are not settings an office can switch on."""

    # names + 1 January of a year identify a person (resolve): strangers of that name and year too
    names_and_1_january: bool = False
    # the person the uploader named is chosen from namesakes the document fits alike (with_declared)
    uploader_picks_namesake: bool = False


STRICT = Leniency()


@dataclass(frozen=True, slots=True)
class Resolution:
    dossier_id: str | None
    candidates: list[DossierCandidate]
    # reference | name_and_birth_date | name_and_address | declared | new_dossier | reference_conflict
    # | possible_duplicate | ambiguous | no_match
    outcome: str


def _sex_or_nationality_differs(person: PersonData, dossier: Dossier) -> bool:
    return bool(person.sex and dossier.sex and person.sex != dossier.sex) or \
        bool(person.nationality and dossier.nationality and person.nationality != dossier.nationality)


def _contradicts(person: PersonData, s: Scored) -> bool:
    """Does the document contradict the dossier a reference number points at? A birth date one
    digit off (or day and month swapped) does not when the names match strongly: a number
    matched in full and the names outweigh one misread digit of the date."""
    if s.birth == "differs" or (s.birth == "near" and (s.names.score < ATTACH_SCORE or s.names.conflict)):
        return True
    if _sex_or_nationality_differs(person, s.dossier):
        return True
    return bool(person.surname) and s.names.score < PLAUSIBLE and not names_compatible(
        person.surname, person.given_names, s.dossier.surname, s.dossier.given_names)


def _corroborated(person: PersonData, s: Scored) -> bool:
    """Does the document back up a number that has no check digit of its own? The same birth
    date, a clear name match, or a name compatible with the dossier's (read with an OCR slip)
    together with the same nationality and sex. A name, however good, never identifies a person
    on its own; here the number does and the rest must not leave doubt."""
    if s.birth == "same" or s.names.score >= ATTACH_SCORE - MARGIN:
        return True
    return bool(person.nationality) and person.nationality == s.dossier.nationality \
        and bool(person.sex) and person.sex == s.dossier.sex \
        and names_compatible(person.surname, person.given_names, s.dossier.surname, s.dossier.given_names)


def _candidate(s: Scored, score: float | None = None, reason: str | None = None) -> DossierCandidate:
    return DossierCandidate(dossier_id=s.dossier.dossier_id, score=round(score if score is not None else s.score, 3),
                            reason=reason or s.reason)


def resolve(person: PersonData, by_reference: Mapping[str, Sequence[Dossier]],
            others: Iterable[Dossier], *, complete: bool = True, leniency: Leniency = STRICT) -> Resolution:
    """Decide from the dossiers found by each reference field and by name/birth date lookups.

    `complete=False`: a lookup hit its limit, so a better candidate may be missing; then no
    attachment by name is made (the candidates go to the inbox)."""
    conflicts: list[DossierCandidate] = []
    for name in REFERENCE_FIELDS:
        hits = list(by_reference.get(name, ()))
        if len(hits) == 1:
            s = score_dossier(person, hits[0])
            if _contradicts(person, s):
                conflicts.append(_candidate(s, min(s.score, PLAUSIBLE),
                                            f"{name} matches but the document contradicts: {s.reason}"))
            elif name in person.validated or _corroborated(person, s):
                check = "check digit valid" if name in person.validated else "corroborated"
                return Resolution(s.dossier.dossier_id, [_candidate(s, 1.0, f"{name} matches ({check}), {s.reason}")],
                                  "reference")
            else:
                conflicts.append(_candidate(s, PLAUSIBLE, f"{name} matches, not corroborated: {s.reason}"))
        elif len(hits) > 1:
            conflicts += [_candidate(score_dossier(person, d), PLAUSIBLE, f"{name} matches {len(hits)} dossiers")
                          for d in hits]
    seen: dict[str, Dossier] = {}
    for d in others:
        seen.setdefault(d.dossier_id, d)
    # of equal scores (a score is capped without a birth date, so many tie) the better name first
    scored = sorted((score_dossier(person, d) for d in seen.values()),
                    key=lambda s: (-s.score, -s.names.score, s.dossier.dossier_id))
    if not conflicts and scored and complete:
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        if best.birth == "same" and best.score >= ATTACH_SCORE and best.score - runner_up >= MARGIN:
            if not placeholder_birth_date(person.birth_date) or leniency.names_and_1_january:
                return Resolution(best.dossier.dossier_id, [_candidate(best)], "name_and_birth_date")
            # a name and 1 January of a year: a stranger of that name and year fits as well
            scored[0] = replace(best, reason=f"{best.reason} (1 January: often a birthday unknown)")
    candidates = _merge_candidates(conflicts + [_candidate(s) for s in scored if s.score >= PLAUSIBLE])
    if conflicts:
        return Resolution(None, candidates, "reference_conflict")
    return Resolution(None, candidates, "ambiguous" if candidates else "no_match")


def _misread_day(person: PersonData, s: Scored) -> bool:
    """The birth dates differ by one digit of the day or month (or day and month swapped, or by
    one day), the year the same: an OCR slip, a typing error or a register's date conversion. A
    year one digit off may be a father's or a son's of the same name, so it never counts as a
    misread here; nor does a date from an MRZ that passed its check digits, which was read right.
    Never enough on its own: people of one name born days apart are rare, but not rare enough
    among the many who share a name."""
    return s.birth == "near" and "birthDate" not in person.validated and person.birth_date is not None \
        and s.dossier.birth_date is not None and person.birth_date.year == s.dossier.birth_date.year


def _backs(person: PersonData, s: Scored, min_name: float = ATTACH_SCORE, misread_day: bool = False,
           surname_and_birth: bool = False) -> bool:
    """Does the document name the dossier's person (declared by its uploader, or known at the
    address it shows)? Its names must match that dossier clearly (no name the dossier lacks, more
    than a surname), and nothing on it may contradict: a birth date, if shown, the same (with
    `misread_day`, also misread in its day or month: _misread_day); sex, nationality and lifelong
    numbers agree. With `surname_and_birth`, a document that shows only the surname (matched
    without a swap) backs the dossier if it also shows the same birth date: two facts of the
    person on the document itself."""
    surname_only = surname_and_birth and not person.given_names and s.birth == "same" and not s.names.swapped \
        and not placeholder_birth_date(person.birth_date) and s.names.score >= min(min_name, THIN_NAME_CAP)
    if (s.names.score < min_name and not surname_only) or s.names.conflict:
        return False
    if s.birth not in {"same", "unknown"} and not (misread_day and _misread_day(person, s)):
        return False
    if _sex_or_nationality_differs(person, s.dossier):
        return False
    return not any(person.references.get(n) and s.dossier.reference_numbers.get(n) and
                   normalise_reference(person.references[n]) != normalise_reference(s.dossier.reference_numbers[n])
                   for n in LIFELONG_REFERENCES)


def with_declared(person: PersonData, own: Resolution, declared: Dossier | None,
                  others: Iterable[Dossier] = (), *, complete: bool = True, leniency: Leniency = STRICT) -> Resolution:
    """The uploader said whom the document concerns (resolved, by the same rules, to `declared`).
    That lets a document that shows only a name be filed, but never more than the document
    says: it must name that person itself (_backs: the names, or the surname and the same birth
    date; a birth date misread in its day or month does not stop it). And it does not choose between
    people of the same name: if `others` (the name lookups' dossiers) hold someone the document
    fits as well, uploaders mix up namesakes too, so a caseworker decides (and so when a lookup
    hit its limit, `complete=False`, and a namesake may be missing). A document that
    identifies its person on its own keeps its own resolution, one that contradicts a reference
    number stays in the inbox; otherwise the declared dossier joins the candidates."""
    if own.dossier_id or declared is None or own.outcome == "reference_conflict":
        return own
    s = score_dossier(person, declared)
    if _backs(person, s, misread_day=True, surname_and_birth=True):
        near = s.names.score - MARGIN
        namesakes = set() if leniency.uploader_picks_namesake else {
            o.dossier_id for o in others if o.dossier_id != declared.dossier_id
            and _backs(person, score_dossier(person, o), near, misread_day=True, surname_and_birth=True)}
        if not namesakes and complete:
            return Resolution(declared.dossier_id, [_candidate(s, 1.0, f"named by the uploader, {s.reason}")],
                              "declared")
        reason = f"named by the uploader, {s.reason}; " + (
            f"the document fits {len(namesakes)} other dossier(s) as well" if namesakes
            else "too many dossiers of that name to rule out a namesake")
    else:
        reason = f"named by the uploader, but {s.reason}"
    # shown whatever its score (the uploader named it), in place of the lookups' entry for it
    candidates = [c for c in own.candidates if c.dossier_id != declared.dossier_id] + [_candidate(s, reason=reason)]
    return Resolution(None, _merge_candidates(candidates, named=declared.dossier_id), "ambiguous")


def with_address(person: PersonData, own: Resolution, at_address: Collection[str], others: Iterable[Dossier],
                 *, complete: bool = True) -> Resolution:
    """The document shows its person's address, and `at_address` are the dossiers whose person is
    known there (learnt from documents filed with certainty). A document that names exactly one of
    them (_backs; a birth date misread in its day or month does not stop it) is theirs: people of
    the same name elsewhere do not live there, and a household's members have other given names.
    Two who both fit (a father and son of one name), a lookup
    that hit its limit, or a shared accommodation (more than COLLECTIVE_ADDRESS dossiers: newcomers
    there are often not known yet) leave the decision to a caseworker. The inbox then lists the
    residents the document may name (also those the name lookups missed or cut: a surname shared
    by many) and, of candidates that score alike, shows those known at the address first."""
    if own.dossier_id or not person.address or not at_address:
        return own
    unique = {d.dossier_id: d for d in others if d.dossier_id in at_address}
    residents = [score_dossier(person, d) for d in unique.values()]
    here = [t for t in residents if _backs(person, t, misread_day=True)]
    if own.outcome == "reference_conflict" or not complete or len(at_address) > COLLECTIVE_ADDRESS \
            or len(here) != 1:
        plausible = [_candidate(t) for t in residents if t.score >= PLAUSIBLE]
        listed = [c.model_copy(update={"reason": f"{c.reason}; known at the address shown"})
                  if c.dossier_id in at_address else c for c in own.candidates + plausible]
        return replace(own, candidates=_merge_candidates(listed, preferred=at_address))
    s = here[0]
    return Resolution(s.dossier.dossier_id, [_candidate(s, 1.0, f"known at the address shown, {s.reason}")],
                      "name_and_address")


def possible_duplicates(person: PersonData, others: Iterable[Dossier]) -> list[DossierCandidate]:
    """Before an identity document opens a dossier: the dossiers of someone born the same day
    whose names are the document's up to a letter read wrong, added or dropped per name, one name
    at least the same ('KARIM Mostafa' for Karimi, 'ADAT' for Sadat: an MRZ's fillers eat and add
    letters, and no check digit covers names). A second dossier of one person splits the file and
    is hard to notice later, so such a document goes to a caseworker with them instead. Never
    enough to attach: twins' names may differ by one letter (Ali/Alia)."""
    if person.birth_date is None or placeholder_birth_date(person.birth_date):
        return []
    doc = all_name_tokens(person.surname, person.given_names)
    if not doc:
        return []
    found: dict[str, Scored] = {}
    for d in others:
        if d.birth_date != person.birth_date or d.dossier_id in found:
            continue
        free = all_name_tokens(d.surname, d.given_names)
        same = 0
        for t in doc:
            hit = next((o for o in free if token_similarity(t, o) > 0), None)
            same += hit is not None
            hit = hit or next((o for o in free if one_letter_apart(canonical(t), canonical(o))), None)
            if hit is None:
                break
            free.remove(hit)
        else:
            if same:
                found[d.dossier_id] = score_dossier(person, d)
    closer_first = sorted(found.values(), key=lambda s: (-s.names.score, s.dossier.dossier_id))
    return _merge_candidates([_candidate(s, max(s.score, PLAUSIBLE), f"possibly the same person (born the same "
                                         f"day, names a letter apart): {s.reason}") for s in closer_first])


def near_misses(person: PersonData, others: Iterable[Dossier]) -> list[DossierCandidate]:
    """For a document that fits no dossier, whom it may still mean, so that a caseworker sees them
    instead of an empty list (nothing is ever filed on them): someone born that day whose names
    are a letter apart (possible_duplicates: 'Hasehimi' for Hashimi) or partly alike (one name the
    same, or each read with OCR slips: 'Albassan Sameera' for Al Hassan Samira; not on 1 January),
    then the dossiers whose names it shows clearly but whose birth date is another (a date mistyped
    by ten days, or a namesake), the nearest date first; each at its own, low score. Sex or
    nationality that differ rule one out."""
    others = list(others)
    born = person.birth_date
    if born is None:
        return []
    alike: list[DossierCandidate] = []
    fits: dict[str, tuple[int, Scored]] = {}
    for d in others:
        s = score_dossier(person, d)
        if d.birth_date is None or _sex_or_nationality_differs(person, d):
            continue
        if s.birth == "same" and not placeholder_birth_date(born) and _partly_alike(person, d):
            alike.append(_candidate(s, reason=f"born the same day, names partly alike: {s.reason}"))
        elif s.birth == "differs" and s.names.score >= ATTACH_SCORE and not s.names.conflict:
            fits.setdefault(d.dossier_id, (abs((d.birth_date - born).days), s))
    nearest_first = sorted(fits.values(), key=lambda f: (f[0], -f[1].names.score, f[1].dossier.dossier_id))
    # a few days apart hint at a typing error; years apart, the date says it
    return _merge_candidates(possible_duplicates(person, others) + alike + [
        _candidate(s, reason=f"{s.reason}: born {s.dossier.birth_date}" + (f", {gap} days apart" if gap <= 31 else ""))
        for gap, s in nearest_first])


def _partly_alike(person: PersonData, dossier: Dossier) -> bool:
    """One of the document's names is one of the dossier's (up to spelling), or every name is near one
    of the dossier's (names_compatible)."""
    mine = all_name_tokens(person.surname, person.given_names)
    theirs = all_name_tokens(dossier.surname, dossier.given_names)
    return any(token_similarity(a, b) > 0 for a in mine for b in theirs) or names_compatible(
        person.surname, person.given_names, dossier.surname, dossier.given_names)


# Hexadecimal digits the OCR takes for one another in a quoted dossier number (D-CE5DCADE01E5).
_HEX_CONFUSIONS = ("A4", "B8", "D0", "EF", "38", "68", "56", "17", "C0", "CE")
_HEX_CONFUSED_WITH: dict[str, str] = {
    c: "".join(o for pair in _HEX_CONFUSIONS if c in pair for o in pair if o != c) for c in "".join(_HEX_CONFUSIONS)}


def misread_dossier_numbers(quoted: str) -> list[str]:
    """The office's dossier numbers `quoted` could be with one hexadecimal digit misread
    ('D-D59A0CD54480' for D-D59A0CD54A80): looked up when the number as read names no dossier."""
    prefix, _, digits = quoted.rpartition("-")
    return [f"{prefix}-{digits[:i]}{other}{digits[i + 1:]}"
            for i, c in enumerate(digits) for other in _HEX_CONFUSED_WITH.get(c, "")]


def misread_number_dossier(person: PersonData, found: Iterable[Dossier]) -> Dossier | None:
    """Of the dossiers found under misread_dossier_numbers, the one the document names: born the
    same day (the document shows it) and its names compatible. A random slip landing on another
    existing number is rare; that it lands on someone of that birth date and name is not a risk."""
    if person.birth_date is None:
        return None  # `found` is not even looked up
    fits = [d for d in found if d.birth_date == person.birth_date
            and names_compatible(person.surname, person.given_names, d.surname, d.given_names)]
    return fits[0] if len(fits) == 1 else None


def _merge_candidates(found: list[DossierCandidate], *, named: str | None = None,
                      preferred: Collection[str] = ()) -> list[DossierCandidate]:
    """Each dossier once at its best score, the highest first, at most MAX_CANDIDATES: what the
    inbox shows, where a caseworker confirms the first with one click. Of equal scores (without a
    birth date every name match is capped alike) the person the uploader named (`named`) comes
    first, then those known at the address shown (`preferred`), then the order of `found`: callers
    list the better name match first. The named person is always shown, whatever the others."""
    best: dict[str, DossierCandidate] = {}
    for c in found:
        if c.dossier_id not in best or c.score > best[c.dossier_id].score:
            best[c.dossier_id] = c
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.dossier_id != named, c.dossier_id not in preferred))
    shown = ranked[:MAX_CANDIDATES]
    if named in best and best[named] not in shown:
        shown[-1] = best[named]
    return shown


def canonical_name(surname: str) -> str:
    """Spelling-neutral surname, used in deterministic ids of new dossiers."""
    return " ".join(canonical(t) for t in person_name_tokens(surname))
