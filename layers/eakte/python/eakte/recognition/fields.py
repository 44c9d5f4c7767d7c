"""Field extraction: identity fields from the MRZ and from labelled text, plus per-type fields
and reference numbers.

Labels are searched in a *shadow* of the text: same length, lowercase, accents removed
character by character, so offsets found there slice the original text (values keep their
spelling: "Müller", not "muller").

Field keys (camelCase, as stored in Document.fields): surname, givenNames, birthDate,
nationality, documentNumber, expiryDate, sex, employer, startDate, address, moveInDate,
monthlyGross, court, decisionDate, fileNumber, language, languageLevel, ahvNumber, azrNumber,
zemisNumber, dossierNumber (the office's own file number, quoted in replies: "Ihr Zeichen").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from datetime import date

from eakte.logic.names import one_letter_apart, person_name_tokens, skeleton
from eakte.models.document import DocumentType, ExtractedField, FieldSource
from eakte.recognition.countries import mrz_nationality, nationality_code
from eakte.recognition.mrz import MrzResult
from eakte.recognition.normalize import fold

# Confidences. MRZ: check digits are proof; text: a label plus a value of the right shape.
MRZ_VALID = 0.99
MRZ_CHECKED = 0.85  # the field's own check digit passed, another one failed
MRZ_FAILED = 0.4  # the field's own check digit failed
MRZ_UNCHECKED = 0.7  # names, nationality, sex when the MRZ as a whole is not valid
TEXT_DATE = 0.8
TEXT_NAME = 0.75
TEXT_CODE = 0.75
TEXT_SEX = 0.8
TEXT_INFERRED = 0.6  # nationality from "türkischer Staatsangehöriger" and the like
TEXT_WEAK = 0.5  # unlabelled guesses (an employer from a company-looking line)
AGREEMENT_BONUS = 0.05
AHV_CONFIDENCE = 0.97  # EAN-13 check digit passed
AHV_REPAIRED = 0.9  # ... after an O/0-style repair
AHV_AMONG_OTHERS = 0.5  # the page shows more than one valid AHV number: which is the person's is open
AZR_CONFIDENCE = 0.6  # pattern only: the AZR number has no public check digit
ZEMIS_CONFIDENCE = 0.7
DOSSIER_NUMBER_CONFIDENCE = 0.75  # a distinctive shape, but no check digit
EXPIRY_WINDOW_YEARS = 20
MAX_CONFIDENCE = 0.99  # nothing read from a scan is certain


def _shadow_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)):
        ch = chr(cp)
        base = unicodedata.normalize("NFKD", ch)[:1].lower()
        if len(base) == 1 and base.isascii():
            table[cp] = base
    table[ord("ß")] = "s"
    table[ord("’")] = "'"
    # brackets OCR reads for one another: "Vorname(n}:" is "Vorname(n):"
    table |= {ord("{"): "(", ord("["): "(", ord("}"): ")", ord("]"): ")"}
    table[ord("\u00a0")] = " "
    return table


_SHADOW = _shadow_table()


def shadow(text: str) -> str:
    """Lowercase ASCII-ish copy of `text` with identical length and offsets."""
    return text.translate(_SHADOW)


# --- dates ---------------------------------------------------------------------------------

_MONTHS = {
    # de
    "januar": 1, "janner": 1, "jan": 1, "februar": 2, "feb": 2, "marz": 3, "maerz": 3, "mar": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
    # fr
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "decembre": 12, "dec": 12,
    # it
    "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "agosto": 8, "settembre": 9, "ottobre": 10, "dicembre": 12,
    # en
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
    "december": 12,
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\d.])(?:"
    r"(?P<iy>(?:19|20)\d{2})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<nd>\d{1,2})\s?[./-]\s?(?P<nm>\d{1,2})\s?[./-]\s?(?P<ny>\d{4}|\d{2})"
    rf"|(?P<td>\d{{1,2}})(?:er|\.|°|º)?\s*(?P<tm>{_MONTH_ALT})\.?\s*(?P<ty>\d{{4}})"
    r")(?![\d])"
)


def _mk_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _century(yy: int, past: bool, today: date) -> int:
    if past:
        return 2000 + yy if date(2000 + yy, 1, 1) <= today else 1900 + yy
    return 2000 + yy if 2000 + yy <= today.year + EXPIRY_WINDOW_YEARS else 1900 + yy


def _date_from_match(m: re.Match[str], past: bool, today: date) -> date | None:
    if m.group("iy"):
        return _mk_date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    if m.group("nd"):
        y = m.group("ny")
        year = int(y) if len(y) == 4 else _century(int(y), past, today)
        d = _mk_date(year, int(m.group("nm")), int(m.group("nd")))
        if d is not None and past and d > today and len(y) == 2:
            d = _mk_date(year - 100, d.month, d.day)
        return d
    return _mk_date(int(m.group("ty")), _MONTHS[m.group("tm")], int(m.group("td")))


def parse_date(text: str, *, past: bool = False, today: date | None = None) -> str | None:
    """First date in `text` as ISO 8601: 12.03.1990, 12/3/90, 1990-03-12, 12. März 1990,
    1er mars 1990, 12 marzo 1990. Two-digit years: past dates (birth) are never in the future."""
    today = today or date.today()
    for m in _DATE.finditer(shadow(text)):
        d = _date_from_match(m, past, today)
        if d is not None:
            return d.isoformat()
    return None


def _date_near(sh: str, start: int, past: bool, today: date, max_chars: int = 80) -> str | None:
    """First valid date after a label: on the label's line, else on the next non-empty line."""
    end = sh.find("\n", start)
    end = len(sh) if end < 0 else end
    windows = [(start, min(end, start + max_chars))]
    nxt = _next_line(sh, end)
    if nxt is not None:
        windows.append(nxt)
    for a, b in windows:
        for m in _DATE.finditer(sh, a, b):
            d = _date_from_match(m, past, today)
            if d is not None:
                return d.isoformat()
    return None


def _next_line(sh: str, eol: int) -> tuple[int, int] | None:
    pos = eol
    while pos < len(sh):
        a = pos + 1
        b = sh.find("\n", a)
        b = len(sh) if b < 0 else b
        if sh[a:b].strip():
            return a, b
        pos = b
    return None


# --- labels --------------------------------------------------------------------------------

_COL = r"(?:^|(?<=  )|(?<=[|;\t]))[ \t]*(?:\d{1,2}[.)]\s*)?"  # line start or table column
_SEP = re.compile(r"^[\s:.\-–=]*")
_CUT = re.compile(r"\s{2,}|\t|\||;")
_NAME_VALUE = re.compile(r"[^\W\d_][^\W\d_'’.\-]*(?:[ '’\-][^\W\d_][^\W\d_'’.\-]*)*")

