"""The identity benchmark's documents (samples/identities.py) as pages of their kind, so that
identity resolution can be measured through the real OCR path (bench/identity.py --through-ocr).

    from samples.identity_pages import identity_page
    page = identity_page(document, person, index=0, seed=7)   # a samples.corpus.CorpusDocument

A page prints what its IdDocument says the scan shows, as the corpus prints a document of that
type (samples/corpus.py: its titles, body sentences and MRZ): the names in the spelling, order and
case of the document (a spelling variant, swapped by whoever filled it in, without given names),
the birth date if shown (a misread one as a typo), nationality and sex, the reference numbers under
their labels (AHV, ZEMIS, the office's dossier number as "Ihr Zeichen", the passport number), and
the address where the document shows it (a letter's address block, an "Adresse:" line, a form's
street and postcode lines, a rental agreement's dwelling). Passports and residence permits carry
their MRZ with the holder's data; whether it passes its check digits after the scan is the OCR's
business, as the names' slips are. Deterministic per document (its own random stream)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from samples.corpus import (
    _CITIES,
    _HOME,
    _HOME_LABELS,
    _LABELS,
    _OFFICE_BLOCKS,
    _SALUTATIONS,
    _SPLIT_LABELS,
    _STREETS,
    _T,
    CorpusDocument,
    _context,
    _fmt_date,
    _mrz,
)
from samples.identities import CATEGORIES, ORIGINS, IdDocument, IdPerson, _ascii

LOCALES = ("de-CH", "de-CH", "fr", "it")  # a Swiss office's mail: mostly German, also French, Italian
_SEX_LABEL = {"de": "Geschlecht", "fr": "Sexe", "it": "Sesso"}
_SEX_VALUE = {"de": {"M": "männlich", "F": "weiblich"}, "fr": {"M": "masculin", "F": "féminin"},
              "it": {"M": "maschile", "F": "femminile"}}
_AHV_LABEL = {"de": "AHV-Nr.", "fr": "No AVS", "it": "N. AVS"}
_ZEMIS_LABEL = {"de": "ZEMIS-Nr.", "fr": "N° ZEMIS", "it": "N. ZEMIS"}
_YOUR_REFERENCE = {"de": "Ihr Zeichen", "fr": "Votre référence", "it": "Vostro riferimento"}
_PASSPORT_LABEL = {"de": "Pass-Nr.", "fr": "No du passeport", "it": "Passaporto n."}
NAMES_ONLY_IN_BLOCK = 0.4  # of letters with an address block: the names only there, no labelled lines
SENDER_BLOCK = 0.5  # of letters and payslips: the sender's own address block above the person's
# Senders' blocks: someone else's name and address on the person's page (the hard negatives of
# reading the person's address block); {company} and {city} from the page's context
_SENDERS = {
    "payslip": (("{company}", "Industriestrasse 12", "8005 Zürich"),
                ("{company}", "Route de Genève 7", "1004 Lausanne")),
    "employment_contract": (("{company}", "Industriestrasse 12", "8005 Zürich"),),
    "health_insurance": (("Krankenkasse Helvetia AG", "Hauptstrasse 4", "3011 Bern"),
                         ("Assura SA", "Avenue C.-F. Ramuz 70", "1009 Pully")),
    "decision_notice": _OFFICE_BLOCKS,
    "court_decision": (("Verwaltungsgericht des Kantons Zürich", "Freiestrasse 15", "8032 Zürich"),),
    "correspondence": (("Advokatur Keller & Partner", "Bahnhofplatz 9", "8001 Zürich"),
                       ("Sandra Keller", "Rechtsanwältin", "Bahnhofplatz 9", "8001 Zürich"),
                       ("Etude Rochat avocats", "Rue du Lac 3", "1003 Lausanne")),
}


def _layout(d: IdDocument, rng: random.Random) -> str | None:
    """How the page shows the person's address: block, label, split, dwelling (a rental
    agreement's object) or not at all."""
    if not d.address:
        return None
    if d.category == "rental_agreement":
        return "dwelling"
    layouts = [x for x in _HOME.get(d.category, (0.0, ("label",)))[1] if x != "office"]
    return rng.choice(layouts or ["label"])


