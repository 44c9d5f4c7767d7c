"""Normalised forms of names and reference numbers for lookups (pure, no AWS)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Müller' -> 'muller', 'Strauß' -> 'strauss'."""
    text = text.casefold().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).strip()


def name_tokens(*names: str) -> list[str]:
    """Distinct folded tokens of at least two letters ('Abd al-Rahman' -> abd, al, rahman)."""
    tokens: list[str] = []
    for name in names:
        for raw in fold(name).replace("-", " ").replace("'", " ").split():
            tok = "".join(c for c in raw if c.isalnum())
            if len(tok) >= 2 and tok not in tokens:
                tokens.append(tok)
    return tokens


def normalise_reference(value: str) -> str:
    """'756.1234.5678.97' -> '7561234567897': separators do not matter for lookups."""
    return "".join(c for c in value.upper() if c.isalnum())


# --- transliteration-aware name keys --------------------------------------------------------
# Names of people from Syria, Afghanistan, Eritrea, Turkey, Ukraine ... reach the office in
# several Latin spellings (Mohammed/Muhammad/Mohamad, Youssef/Yusuf/Jusuf, Müller/Mueller).
# `canonical` removes spelling noise that never tells two people apart (case, accents, umlaut
# spellings, doubled letters); `skeleton` further maps letters that transliterations use
# interchangeably and replaces every vowel run by one slot, so the syllable structure stays:
# Mohammed/Muhammad -> mVhVmVd but Mahmoud -> mVhmVd (a different name, a different key).

# Particles that are not part of the distinguishing name: Arabic article, Romance/Germanic
# prepositions. 'abd' ("servant of") is glued to the following name instead (Abd al-Rahman).
_ARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "at", "az", "an", "ash", "ed", "er", "es",
                       "et", "ez", "en"})
# The Arabic article as the OCR misreads it, its l taken for an i ('Ai Ahmad', 'Aishami').
_ARTICLE_MISREAD = frozenset({"ai", "ei"})
_PARTICLES = _ARTICLES | frozenset({"de", "del", "della", "di", "da", "do", "dos", "das", "van", "von",
                                    "der", "den", "la", "le", "y", "e"})
_ABD_PREFIX = re.compile(r"^abd(?:[aeiou]l(?=[a-z]{3})|[aeiou](?=([b-df-hj-np-tv-z])\1))")
_ABD_ALONE = re.compile(r"abd(?:[aeiou][lr]?)?")
_UMLAUT_SPELLING = re.compile(r"(?<=[a-z])(?:ae|oe|ue)|^(?:ae|oe|ue)(?=[^aeiou])")
_DOUBLE = re.compile(r"([a-z])\1+")
_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r) for p, r in (
        (r"i[yj]", "i"),  # Yurii / Yuriy / Jurij, Oliinyk / Oliynyk, Julija / Yuliia
        (r"^ou(?=[aeiou])", "w"),  # French: Oualid / Walid
        (r"xh", "j"),  # Albanian xh = dsch (Hoxha / Hodža)
        (r"x", "ks"),
        (r"dsch|dzh|dzs|dj|dz", "j"),
        (r"szcz|shch|sch|tsch|tch|tsh|ch|sh|sz|kh", "x"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"dh", "d"),
        (r"gh", "g"),
        (r"ck|q|c(?![eiy])|k", "k"),
        (r"c", "s"),
        (r"z", "s"),
        (r"w", "v"),
        (r"^y", "j"),
        (r"y", "i"),
        (r"(?<=[b-df-hk-np-tv-z])j(?=[aeiou])", "i"),  # Tatjana / Tetiana, Julija / Yuliia
        (r"(?<=[aeiou])h$", ""),
        (r"([b-df-hj-np-tv-z])\1+", r"\1"),
    )
)
_VOWEL_RUN = re.compile(r"[aeiou]+")
# Looser still, for a lower similarity: letters that transliterations of one language swap
# (Ukrainian/Russian h/g: Ihor/Igor; Turkish final devoicing: Mehmet/Mehmed, Zeynep/Zeynab;
# Arabic th/s: Othman/Osman; diacritics lost: Şahin -> Sahin for Schahin; Albanian q/ç).
_LOOSE_BEFORE = tuple((re.compile(p), r) for p, r in (
    (r"q(?=[iey])", "c"),  # Albanian q = ç = ć (Krasniqi/Krasnići/Krasnici, Bytyqi/Bytyçi); Arabic q before a/u stays k
    (r"th", "s"),
    (r"(?<![cdgkpstz])h", "g"),  # Ihor/Igor (ch, sh, kh, gh ... are other letters)
    (r"(?<=[aeiou])g(?=[aeiou])", ""),  # Zabihullah/Zabiullah, Doğan/Doan
    (r"(?<=[aeiou][b-df-hj-np-tv-z])e$", ""),  # French mute final e: Yasmine/Yasmin, Amine/Amin
))
_LOOSE_AFTER = str.maketrans({"x": "s", "p": "b", "t": "d"})
# Letters that Unicode does not decompose into a base letter and a diacritic.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "dj", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
                          "ş": "sh", "Ş": "sh", "š": "sh", "Š": "sh", "č": "ch", "Č": "ch", "ž": "zh", "Ž": "zh"})