# A value that is itself a label is no name. Long stems match as prefixes (Geburtsdatum); short
# ones only as whole words, so Ortega, Nomura or Datoo stay surnames.
_LABEL_WORDS = re.compile(
    r"^(?:(?:vorname|nachname|familienname|prenom|cognome|surname|geburt|datum|nationalit|staatsang|"
    r"geschlecht|adresse|address|luogo)|"
    r"(?:vornamen|name|nom|nome|given|geb|date|data|sexe?|sesso|lieu|ort|place|ne|nee|nato|nata)\b)"
)

_COMBINED_NAME = re.compile(
    _COL + r"(?:name\s*,\s*vornamen?|nachname\s*,\s*vornamen?|familienname\s*,\s*vornamen?|"
    r"nom\s*(?:,|et)\s*prenoms?(?:\(s\))?|cognome\s*(?:,|e)\s*nome|surname\s*,\s*given names?)"
    r"\b",
    re.M,
)
_SURNAME = re.compile(
    _COL + r"(?:familienname|nachname|name|nom de famille|nom|cognome|surname|last name|"
    r"family name)\b(?!\s*(?:des|der|und|of|du|de|d'|et|e|,|&)\b)(?:\s*\([^)\n]{0,20}\))?",
    re.M,
)
_GIVEN = re.compile(
    # OCR often loses a bracket of "Vorname(n)" / "Prénom(s)": "Vornamen):", "Prenomis):"
    _COL + r"(?:vornamen\)?|vorname(?:\(n\)|\(n)?|prenoms\)?|prenom(?:\(s\)|is\)|\(s)?|nome|given names?|"
    r"first names?)(?![\w(])",
    re.M,
)
# The same labels in the middle of a line, after another field; only with a colon, so prose
# ("der Vorname lautet") is not read as a label.
_GIVEN_INLINE = re.compile(r"(?<=\s)(?:vornamen|vorname(?:\(n\))?|prenoms|prenom(?:\(s\))?|given names?)(?=\s*:)")
_BIRTH = re.compile(
    r"\b(?:geburtsdatum|geburtstag|tag der geburt|geb\.|geboren(?:\s+am)?|date de naissance|"
    r"ne(?:\(e\)|e)?\s+le|data di nascita|nat[oa]\s+il|date of birth|birth date|dob)"
)
_NATIONALITY = re.compile(
    r"\b(?:staatsangehorigkeit|staatsangehoerigkeit|nationalitat|nationalitaet|"
    r"staatsburgerschaft|nationalite|cittadinanza|nazionalita|nationality)\b[^\n:]{0,25}?[:\s]\s*"
)
_NATIONALITY_INFERRED = re.compile(
    r"\b(\w+?)(?:e[nrs]?)?\s+staatsangehorige[rn]?\b|"
    r"\bressortissante?\s+(\w+)|\bcittadin[oa]\s+(\w+)|\bde nationalite\s+(\w+)"
)
_DOC_NUMBER = re.compile(
    r"\b(?:pass(?:-|\s)?(?:nr|nummer)|passport\s+no|no\.?\s+du\s+passeport|n°\s*(?:du\s+)?passeport|"
    r"numero\s+du\s+passeport|ausweis(?:-|\s)?(?:nr|nummer)|dokumentennummer|document\s+no|"
    r"numero\s+del\s+passaporto|karten(?:-|\s)?nr|seriennummer)\.?"
)
_DOC_VALUE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{6,12}(?![A-Za-z0-9])")
_EXPIRY = re.compile(
    r"\b(?:gultig\s+bis|gueltig\s+bis|ablaufdatum|gultigkeitsdauer|date\s+d'expiration|"
    r"valable\s+jusqu'(?:au|a)|date\s+of\s+expiry|expiry\s+date|valid\s+until|scadenza|"
    r"valid[oa]\s+fino\s+al|kontrollfrist|delai\s+de\s+controle)"
)
_SEX = re.compile(r"\b(?:geschlecht|sexe|sesso|sex)\b")
_SEX_VALUE = re.compile(
    r"\b(?:(?P<m>mannlich|maennlich|masculin|maschile|male|m)|"
    r"(?P<f>weiblich|feminin|feminine|femminile|female|f|w)|(?P<x>divers|x))\b"
)

_EMPLOYER = re.compile(
    _COL + r"(?:arbeitgeber(?:in)?|firma|unternehmen|employeur|datore di lavoro|employer)\b",
    re.M,
)
_EMPLOYER_ROLE = re.compile(
    r"\((?:nachfolgend|im folgenden|ci-apres|ci-dessous|di seguito|hereinafter)?\s*"
    r"[\"'„“«]?\s*(?:die |der |l'|il |la |the )?(?:arbeitgeber|employeur|datore|employer)"
)
_PARTIES_OPENING = re.compile(
    r"[ \t]*(?:(?:zwischen|entre|tra|between)\s+(?:(?:der|dem|la|le|l'|il|la|the)\s*)?"
    r"(?:(?:firma|societe|ditta|company)\s+)?)?"
)
_LEGAL_FORM = re.compile(
    r"(?<![\w])(?:ag|gmbh|sa|sarl|s\.a\.|s\.a\.r\.l\.|sagl|s\.r\.l\.|srl|kg|ohg|e\.k\.|ug|ltd|"
    r"inc|gmbh & co\. kg|genossenschaft|stiftung)(?![\w])"
)
_START = re.compile(
    r"\b(?:stellenantritt|arbeitsbeginn|eintrittsdatum|eintritt|beginn des arbeitsverhaltnisses|"
    r"arbeitsverhaltnis beginnt|vertragsbeginn|beginnt am|entree en fonction|"
    r"debut (?:de l'engagement|du contrat|des rapports de travail|de l'activite)|"
    r"date d'entree|inizio del rapporto di lavoro|data d'inizio|inizio|start date|commencement)"
)
# the dwelling's labels first: a generic "Adresse" may belong to the landlord
_ADDRESS_LABELS = (
    re.compile(
        _COL + r"(?:mietobjekt|mietsache|objekt|wohnung|adresse der wohnung|adresse des mietobjekts|"
        r"lage|liegenschaft|objet loue|adresse de l'objet|immeuble|logement|oggetto locato|"
        r"ente locato|oggetto)\b",
        re.M,
    ),
    re.compile(_COL + r"(?:adresse|address|indirizzo|anschrift)\b", re.M),
)
_DWELLING_WORDS = re.compile(r"\b(?:wohnung|appartement|appartamento|logement|mietobjekt|objet|zimmer|pieces|locali)")
_ADDRESS = re.compile(
    r"(?P<street>(?:[A-ZÄÖÜÉÈÀa-zäöüéèàç][^\n,:;()]{1,50}?\s\d{1,4}\s?[a-zA-Z]?)"
    r"|(?:\d{1,4}\s?[a-zA-Z]?,?\s+(?i:rue|avenue|boulevard|chemin|route|place|impasse|allee|"
    r"via|viale|piazza|corso)\b[^\n,:;()]{1,40}))"
    r"\s*,?\s*(?P<zip>(?:CH-|D-|DE-)?\d{4,5})\s+"
    r"(?P<city>[A-ZÄÖÜÉ][\w\-.]*(?:[ \-/][A-ZÄÖÜÉ][\w\-.]*)*)"  # bilingual: Biel/Bienne
)
_MOVE_IN = re.compile(
    r"\b(?:mietbeginn|beginn des mietverhaltnisses|mietantritt|einzugsdatum|einzugstermin|"
    r"einzug|bezugstermin|ubergabe|mietdauer ab|debut du bail|entree en jouissance|"
    r"date d'entree|prise d'effet|inizio della locazione|move-in|bezug)"
)