def identity_page(d: IdDocument, person: IdPerson, index: int, seed: int = 7) -> CorpusDocument:
    """The page of `d` (about `person`); its truth: the fields `d` says a reading yields."""
    rng = random.Random(f"identity-page-{seed}-{index}")
    locale = rng.choice(LOCALES)
    lang = locale[:2]
    doc_type = CATEGORIES[d.category].document_type
    origin = next(o for o in ORIGINS if o.iso3 == person.origin)
    issued = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
    expiry = issued + timedelta(days=365 * rng.choice([5, 10]))
    city = rng.choice(_CITIES[locale])
    elsewhere = f"{rng.choice(_STREETS['de' if lang == 'de' else lang])} {rng.randint(1, 150)}, " \
                f"{rng.randint(1000, 9999)} {city}"  # a place that is not the person's home
    layout = _layout(d, rng)
    ctx = _context(rng, lang, origin, d.surname, d.given_names, d.birth_date or person.birth_date, issued, expiry,
                   city, d.address if layout == "dwelling" and d.address else elsewhere,
                   rng.randrange(3800, 8200, 50))
    docno = d.references.get("documentNumber")
    spec = _T[doc_type][lang]
    lines: list[str] = []
    if doc_type in {"passport", "residence_permit"}:
        lines.append(rng.choice(["CONFÉDÉRATION SUISSE", "SCHWEIZERISCHE EIDGENOSSENSCHAFT"])
                     if doc_type == "residence_permit" else origin.iso3)
    elif rng.random() < 0.6:
        lines.append(rng.choice(["Kanton Zürich Migrationsamt", "Service de la population", "Ufficio della migrazione",
                                 city]))
    lines.append(" ".join(rng.choice(spec["t"]).format(**ctx).split()))
    if d.category in _SENDERS and rng.random() < SENDER_BLOCK:
        lines += [line.format(**ctx) for line in rng.choice(_SENDERS[d.category])]
    labelled_names = True
    if layout == "block":
        salutation = _SALUTATIONS[lang][d.sex] if d.sex else None
        name = " ".join(f"{d.given_names} {d.surname}".split())
        street, town = d.address.rsplit(", ", 1) if d.address else ("", "")
        head = [name] if salutation is None else [salutation, name] if rng.random() < 0.5 else \
            [f"{salutation} {name}"]
        lines += [*head, street, town]
        labelled_names = rng.random() >= NAMES_ONLY_IN_BLOCK
    labels = _LABELS[lang]
    if labelled_names:
        lines.append(f"{labels[0]}: {d.surname}")
        if d.given_names:
            lines.append(f"{labels[1]}: {d.given_names}")
    if d.birth_date is not None:
        lines.append(f"{labels[2]}: {_fmt_date(d.birth_date, lang, rng)}")
    if d.nationality:
        lines.append(f"{labels[3]}: {d.nationality}")
    if d.sex and layout != "block":
        lines.append(f"{_SEX_LABEL[lang]}: {_SEX_VALUE[lang][d.sex]}")
    if layout == "label" and d.address:
        lines.append(f"{rng.choice(_HOME_LABELS[lang])}: {d.address}")
    elif layout == "split" and d.address:
        street, town = d.address.rsplit(", ", 1)
        street_label, town_label = _SPLIT_LABELS[lang]
        lines += [f"{street_label}: {street}", f"{town_label}: {town}"]
    if docno:
        lines.append(f"{_PASSPORT_LABEL[lang]} {docno}")
    if ahv := d.references.get("ahvNumber"):
        lines.append(f"{_AHV_LABEL[lang]} {ahv}")
    if zemis := d.references.get("zemisNumber"):
        lines.append(f"{_ZEMIS_LABEL[lang]} {zemis}")
    if ours := d.references.get("dossierNumber"):
        lines.append(f"{_YOUR_REFERENCE[lang]}: {ours}")
    # body sentences; those that would print a fact of the person the document does not show
    # (or a second passport number) are left out; a rental agreement's dwelling is the address
    # shown, a police report's place of the event is elsewhere
    def shows(sentence: str) -> bool:
        return "{docno}" not in sentence and ("{birth}" not in sentence or d.birth_date is not None) \
            and ("{address}" not in sentence or layout == "dwelling" or doc_type == "police_report") \
            and ("{given}" not in sentence or bool(d.given_names))

    usable = [b for b in spec["b"] if shows(b)]
    body = rng.sample(usable, k=min(len(usable), rng.randint(3, max(3, len(usable)))))
    if layout == "dwelling":  # the rented dwelling is the address this agreement shows
        body += [b for b in usable if "{address}" in b and b not in body]
    lines += [" ".join(b.format(**ctx).split()) for b in body]
    if CATEGORIES[d.category].mrz:
        surname, given = (d.surname, d.given_names) if d.mrz_validated else \
            (_ascii(person.surname.canonical()), _ascii(person.given.canonical()))
        kind = "TD3" if doc_type == "passport" else "TD1"
        lines += _mrz(surname, given, origin.iso3, person.sex, person.birth_date, expiry,
                      docno or f"{rng.choice('NPAXC')}{rng.randrange(10**7, 10**8)}", kind,
                      issuer="CHE" if doc_type == "residence_permit" else None)
    truth: dict[str, str] = {"surname": d.surname}
    if d.given_names:
        truth["givenNames"] = d.given_names
    if d.birth_date is not None:
        truth["birthDate"] = d.birth_date.isoformat()
    if d.address:
        truth["address"] = d.address
    truth |= d.references
    return CorpusDocument(index, doc_type, locale, tuple(lines), held_out=True,
                          has_mrz=CATEGORIES[d.category].mrz, truth=tuple(sorted(truth.items())))