def _vowel_slot(m: re.Match[str]) -> str:
    # A diphthong or glide ('ei' in Hussein, 'ai' in Husain, 'ia' in Alia/Mariam) is an Arabic
    # consonant y: it keeps Hussein apart from Hassan and Alia from Ali.
    run = m.group()
    return "Vj" if "i" in run[1:] or re.search(r"i[aou]", run) else "V"


# Spellings of one name that differ in their vowel structure because a dialect pronounces it
# so (Egyptian 'Soliman' for Suleiman, Persian 'Hossein' for Hussein). The skeleton rules cannot
# equate them without also equating other names (Hussein/Hassan), so they are listed one by one.
_VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("suleiman", "sulaiman", "soliman", "sleiman", "sulayman", "suliman", "suleyman"),
    ("hussein", "husain", "hussain", "husein", "hossein", "husayn", "houssein"),
)


def spelled(token: str) -> str:
    """One name token as written, without case, accents and umlaut spellings, letter for letter:
    'Müller'/'Mueller' -> 'muller'. OCR slips are judged on this form: 'Halimi' read 'Haiimi'
    is one substituted letter here, but a shorter word once doubled letters are merged."""
    t = "".join(c for c in fold(token.translate(_LETTERS)).translate(_LETTERS) if c.isalpha())
    return _UMLAUT_SPELLING.sub(lambda m: m.group()[0], t)


def canonical(token: str) -> str:
    """Spelling-neutral form of one name token: 'Müller'/'Mueller' -> 'muler', 'Hassan' -> 'hasan'."""
    return _DOUBLE.sub(r"\1", spelled(token))


@lru_cache(maxsize=1 << 16)
def skeleton(token: str, *, loose: bool = False) -> str:
    """Transliteration key of one canonical token (see the comments above)."""
    s = canonical(token)
    if loose:
        for pattern, replacement in _LOOSE_BEFORE:
            s = pattern.sub(replacement, s)
    for pattern, replacement in _SKELETON_RULES:
        s = pattern.sub(replacement, s)
    s = _VOWEL_RUN.sub(_vowel_slot, s)
    return s.translate(_LOOSE_AFTER) if loose else s


def glue_abd(token: str) -> str:
    """'abdullah' -> 'abdlah': 'Abd' ("servant of") and the article glued to the name that follows
    (see person_name_tokens)."""
    return _ABD_PREFIX.sub("abd", token)


# Spanish compound given names (nombres compuestos): one name in two words, never shortened on
# an official document. Kept as one token, 'María' is another name than 'María José', not the
# same one with a middle name dropped: sisters, twins even, are named so. The second word is
# compared by its transliteration key, so that an OCR slip in it ('Maria Jase') still glues.
_COMPOUND_GIVEN = tuple(tuple(n.split()) for n in (
    "maria jose", "maria carmen", "maria teresa", "maria isabel", "maria elena", "maria fernanda",
    "maria camila", "maria paula", "maria alejandra", "maria angeles", "maria luisa", "maria dolores",
    "ana maria", "ana sofia", "ana isabel", "ana lucia", "jose luis", "jose antonio", "jose manuel",
    "jose maria", "jose carlos", "jose miguel", "juan carlos", "juan pablo", "juan jose", "juan manuel",
    "juan antonio", "juan camilo", "juan david", "juan sebastian", "miguel angel", "luis fernando",
    "luis miguel", "luis alberto", "luis carlos", "carlos alberto", "francisco javier", "jesus maria"))
_COMPOUND_PARTNERS: dict[str, frozenset[str]] = {}


def _compound(first: str, second: str) -> bool:
    """Do two name words (as read, or `spelled`) make a compound given name?"""
    if not _COMPOUND_PARTNERS:
        for head in {h for h, _ in _COMPOUND_GIVEN}:
            _COMPOUND_PARTNERS[spelled(head)] = frozenset(skeleton(p) for h, p in _COMPOUND_GIVEN if h == head)
    partners = _COMPOUND_PARTNERS.get(spelled(first))
    return partners is not None and skeleton(second) in partners