_AHV = re.compile(
    r"(?<![\dA-Za-z])7[5S]6[.\s]?[\dOoIlBS]{4}[.\s]?[\dOoIlBS]{4}[.\s]?[\dOoIlBS]{2}(?![\dA-Za-z])"
)
_AHV_DIGITS = str.maketrans("OoIlBS", "001185")
_AZR_LABEL = re.compile(r"\b(?:azr(?:-|\s)?(?:nummer|nr\.?|no\.?)?|auslanderzentralregister(?:nummer)?)")
_AZR_VALUE = re.compile(r"(?<!\d)(?:\d[\s.]?){11}\d(?!\d)")
_ZEMIS_LABEL = re.compile(r"\bzemis\b")
_ZEMIS_VALUE = re.compile(r"(?<!\d)(?:\d{8}|\d{4}[.\s]\d{4}|\d{3}[.\s]\d{3}[.\s]\d{2})(?![\d])")


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, (len(text) if b < 0 else b)


def _after_label(text: str, end: int) -> tuple[str, int]:
    """The value on the label's line (up to a column break), else the next non-empty line."""
    _, eol = _line_bounds(text, end)
    rest = _SEP.sub("", text[end:eol], count=1)
    if rest.startswith("/") or not rest.strip():
        rest = ""
    value = _CUT.split(rest, maxsplit=1)[0].strip()
    if value:
        return value, end
    nxt = _next_line(text, eol)
    if nxt is None:
        return "", end
    a, b = nxt
    return _CUT.split(text[a:b].strip(), maxsplit=1)[0].strip(), a


def _multilingual_rest(text: str, end: int) -> str | None:
    """'Name/Surname/Nom MUSTERMANN': the capitalised words after the last label part."""
    _, eol = _line_bounds(text, end)
    rest = text[end:eol]
    if not rest.lstrip().startswith("/"):
        return None
    last = rest.rsplit("/", 1)[-1]
    caps = [w for w in last.split() if len(w) > 1 and w.isupper()]
    return " ".join(caps) or None


# A whole word that is itself a label: a second field on the same line ("Name: AL HASSAN
# Vorname: Rami") ends the value there. Whole words only, so "Ortega" or "Nomura" stay names.
_NEXT_LABEL = re.compile(
    r"(?:vornamen?|vorname\(n\)|nachname|familienname|prenoms?|prenom\(s\)|cognome|nome|"
    r"geburtsdatum|geboren|staatsangehorigkeit|nationalitat|nationalite|geschlecht|sexe?|adresse)[:.]?"
)


# An exclamation mark inside or at the end of a name is an I or l the OCR read with its dot
# ('Name: KARIM!' for KARIMI); cut there, the name loses a letter and the MRZ's full one (which no
# check digit covers) would look like a filler read as a letter.
_EXCLAMATION_IN_NAME = re.compile(r"(?<=[^\W\d_])!(?=[^\W\d_]|[ \t]|$)", re.M)


def _exclamation_as_letter(m: re.Match[str]) -> str:
    return "I" if m.string[m.start() - 1].isupper() else "l"


def _name_value(raw: str) -> str | None:
    m = _NAME_VALUE.match(_EXCLAMATION_IN_NAME.sub(_exclamation_as_letter, raw.strip()))
    if m is None:
        return None
    words = m.group().split(" ")
    cut = next((i for i, w in enumerate(words) if i and _NEXT_LABEL.fullmatch(shadow(w))), len(words))
    value = " ".join(words[:cut]).strip(" -.'")
    if len(value) < 2 or len(value) > 60 or _LABEL_WORDS.match(shadow(value)):
        return None
    return value


def _field(value: str, confidence: float, source: FieldSource = FieldSource.TEXT) -> ExtractedField:
    return ExtractedField(value=value, confidence=round(min(confidence, MAX_CONFIDENCE), 3), source=source)


# --- identity fields from text -------------------------------------------------------------


# The person as a document names them without Name/Vorname labels: a role ("Mitarbeiter: Rami Al
# Hassan", "Locataire: Monsieur Dawit TESFAYE") or, weaker, the salutation line of the address
# block ("Herr Rami Al Hassan"). A salutation inside a sentence ("Sehr geehrte Frau Meier": the
# caseworker) does not start the line and is not read.
_ROLE = re.compile(
    _COL + r"(?:mitarbeiter(?:in)?|arbeitnehmer(?:in)?|angestellte[rn]?|mieter(?:in)?|"
    r"versicherte(?:r)?(?: person)?|kandidat(?:in)?|teilnehmer(?:in)?|gesuchsteller(?:in)?|"
    r"employe(?:e)?|salarie(?:e)?|locataire|assure(?:e)?|candidat(?:e)?|requerant(?:e)?|"
    r"dipendente|lavorat(?:ore|rice)|inquilin[oa]|conduttore|assicurat[oa]|richiedente|"
    r"employee|tenant|insured person|applicant)\b(?=\s*:)",
    re.M,
)
# an m of Madame/Monsieur is often read as 'rn' ('Madarne'): otherwise the salutation becomes a given name
_SALUTATION = re.compile(r"(?:herrn?|frau|(?:m|rn)onsieur|(?:m|rn)ada(?:m|rn)e|mme|signora|signor|sig\.ra|sig\.|"
                         r"mr\.?|mrs\.?|ms\.?)\s+")
_SALUTATION_LINE = re.compile(r"^[ \t]*" + _SALUTATION.pattern, re.M)
_GIVEN_PREFIXES = frozenset({"abd", "abdel", "abdul", "abu", "abou", "al", "el"})
# what may follow the name on its line, after a comma: "Herr Rami Al Hassan, geboren am 14.03.1991"
_AFTER_NAME = re.compile(r",\s*(?:geboren|geb\.|nee?\b|nat[oa]\b|born|wohnhaft|domicilie|residente|"
                         r"staatsangeh|nationalit|cittadin)")
_RESIDING = re.compile(r"\b(?:wohnhaft(?: in)?|domiciliee?(?: a)?|residente(?: a| in)?|residing at)\s+")


def _split_full_name(value: str) -> tuple[str, str]:
    """'Rami Al Hassan' -> ('Al Hassan', 'Rami'); 'Dawit TESFAYE' / 'AL HASSAN Rami': the words in
    capitals are the surname. Otherwise the given name comes first (with a leading 'Abd al-' kept
    to it); identity resolution compares names order-insensitively, so a wrong cut costs little."""
    words = value.split()
    if len(words) == 1:  # "Frau Tekle"
        return value, ""
    caps = [w for w in words if w.isupper() and len(w) > 1]
    if caps and len(caps) < len(words):
        return " ".join(caps), " ".join(w for w in words if w not in caps)
    cut = 1
    while cut < len(words) - 1 and shadow(words[cut - 1]).strip("-") in _GIVEN_PREFIXES:
        cut += 1
    return " ".join(words[cut:]), " ".join(words[:cut])


def _address_value(m: re.Match[str]) -> str:
    """An _ADDRESS match as one line: 'Zürcherstrasse 112, 8406 Winterthur'."""
    return f"{' '.join(m.group('street').split())}, {m.group('zip')} {m.group('city').strip()}"


def _address_below(text: str, eol: int) -> ExtractedField | None:
    """The address block under a name: street and number, then postcode and town (a c/o or
    an apartment line may come between); or, in prose, the address after "wohnhaft" on the
    name's line or the next."""
    lines: list[str] = []
    pos = eol
    while len(lines) < 3 and (nxt := _next_line(text, pos)) is not None:
        lines.append(text[nxt[0]:nxt[1]].strip())
        pos = nxt[1]
    for line in (text[_line_bounds(text, max(eol - 1, 0))[0]:eol], *lines[:1]):
        if (r := _RESIDING.search(shadow(line))) is not None and \
                (m := _ADDRESS.match(line, r.end())) is not None:
            return _field(_address_value(m), TEXT_NAME)
    for first in range(min(2, len(lines) - 1)):
        m = _ADDRESS.fullmatch(f"{lines[first]}, {lines[first + 1]}")
        if m is not None:
            return _field(_address_value(m), TEXT_NAME)
    return None


# A letter's address block without a salutation line ("Rami Al Hassan" over "Zürcherstrasse 112"
# over "8406 Winterthur"): a line of two to five name words directly over a street line and a
# postcode line, among the first lines of the page, where an address block stands. A sender's
# block is not the person's: a company, an office, a court, an insurer, a lawyer's practice.
_BLOCK_TOP_LINES = 14
_ORGANISATION = re.compile(
    _LEGAL_FORM.pattern + r"|\b(?:\w*amt|\w*behorde|service|ufficio|sezione|direction|departement|dipartimento|"
    r"kanton|canton|cantone|gemeinde|stadt|ville|citta|commune|comune|polizei|police|polizia|"
    r"\w*gericht|tribunal|tribunale|\w*versicherung|\w*kasse|assurance|assicurazione|caisse|cassa|"
    r"verwaltung|immobilien|regie|immobiliare|advokatur|kanzlei|etude|studio|avocats?|avvocat[oi]|"
    r"rechtsanwalt\w*|notariat|bank|banque|banca|hotel|restaurant|klinik|clinique|spital|hopital|"
    r"ospedale|schule|ecole|scuola|zentrum|centre|centro|verein|association|associazione|"
    r"fondation|fondazione|dr|prof|lic|iur)\b"
)


def _unsaluted_addressee(text: str) -> tuple[str, int] | None:
    """The name of an address block without a salutation (see _ORGANISATION) and the end of its
    line; none where two such blocks (a private sender's and the addressee's) leave it open."""
    lines: list[tuple[str, int]] = []
    pos = -1
    while len(lines) < _BLOCK_TOP_LINES and (nxt := _next_line(text, pos)) is not None:
        lines.append((text[nxt[0]:nxt[1]].strip(), nxt[1]))
        pos = nxt[1]
    found: list[tuple[str, int]] = []
    for (line, eol), (street, _), (town, _) in zip(lines, lines[1:], lines[2:], strict=False):
        v = _name_value(line)
        if v == line and 2 <= len(v.split()) <= 5 and not _ORGANISATION.search(shadow(line)) \
                and _ADDRESS.fullmatch(f"{street}, {town}") is not None:
            found.append((v, eol))
    return found[0] if len(found) == 1 else None


def _named_person(text: str, sh: str) -> dict[str, ExtractedField]:
    found: tuple[str, float, int] | None = None  # name, confidence, end of its line
    for m in _ROLE.finditer(sh):
        raw, _ = _after_label(text, m.end())
        if (salutation := _SALUTATION.match(shadow(raw))) is not None:
            raw = raw[salutation.end():]
        if (v := _name_value(raw)) is not None and len(v.split()) >= 2:
            found = (v, TEXT_NAME, _line_bounds(text, max(text.find(v, m.end()), m.end()))[1])
            break
    if found is None:
        for m in _SALUTATION_LINE.finditer(sh):
            _, eol = _line_bounds(sh, m.end())
            rest = text[m.end():eol]
            v = _name_value(rest)
            # one word is a surname where an address block follows ("Frau Tekle" over her street),
            # not a caseworker named in a letter's head ("Frau Meier")
            words = len(v.split()) if v is not None else 0
            if v is not None and (2 <= words <= 5 or (words == 1 and _address_below(text, eol) is not None)) and (
                    rest.strip(" ,") == v or _AFTER_NAME.match(shadow(rest[rest.find(v) + len(v):]))):
                found = (v, TEXT_WEAK, eol)
                break
    if found is None and (block := _unsaluted_addressee(text)) is not None:
        found = (block[0], TEXT_WEAK, block[1])
    if found is None:
        return {}
    surname, given = _split_full_name(found[0])
    out = {"surname": _field(surname, found[1])} | ({"givenNames": _field(given, found[1])} if given else {})
    if (address := _address_below(text, found[2])) is not None:
        out["address"] = address  # where the person lives: identity evidence (logic.addresses)
    return out