def name_field_tokens(surname: str, given: str) -> tuple[list[str], list[str]]:
    """person_name_tokens of a surname and given names read from one page. A compound given name
    the reading split between the fields ('Miguel' / 'Angel Garcia' from 'Miguel Angel Garcia')
    is one given name again; a surname's article read 'Ai' is dropped as the article is."""
    sur, giv = person_name_tokens(surname), person_name_tokens(given)
    if len(sur) > 1 and sur[0] in _ARTICLE_MISREAD:  # 'Ai Ahmad': no surname begins with a word Ai
        sur = sur[1:]
    if len(sur) > 1 and giv and _compound(giv[-1], sur[0]):  # a surname is left
        return sur[1:], [*giv[:-1], giv[-1] + sur[0]]
    return sur, giv


# An 'é' next to a vowel where a Slavic or Albanian name has a č or ć: the page's OCR models
# (deu/fra/ita) lack these letters and read 'Sevéenko' for Ševčenko, 'Krasniéi' for Krasnići,
# 'Kovaéevié' for Kovačević. Not a French 'ée' at the end of a word (Andrée, Renée).
_E_FOR_C_CARON = re.compile(r"(?<=[aeiouy])é|é(?=[aiouy]|e(?![\s\-']|$))", re.IGNORECASE)


def e_for_c_caron(name: str) -> str | None:
    """`name` with each 'é' the OCR may have read for a č undone (see _E_FOR_C_CARON), or None
    where there is none. As č folds to ch and ć to c, one undoing serves both under the loose
    transliteration key."""
    undone = _E_FOR_C_CARON.sub("č", name)
    return undone if undone != name else None


def all_name_tokens(surname: str, given: str) -> list[str]:
    """name_field_tokens of both fields in one list: surname first."""
    sur, giv = name_field_tokens(surname, given)
    return sur + giv


def compound_head(a: str, b: str) -> bool:
    """Is one token a compound given name that begins with the other ('mariajose' / 'maria')?"""
    short, long_ = sorted((a, b), key=len)
    return len(long_) > len(short) and long_.startswith(short) and _compound(short, long_[len(short):])


def person_name_tokens(name: str) -> list[str]:
    """Spelled tokens of a name (see `spelled`; `canonical` of each is its spelling-neutral
    form), articles dropped, 'abd' glued to the next token:
    'Abd al-Rahman' / 'Abdel Rahman' / 'Abdulrahman' / 'Abdurrahman' -> ['abdrahman'];
    a Spanish compound given name glued too: 'María José' -> ['mariajose'] (_COMPOUND_GIVEN)."""
    raw = [t for t in re.split(r"[\s\-'’`.,/]+", fold(name)) if t]
    out: list[str] = []
    glue = False
    for i, word in enumerate(raw):
        letters = "".join(c for c in word if c.isalpha())
        if not letters or (letters in _PARTICLES and i < len(raw) - 1):
            continue
        tok = "abd" if _ABD_ALONE.fullmatch(letters) else _ABD_PREFIX.sub("abd", letters)
        if glue:
            out[-1] = _ABD_PREFIX.sub("abd", out[-1] + tok)
            glue = False
        elif out and _compound(out[-1], tok):
            out[-1] += tok
        else:
            out.append(tok)
        if tok == "abd":
            glue = True
    return [c for c in (spelled(t) for t in out) if len(canonical(c)) >= 2]


def one_letter_apart(a: str, b: str) -> bool:
    """One letter substituted, added or dropped ('karim'/'karimi', 'adat'/'sadat'), from 3 letters."""
    if a == b or min(len(a), len(b)) < 3 or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def name_keys(*names: str) -> list[str]:
    """Distinct skeletons of the tokens of `names`: the lookup keys for spelling-aware search."""
    keys: list[str] = []
    for name in names:
        for tok in person_name_tokens(name):
            key = skeleton(tok)
            if len(key) >= 2 and key not in keys:
                keys.append(key)
    return keys


_VARIANT_OF: dict[str, int] = {}


def _variant_group(token: str) -> int | None:
    if not _VARIANT_OF:
        _VARIANT_OF.update({canonical(n): i for i, group in enumerate(_VARIANT_GROUPS) for n in group})
    return _VARIANT_OF.get(canonical(token))


def known_variants(a: str, b: str) -> bool:
    """Are two canonical tokens listed spellings of one name (see _VARIANT_GROUPS)?"""
    group = _variant_group(a)
    return group is not None and group == _variant_group(b)


def listed_spelling(token: str) -> str | None:
    """The first spelling of the listed group (_VARIANT_GROUPS) a token belongs to ('Soliman' ->
    'suleiman'), None for a name not listed: one key for spellings the skeleton keeps apart."""
    group = _variant_group(token)
    return None if group is None else _VARIANT_GROUPS[group][0]