# The address of a person a form or report names with labels. An address label counts when it
# stands in the person's block: the nearest labelled line above it (or, in none, below) is one of
# theirs (name, birth date, nationality), not another party's (the employer's "Firma:" and
# "Adresse:" on an application form, a police report's place of the event).
_HOME_LABEL = re.compile(
    _COL + r"(?:wohnadresse|wohnanschrift|adresse|anschrift|domicile|domicilio|indirizzo|address|residenza)"
    r"(?![\w(])(?!\s+(?:des|der|de l|du|de la|dell|del|of)\b)",
    re.M,
)
# the person's own labelled lines: the name labels, and birth date and nationality at a line start
_PERSON_LINES = (_SURNAME, _GIVEN, _COMBINED_NAME, re.compile(_COL + _BIRTH.pattern, re.M),
                 re.compile(_COL + _NATIONALITY.pattern, re.M))
# another party's line: its label (up to the colon; a heading without one) names an employer, a
# landlord, a representative or a place ("Firma:", "Name des Arbeitgebers:", "5. Arbeitgeber")
_PARTY_WORD = re.compile(
    r"\b(?:firma|arbeitgeber(?:in|s)?|unternehmen|vermieter(?:in|s)?|verwaltung|employeur|bailleur|regie|"
    r"datore di lavoro|locatore|rechtsvertret\w*|rechtsanwalt\w*|anwalt|avocate?|avvocato|mandataire|"
    r"patrocinatore|tatort|ereignisort|lieu(?=\s*:)|luogo(?=\s*:)|employer|landlord)(?![\w])"
)
_PERSON_BLOCK_LINES = 8
# "Strasse, Nr.: Zürcherstrasse 112" over "PLZ, Ort: 8406 Winterthur" (forms split them)
_STREET_LABEL = re.compile(
    _COL + r"(?:stras?se(?:\s*,\s*|\s+und\s+)(?:nr|hausnummer)|rue(?:\s*,\s*|\s+et\s+)(?:no|n°|numero)|"
    r"via(?:\s*,\s*|\s+e\s+)(?:n|no|numero))\.?(?![\w])",
    re.M,
)
_TOWN_LABEL = re.compile(
    _COL + r"(?:plz(?:\s*,\s*|\s+und\s+)ort|npa(?:\s*,\s*|\s+et\s+)localite|"
    r"(?:npa|cap)(?:\s*,\s*|\s+e\s+)localita|postleitzahl(?:\s*,\s*|\s+und\s+)ort)(?![\w])",
    re.M,
)
_AFTER_TOWN = re.compile(r"\s+(?:kanton|canton|cantone|land|pays|paese)\b.*$", re.I)


def _persons_line(sh: str, pos: int = 0) -> bool:
    return any(p.match(sh, pos) for p in _PERSON_LINES)


def _in_persons_block(sh: str, pos: int, whole_page: bool = False) -> bool:
    """Is the line at `pos` part of the block that names the person (see _HOME_LABEL)? With
    `whole_page` (an identity document: all of it is the holder's), unless another party's label
    is the nearest."""
    start, _ = _line_bounds(sh, pos)
    above = sh[:start].splitlines()[::-1][:_PERSON_BLOCK_LINES]
    below = sh[start:].splitlines()[1:_PERSON_BLOCK_LINES + 1]
    for lines in (above, below):
        for line in lines:
            if _PARTY_WORD.search(line[:line.find(":") + 1] or line):
                return False
            if _persons_line(line):
                return True
    return whole_page


def _labelled_home(text: str, sh: str, whole_page: bool = False) -> ExtractedField | None:
    for m in _HOME_LABEL.finditer(sh):
        if not _in_persons_block(sh, m.start(), whole_page):
            continue
        _, eol = _line_bounds(sh, m.end())
        found = _ADDRESS.search(text, m.end(), eol)
        if found is None and (nxt := _next_line(text, eol)) is not None and not _persons_line(sh, nxt[0]):
            found = _ADDRESS.search(text, *nxt)
        if found is not None:
            return _field(_address_value(found), TEXT_NAME)
    for m in _STREET_LABEL.finditer(sh):
        street, _ = _after_label(text, m.end())
        _, eol = _line_bounds(sh, m.end())
        town = next((_after_label(text, t.end())[0] for t in _TOWN_LABEL.finditer(sh, eol, eol + 200)), None)
        if town and _in_persons_block(sh, m.start(), whole_page) and \
                (found := _ADDRESS.fullmatch(f"{street}, {_AFTER_TOWN.sub('', town)}")) is not None:
            return _field(_address_value(found), TEXT_NAME)
    return None


def _persons_address(text: str, sh: str, shown: dict[str, ExtractedField]) -> ExtractedField | None:
    """Where the person lives whose labelled fields (`shown`: names, birth date ...) a page
    shows: an address label in their block, the street and postcode lines of a form, or the
    address block of a letter addressed to them (its salutation line names them: not their
    lawyer, not a caseworker). Where only the given names are labelled, the surname comes from
    that salutation line."""
    if (home := _labelled_home(text, sh)) is not None:
        return home
    names = " ".join(shown[k].value for k in ("surname", "givenNames") if k in shown)
    addressee = _named_person(text, sh) if names else {}
    if "address" not in addressee:
        return None
    full = " ".join(addressee[k].value for k in ("givenNames", "surname") if k in addressee).split()
    if not set(fold(names).split()) <= {fold(w) for w in full}:
        return None
    if "surname" not in shown and (rest := [w for w in full if fold(w) not in set(fold(names).split())]):
        shown["surname"] = _field(" ".join(rest), addressee["surname"].confidence)
    return addressee["address"]


def _names_from_text(text: str, sh: str) -> dict[str, ExtractedField]:
    out: dict[str, ExtractedField] = {}
    m = _COMBINED_NAME.search(sh)
    if m:
        value, _ = _after_label(text, m.end())
        if "," in value:
            sur, given = (p.strip() for p in value.split(",", 1))
        else:
            words = value.split()
            caps = [w for w in words if w.isupper() and len(w) > 1]
            sur = " ".join(caps)
            given = " ".join(w for w in words if w not in caps)
        if (s := _name_value(sur)) is not None:
            out["surname"] = _field(s, TEXT_NAME)
        if (g := _name_value(given)) is not None:
            out["givenNames"] = _field(g, TEXT_NAME)
    for key, pattern in (("surname", _SURNAME), ("givenNames", _GIVEN), ("givenNames", _GIVEN_INLINE)):
        if key in out:
            continue
        for m in pattern.finditer(sh):
            multi = _multilingual_rest(text, m.end())
            raw = multi if multi is not None else _after_label(text, m.end())[0]
            if (v := _name_value(raw)) is not None:
                out[key] = _field(v, TEXT_NAME)
                break
    return out or _named_person(text, sh)


def _birth_from_text(sh: str, today: date) -> str | None:
    for m in _BIRTH.finditer(sh):
        d = _date_near(sh, m.end(), past=True, today=today, max_chars=60)
        if d is not None and d <= today.isoformat():
            return d
    return None


def _nationality_from_text(text: str, sh: str) -> ExtractedField | None:
    for m in _NATIONALITY.finditer(sh):
        raw = _multilingual_rest(text, m.end()) or _after_label(text, m.end())[0]
        word = raw.split(",")[0].strip()
        if word and (code := nationality_code(word.split()[0])) is not None:
            return _field(code, TEXT_CODE)
    for m in _NATIONALITY_INFERRED.finditer(sh):
        word = next(g for g in m.groups() if g)
        if (code := nationality_code(word)) is not None:
            return _field(code, TEXT_INFERRED)
    return None


def _document_number_from_text(text: str, sh: str) -> str | None:
    for m in _DOC_NUMBER.finditer(sh):
        _, eol = _line_bounds(sh, m.end())
        window = text[m.end():eol]
        if not window.strip(" :./"):
            nxt = _next_line(text, eol)
            window = text[nxt[0]:nxt[1]] if nxt else ""
        for cand in _DOC_VALUE.finditer(window):
            value = cand.group().upper()
            if any(c.isdigit() for c in value):
                return value
    return None


def _sex_from_text(sh: str) -> str | None:
    for m in _SEX.finditer(sh):
        _, eol = _line_bounds(sh, m.end())
        v = _SEX_VALUE.search(sh, m.end(), min(eol, m.end() + 30))
        if v is None and (nxt := _next_line(sh, eol)) is not None:
            v = _SEX_VALUE.match(sh, nxt[0], nxt[1])
        if v is not None:
            return "M" if v.group("m") else "F" if v.group("f") else "X"
    return None


def _identity_from_text(text: str, sh: str, today: date) -> dict[str, ExtractedField]:
    out = _names_from_text(text, sh)
    if (birth := _birth_from_text(sh, today)) is not None:
        out["birthDate"] = _field(birth, TEXT_DATE)
    if (nat := _nationality_from_text(text, sh)) is not None:
        out["nationality"] = nat
    if (num := _document_number_from_text(text, sh)) is not None:
        out["documentNumber"] = _field(num, TEXT_CODE)
    for m in _EXPIRY.finditer(sh):
        if (exp := _date_near(sh, m.end(), past=False, today=today, max_chars=60)) is not None:
            out["expiryDate"] = _field(exp, TEXT_DATE)
            break
    if (sex := _sex_from_text(sh)) is not None:
        out["sex"] = _field(sex, TEXT_SEX)
    if out and "address" not in out and (home := _persons_address(text, sh, out)) is not None:
        out["address"] = home
    return out


# --- identity fields from the MRZ ----------------------------------------------------------


def mrz_fields(mrz: MrzResult) -> dict[str, ExtractedField]:
    """MRZ values as fields: 0.99 when every check digit passes, lower otherwise."""

    def conf(check: str | None) -> float:
        if mrz.valid:
            return MRZ_VALID
        if check is None:
            return MRZ_UNCHECKED
        return MRZ_CHECKED if mrz.checks.get(check, False) else MRZ_FAILED

    src = FieldSource.MRZ
    out: dict[str, ExtractedField] = {}
    if mrz.surname:
        out["surname"] = _field(mrz.surname, conf(None), src)
    if mrz.given_names:
        out["givenNames"] = _field(mrz.given_names, conf(None), src)
    if mrz.birth_date:
        out["birthDate"] = _field(mrz.birth_date, conf("birth_date"), src)
    if mrz.nationality and mrz.nationality.isalpha() and (code := mrz_nationality(mrz.nationality)) is not None:
        out["nationality"] = _field(code, conf(None), src)
    if mrz.document_number:
        out["documentNumber"] = _field(mrz.document_number, conf("document_number"), src)
    if mrz.expiry_date:
        out["expiryDate"] = _field(mrz.expiry_date, conf("expiry_date"), src)
    if mrz.sex:
        out["sex"] = _field(mrz.sex, conf(None), src)
    return out


def _same(key: str, a: str, b: str) -> bool:
    if key in ("surname", "givenNames"):
        # MRZ transliterates (MÜLLER -> MUELLER); fold maps both to the same form
        return fold(a).replace("-", " ").split() == fold(b).replace("-", " ").split()
    return a.upper() == b.upper()


def _mrz_name_misread(mrz: str, text: str) -> bool:
    """The MRZ's name and the page's differ in one letter of one name, and not as two spellings of
    it (their loose transliteration keys differ): 'FATIMAS'/'FATIMA', a filler read as a letter;
    'ALT'/'ALI', 'METER'/'MEIER'. No check digit covers an MRZ's names, and in its run of letters
    and fillers the OCR slips more than in the labelled text (identity bench: the page was right in
    nearly all of 78 such pairs). 'KHALIL'/'Chalil' are two spellings: the MRZ's stays; so does it
    against a page's name with diacritics, where the text OCR slips ('Krasniéi' for Krasnići: the
    deu/fra/ita models know no ć) and the MRZ transliterates."""
    if not text.isascii():
        return False
    a, b = person_name_tokens(mrz), person_name_tokens(text)
    if len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and one_letter_apart(*diffs[0]) and \
        skeleton(diffs[0][0], loose=True) != skeleton(diffs[0][1], loose=True)


def _merge(key: str, mrz: ExtractedField | None, text: ExtractedField | None) -> ExtractedField | None:
    if mrz is None or text is None:
        return mrz or text
    if _same(key, mrz.value, text.value):
        best = mrz if mrz.confidence >= text.confidence else text
        return _field(best.value, max(mrz.confidence, text.confidence) + AGREEMENT_BONUS, best.source)
    if key in ("surname", "givenNames") and _mrz_name_misread(mrz.value, text.value):
        return text
    return mrz if mrz.confidence >= text.confidence else text


# --- per-type fields -----------------------------------------------------------------------


def _employer(text: str, sh: str) -> ExtractedField | None:
    for m in _EMPLOYER.finditer(sh):
        value, _ = _after_label(text, m.end())
        value = value.split(",")[0].strip()
        if len(value) >= 2 and not value.lower().startswith(("in ", "und ", "et ")):
            return _field(value, TEXT_NAME)
    # "Muster Bau AG, Industriestrasse 5, 8005 Zürich (nachfolgend Arbeitgeberin)"
    for m in _EMPLOYER_ROLE.finditer(sh):
        a, _ = _line_bounds(sh, m.start())
        # "zwischen Muster AG (Arbeitgeberin) und ...": the parties line opens with a preposition
        a += len(_PARTIES_OPENING.match(sh, a, m.start()).group())  # type: ignore[union-attr]
        value = text[a:m.start()].split(",", maxsplit=1)[0].strip(" :-")
        if len(value) >= 2:
            return _field(value, TEXT_NAME)
    for _, line in _first_lines(text, 12):
        if _LEGAL_FORM.search(shadow(line)):
            value = line.split(",")[0].strip()
            label, colon, _ = value.partition(":")
            if colon and " " not in label.strip():
                continue  # "Vermieter: Muster GmbH" names someone else's role
            return _field(value, TEXT_WEAK)
    return None


def _first_lines(text: str, n: int) -> Iterator[tuple[int, str]]:
    pos = 0
    count = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos + len(line) - len(line.lstrip()), line.strip()
            count += 1
            if count >= n:
                return
        pos += len(line) + 1


def _dated(sh: str, pattern: re.Pattern[str], today: date) -> ExtractedField | None:
    for m in pattern.finditer(sh):
        if (d := _date_near(sh, m.end(), past=False, today=today)) is not None:
            return _field(d, TEXT_DATE)
    return None


def _address(text: str, sh: str) -> ExtractedField | None:
    def find(a: int, b: int) -> str | None:
        m = _ADDRESS.search(text, a, b)
        return _address_value(m) if m is not None else None

    for label in _ADDRESS_LABELS:
        for m in label.finditer(sh):
            _, eol = _line_bounds(sh, m.end())
            value = find(m.end(), eol)
            if value is None and (nxt := _next_line(text, eol)) is not None:
                value = find(*nxt)
            if value is not None:
                return _field(value, TEXT_NAME)
    for line_start, line in _first_lines(text, 60):
        if _DWELLING_WORDS.search(shadow(line)) and (value := find(line_start, line_start + len(line) + 1)):
            return _field(value, TEXT_WEAK)
    return None


# --- reference numbers ---------------------------------------------------------------------


def ean13_ok(digits: str) -> bool:
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def _ahv(text: str) -> ExtractedField | None:
    """The first valid AHV number on the page. A page with several (a family's insurance card, a
    decision naming the spouse) gives it AHV_AMONG_OTHERS: the number exists, but it may not be the
    person's, so it is not taken as theirs (logic.identity: validated) nor learnt by a dossier."""
    found: dict[str, bool] = {}  # number -> read without repair
    for m in _AHV.finditer(text):
        raw = re.sub(r"[.\s]", "", m.group())
        digits = raw.translate(_AHV_DIGITS)
        if ean13_ok(digits):
            found[digits] = found.get(digits, False) or raw == digits
    if not found:
        return None
    digits, clean = next(iter(found.items()))
    formatted = f"{digits[:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:]}"
    if len(found) > 1:
        return _field(formatted, AHV_AMONG_OTHERS)
    return _field(formatted, AHV_CONFIDENCE if clean else AHV_REPAIRED)


# The office's dossier numbers (logic.stages: "D-" and 12 hexadecimal digits), as letters quote them
# ("Ihr Zeichen: D-F45176E07A04"); letters that are no hexadecimal digit are repaired (O, I/l, S,
# Z, G read for 0, 1, 5, 2, 6), B/8 cannot be (both hex: logic.identity.misread_dossier_numbers).
_DOSSIER_NUMBER = re.compile(r"(?<![\w-])D\s?-\s?([0-9A-FOIlSZG]{12})(?![\w-])")
_DOSSIER_DIGITS = str.maketrans("OIlSZG", "011526")


def _dossier_number(text: str) -> ExtractedField | None:
    numbers = {"D-" + m.group(1).translate(_DOSSIER_DIGITS) for m in _DOSSIER_NUMBER.finditer(text)}
    # two different numbers on one letter (a family's files): no single dossier is meant
    return _field(numbers.pop(), DOSSIER_NUMBER_CONFIDENCE) if len(numbers) == 1 else None


def _labelled_number(text: str, sh: str, label: re.Pattern[str], value: re.Pattern[str],
                     n_digits: int, confidence: float) -> ExtractedField | None:
    for m in label.finditer(sh):
        window = text[m.end():m.end() + 40]
        for v in value.finditer(window):
            digits = re.sub(r"\D", "", v.group())
            if len(digits) == n_digits:
                return _field(digits, confidence)
    return None


# --- entry point ---------------------------------------------------------------------------

_IDENTITY_KEYS = ("surname", "givenNames", "birthDate", "nationality", "documentNumber",
                  "expiryDate", "sex")

def _employment(text: str, sh: str, today: date) -> dict[str, ExtractedField]:
    out: dict[str, ExtractedField] = {}
    if (employer := _employer(text, sh)) is not None:
        out["employer"] = employer
    if (start := _dated(sh, _START, today)) is not None:
        out["startDate"] = start
    return out


def _rental(text: str, sh: str, today: date) -> dict[str, ExtractedField]:
    out: dict[str, ExtractedField] = {}
    if (addr := _address(text, sh)) is not None:
        out["address"] = addr
    if (move_in := _dated(sh, _MOVE_IN, today)) is not None:
        out["moveInDate"] = move_in
    return out


# payslip: the month's gross pay, "Bruttolohn 4'350.00" -> "4350.00"
_GROSS = re.compile(
    r"\b(?:bruttolohn|bruttogehalt|bruttoverdienst|brutto|total brutto|salaire brut|salario lordo|"
    r"retribuzione lorda|gross (?:salary|pay))\b[^\n\d]{0,20}?(?=\d)"
)
_AMOUNT = re.compile(
    r"(?P<int>\d{1,3}(?:[’'‘`´ ]\d{3})+|\d{1,3}(?:[.,]\d{3})+(?=[.,]\d{2}(?!\d))|\d{1,6})"
    r"(?:[.,](?P<dec>\d{2}|-{1,2}))?(?![\d’'])"
)
# judgment: the court as the line that names it, the file number after its label, the date in the title
_COURT_LINE = re.compile(
    r"^[ \t]*(?:das |le |la |il )?(?:bundesverwaltungsgericht|bundesgericht|verwaltungsgericht|"
    r"oberverwaltungsgericht|obergericht|kantonsgericht|bezirksgericht|amtsgericht|landgericht|"
    r"verwaltungsrekurskommission|tribunale|tribunal|cour|corte)\b[^\n]{0,80}$",
    re.M,
)
_FILE_NUMBER = re.compile(
    r"\b(?:geschaftsnummer|geschafts-nr\.?|gesch\.-nr\.?|aktenzeichen|az\.|verfahrensnummer|"
    r"verfahrens-nr\.?|dossiernummer|numero de dossier|n° de dossier|no de dossier|numero de la cause|"
    r"incarto n\.?|incarto|numero d'incarto|case no\.?|file no\.?)[\s:]*"
)
_FILE_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9./\-_]*\d[A-Za-z0-9./\-_]*")
_JUDGMENT_DATE = re.compile(
    r"\b(?:urteil|entscheid|beschluss|jugement|arret|decision|sentenza|decisione)\s+(?:vom|du|del|dell')\s*"
)
# language certificate: which language (ISO 639-1) and the CEFR level
_LANGUAGE_NAMES = (
    (re.compile(r"\b(?:deutsch|german|allemand|tedesco|goethe|testdaf|osd)\b"), "de"),
    (re.compile(r"\b(?:franzosisch|francais|french|francese|delf|dalf|tcf)\b"), "fr"),
    (re.compile(r"\b(?:italienisch|italien|italiano|italian|celi|cils|plida)\b"), "it"),
    (re.compile(r"\b(?:englisch|english|anglais|inglese|ielts|toefl)\b"), "en"),
)
_LEVEL_LABELLED = re.compile(
    r"\b(?:niveau|level|livello|stufe|sprachniveau)\s*:?\s*(?P<l>[abc])\s?(?P<n>[12li])(?![a-z0-9])"
)
_LEVEL = re.compile(r"(?<![a-z0-9])(?P<l>[abc])(?P<n>[12])(?![a-z0-9])")


def payslip_fields(text: str, sh: str, today: date) -> dict[str, ExtractedField]:
    for m in _GROSS.finditer(sh):
        _, eol = _line_bounds(sh, m.end())
        amount = _AMOUNT.match(text, m.end(), eol)
        if amount is None:
            continue
        whole = re.sub(r"\D", "", amount.group("int"))
        dec = amount.group("dec") or "00"
        value = f"{int(whole)}.{dec if dec.isdigit() else '00'}"
        if int(whole) >= 100:  # "Bruttolohn 5.30 %" is a rate, not a wage
            return {"monthlyGross": _field(value, TEXT_CODE)}
    return {}


def judgment_fields(text: str, sh: str, today: date) -> dict[str, ExtractedField]:
    out: dict[str, ExtractedField] = {}
    if (court := _COURT_LINE.search(sh)) is not None:
        value = _CUT.split(text[court.start():court.end()].strip(), maxsplit=1)[0].strip(" ,:")
        out["court"] = _field(value, TEXT_NAME)
    for m in _FILE_NUMBER.finditer(sh):
        _, eol = _line_bounds(sh, m.end())
        if (number := _FILE_VALUE.match(text, m.end(), eol)) is not None:
            out["fileNumber"] = _field(number.group().rstrip(".-/"), TEXT_CODE)
            break
    if (decided := _dated(sh, _JUDGMENT_DATE, today)) is not None:
        out["decisionDate"] = decided
    return out


def language_certificate_fields(text: str, sh: str, today: date) -> dict[str, ExtractedField]:
    out: dict[str, ExtractedField] = {}
    found = [(m.start(), code) for pattern, code in _LANGUAGE_NAMES if (m := pattern.search(sh))]
    if found:
        out["language"] = _field(min(found)[1], TEXT_INFERRED)
    level = _LEVEL_LABELLED.search(sh) or _LEVEL.search(sh)
    if level is not None:
        digit = "1" if level.group("n") in "li" else level.group("n")
        labelled = level.re is _LEVEL_LABELLED
        out["languageLevel"] = _field(f"{level.group('l').upper()}{digit}", TEXT_CODE if labelled else TEXT_INFERRED)
    return out


_TYPE_EXTRACTORS: dict[DocumentType, Callable[[str, str, date], dict[str, ExtractedField]]] = {
    DocumentType.EMPLOYMENT_CONTRACT: _employment,
    DocumentType.RENTAL_AGREEMENT: _rental,
    DocumentType.PAYSLIP: payslip_fields,
    DocumentType.COURT_DECISION: judgment_fields,
    DocumentType.LANGUAGE_CERTIFICATE: language_certificate_fields,
}


def extract_fields(
    text: str,
    mrz: MrzResult | None = None,
    document_types: Collection[DocumentType] | None = None,
    *,
    today: date | None = None,
) -> dict[str, ExtractedField]:
    """Fields of one document. `document_types`: the types whose specific fields are wanted
    (employer/startDate for employment contracts, address/moveInDate for rental agreements);
    None extracts them all."""
    today = today or date.today()
    sh = shadow(text)
    text_fields = _identity_from_text(text, sh, today)
    from_mrz = mrz_fields(mrz) if mrz is not None else {}
    out: dict[str, ExtractedField] = {}
    for key in _IDENTITY_KEYS:
        merged = _merge(key, from_mrz.get(key), text_fields.get(key))
        if merged is not None:
            out[key] = merged
    if "address" in text_fields:  # under the person's name; a rental agreement's dwelling comes next
        out["address"] = text_fields["address"]
    elif from_mrz and (home := _labelled_home(text, sh, whole_page=True)) is not None:
        out["address"] = home  # an identity card's "Anschrift" where no name is labelled in the text
    for doc_type, extractor in _TYPE_EXTRACTORS.items():
        if document_types is None or doc_type in document_types:
            out.update(extractor(text, sh, today))
    if (ahv := _ahv(text)) is not None:
        out["ahvNumber"] = ahv
    if (azr := _labelled_number(text, sh, _AZR_LABEL, _AZR_VALUE, 12, AZR_CONFIDENCE)) is not None:
        out["azrNumber"] = azr
    zemis = _labelled_number(text, sh, _ZEMIS_LABEL, _ZEMIS_VALUE, 8, ZEMIS_CONFIDENCE)
    if zemis is not None:
        out["zemisNumber"] = zemis
    if (dossier_number := _dossier_number(text)) is not None:
        out["dossierNumber"] = dossier_number
    return out
