"""Generated persons and name variants for the identity-resolution benchmark and tests.

    from samples.identities import identity_corpus
    corpus = identity_corpus(seed=7, dossiers=1200, documents=2400)

Each person has a dossier (or deliberately none); each document says what a scan of that
person would say: a spelling of the names as another authority or OCR wrote them (Mohammed /
Muhammad / Mohamad, Abd al-Rahman / Abdelrahman, ß/ss, ü/ue, lost diacritics, swapped order,
a missing second surname or middle name, an OCR slip), sometimes a reference number, sometimes
a wrong or missing birth date. Hard negatives are built in: twins (same surname and birth date),
siblings, namesakes with another birth date, the common "1 January" birth date of people whose
real birthday is unknown. Deterministic for a seed.

Two profiles:
- "typed" (default): each document is of a category (passport, payslip, rental agreement, police
  report ...) and shows what that kind of document shows (CATEGORIES): a passport always has
  its MRZ (validated as often as the recognition benchmark's OCR'd scans pass every check
  digit), birth date, nationality and sex; a payslip names the employee and usually shows the
  AHV number; a police report always has the birth date; an authority's decision cites the
  ZEMIS number. The reading errors (spellings, OCR slips, a misread date, lost given names)
  are drawn at the same rates as in the legacy profile, but only on what is read from text.
- "legacy": the first generator: every document equally likely to lack a birth date (3 %) or
  given names (4 %) whatever it is, and a document number / MRZ on only 15 % of documents,
  although 30 % of the benchmark's documents are passports. Kept to compare figures."""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

# Spelling variants per name: the first is the dossier's spelling; others are what other
# authorities, the person's own documents or earlier registrations used.
_ARABIC_M = [
    ["Mohammed", "Muhammad", "Mohamad", "Mohamed", "Muhammed", "Mohammad"],
    ["Ahmad", "Ahmed"], ["Mahmoud", "Mahmud", "Mahmood"], ["Abd al-Rahman", "Abdelrahman", "Abdulrahman",
                                                            "Abdurrahman", "Abdel Rahman"],
    ["Abdullah", "Abdallah", "Abd Allah"], ["Youssef", "Yusuf", "Yousef", "Jusuf"],
    ["Hussein", "Husain", "Hussain", "Houssein"], ["Hassan", "Hasan"], ["Khaled", "Khalid", "Chaled"],
    ["Omar", "Umar"], ["Ali"], ["Jamal", "Djamal", "Dschamal"], ["Karim", "Kareem"], ["Rami"],
    ["Bilal"], ["Tarek", "Tariq", "Tareq"], ["Walid", "Waleed", "Oualid"], ["Samir", "Sameer"],
    ["Abdelaziz", "Abd al-Aziz", "Abdulaziz"], ["Mustafa", "Moustafa", "Mustapha"], ["Ibrahim", "Ebrahim"],
    ["Nabil", "Nabeel"], ["Saleh", "Salih"], ["Anas"], ["Majd"],
]
_ARABIC_F = [
    ["Fatima", "Fatimah", "Fatema"], ["Aisha", "Aischa", "Ayesha"], ["Maryam", "Mariam"],
    ["Noor", "Nour", "Nur"], ["Rania", "Raniya"], ["Huda", "Houda"], ["Layla", "Leila", "Laila"],
    ["Amina", "Amineh"], ["Zainab", "Zeinab", "Zaynab"], ["Samira", "Sameera"], ["Dalia", "Dalya"],
    ["Alia", "Aliya"], ["Hiba", "Heba"], ["Rasha"], ["Yasmin", "Jasmin", "Yasmine"],
]
_ARABIC_SUR = [
    ["Al Hassan", "Al-Hassan", "Alhassan", "El Hassan"], ["Haddad"], ["Al Khatib", "Al-Khatib", "El Khatib"],
    ["Darwish", "Darwisch", "Derwish"], ["Al Masri", "El Masri", "Al-Masri"], ["Khalil", "Chalil"],
    ["Hamdan"], ["Al Ahmad", "Al-Ahmad"], ["Saleh", "Salih"], ["Youssef", "Yousef", "Yusuf"],
    ["Abdallah", "Abdullah"], ["Al Shami", "Al-Schami", "Alshami"], ["Nasser", "Naser", "Nasir"],
    ["Ibrahim"], ["Mansour", "Mansur"], ["Al Hamwi", "Al-Hamwi"], ["Suleiman", "Sulaiman", "Soliman"],
    ["Qasim", "Kassem", "Kasim"], ["Othman", "Osman", "Uthman"], ["Abboud", "Abbud"],
]
_AFGHAN_M = [["Ahmad", "Ahmed"], ["Farid", "Fareed"], ["Mohammad", "Mohammed", "Muhammad"], ["Ali"],
             ["Hamid", "Hameed"], ["Jawad", "Javad"], ["Navid", "Naveed"], ["Sayed", "Said", "Sayyid"],
             ["Gul"], ["Rahim", "Raheem"], ["Zabihullah", "Zabiullah"], ["Mustafa", "Mostafa"]]
_AFGHAN_F = [["Farida", "Fareeda"], ["Mariam", "Maryam"], ["Zahra", "Sahra"], ["Shabnam"], ["Fatima"],
             ["Nargis", "Narges"], ["Parwana", "Parvana"], ["Soraya", "Suraya"], ["Zarghona"]]
_AFGHAN_SUR = [["Ahmadzai"], ["Ahmadi"], ["Hakimi"], ["Rahimi"], ["Karimi"], ["Sultani"], ["Stanikzai"],
               ["Popal"], ["Noori", "Nuri"], ["Hashimi", "Haschimi"], ["Sadat"], ["Mohammadi", "Muhammadi"],
               ["Rezai", "Rezaei", "Rezaie"], ["Habibi"], ["Azizi"]]
_ERITREAN_M = [["Yonas", "Yohannes", "Johannes"], ["Tesfaye", "Tesfay"], ["Dawit", "Dawid"],
               ["Samuel"], ["Berhane", "Berhani"], ["Filmon", "Philmon"], ["Haile"], ["Kidane"],
               ["Mehari", "Mehary"], ["Robel"], ["Semere"], ["Tekle"]]
_ERITREAN_F = [["Senait", "Senayt"], ["Helen"], ["Selam", "Salam"], ["Mebrat"], ["Saba"], ["Lidia", "Lydia"],
               ["Freweini", "Frewoyni"], ["Yordanos"], ["Tsega"], ["Ruth"]]
_ERITREAN_SUR = [["Tesfaye", "Tesfay"], ["Gebremedhin", "Ghebremedhin"], ["Haile"], ["Tekle"],
                 ["Berhane", "Berhani"], ["Kidane"], ["Ghebreyesus", "Gebreyesus"], ["Weldemichael", "Woldemichael"],
                 ["Mehari"], ["Abraha"], ["Asmerom"], ["Tewelde", "Tewolde"]]
_TURKISH_M = [["Mehmet", "Mehmed"], ["Mustafa"], ["Ahmet"], ["Hüseyin", "Huseyin", "Hueseyin"], ["Emre"],
              ["Murat"], ["İbrahim", "Ibrahim"], ["Yusuf"], ["Ömer", "Omer", "Oemer"], ["Çağlar", "Caglar"]]
_TURKISH_F = [["Ayşe", "Ayse", "Aysche"], ["Fatma"], ["Emine"], ["Zeynep", "Zeynab"], ["Elif"],
              ["Gül", "Gul", "Guel"], ["Özlem", "Ozlem", "Oezlem"], ["Şule", "Sule"]]
_TURKISH_SUR = [["Yılmaz", "Yilmaz"], ["Kaya"], ["Demir"], ["Şahin", "Sahin", "Schahin"], ["Çelik", "Celik"],
                ["Öztürk", "Ozturk", "Oeztuerk"], ["Aydın", "Aydin"], ["Arslan"], ["Doğan", "Dogan"],
                ["Kılıç", "Kilic"], ["Güneş", "Gunes", "Guenes"], ["Koç", "Koc"]]
_UKRAINIAN_M = [["Oleksandr", "Olexandr", "Aleksandr"], ["Andrii", "Andriy", "Andrij"], ["Serhii", "Serhiy"],
                ["Dmytro", "Dmitro"], ["Yurii", "Yuriy", "Jurij"], ["Mykola", "Mikola"], ["Volodymyr", "Wolodymyr"],
                ["Ihor", "Igor"], ["Taras"], ["Bohdan", "Bogdan"]]
_UKRAINIAN_F = [["Olena", "Olena"], ["Iryna", "Irina", "Iryna"], ["Nataliia", "Natalia", "Natalija"],
                ["Tetiana", "Tetyana", "Tatjana"], ["Oksana"], ["Yuliia", "Yuliya", "Julija"],
                ["Kateryna", "Katerina"], ["Svitlana", "Switlana"], ["Anastasiia", "Anastasia"]]
_UKRAINIAN_SUR = [["Shevchenko", "Schewtschenko", "Ševčenko"], ["Kovalenko", "Kowalenko"], ["Bondarenko"],
                  ["Tkachenko", "Tkatschenko"], ["Kravchenko", "Krawtschenko"], ["Melnyk", "Melnik"],
                  ["Boiko", "Boyko", "Bojko"], ["Kovalchuk", "Kowaltschuk"], ["Oliinyk", "Oliynyk"],
                  ["Shevchuk", "Schewtschuk"], ["Polishchuk", "Poliszczuk"], ["Lysenko", "Lissenko"]]
_KOSOVAR_M = [["Arben"], ["Besnik"], ["Driton"], ["Fatmir"], ["Agron"], ["Valon"], ["Blerim"], ["Shpëtim", "Shpetim"]]
_KOSOVAR_F = [["Arta"], ["Blerta"], ["Drita"], ["Fjolla"], ["Vjosa"], ["Albulena"], ["Shqipe"], ["Teuta"]]
_KOSOVAR_SUR = [["Krasniqi", "Krasnići"], ["Gashi"], ["Berisha"], ["Morina"], ["Shala"], ["Hoxha", "Hodža"],
                ["Bytyqi", "Bytyçi"], ["Kryeziu"], ["Rexhepi", "Redžepi"], ["Halimi"]]
_SPANISH_M = [["José", "Jose"], ["Juan Carlos"], ["Luis"], ["Andrés", "Andres"], ["Jesús", "Jesus"],
              ["Miguel Ángel", "Miguel Angel"]]
_SPANISH_F = [["María", "Maria"], ["María José", "Maria Jose"], ["Lucía", "Lucia"], ["Carmen"], ["Ana Sofía"]]
_SPANISH_SUR = [["García López", "Garcia Lopez"], ["Rodríguez Pérez", "Rodriguez Perez"],
                ["Martínez Gómez", "Martinez Gomez"], ["Hernández Díaz", "Hernandez Diaz"],
                ["González Ruiz", "Gonzalez Ruiz"], ["Sánchez Torres", "Sanchez Torres"],
                ["Ramírez Flores", "Ramirez Flores"], ["Fernández Castro", "Fernandez Castro"]]
_GERMAN_M = [["Jürgen", "Juergen", "Jurgen"], ["Stefan", "Stephan"], ["Lukas", "Lucas"], ["Matthias", "Mathias"],
             ["Jörg", "Joerg"], ["Michael"], ["Thomas"], ["Urs"], ["Reto"]]
_GERMAN_F = [["Anna"], ["Käthe", "Kaethe"], ["Sabine"], ["Ursula"], ["Mägi", "Maegi"], ["Julia"]]
_GERMAN_SUR = [["Müller", "Mueller", "Muller"], ["Strauß", "Strauss"], ["Schäfer", "Schaefer"], ["Größ", "Groess"],
               ["Meier"], ["Schmid"], ["Brügger", "Bruegger"], ["Weiß", "Weiss"], ["Krähenbühl", "Kraehenbuehl"]]


@dataclass(frozen=True)
class Origin:
    iso3: str
    male: list[list[str]]
    female: list[list[str]]
    surnames: list[list[str]]
    weight: float
    second_given: float = 0.2  # share of people with two given names


ORIGINS: tuple[Origin, ...] = (
    Origin("SYR", _ARABIC_M, _ARABIC_F, _ARABIC_SUR, 0.22, 0.3),
    Origin("IRQ", _ARABIC_M, _ARABIC_F, _ARABIC_SUR, 0.08, 0.3),
    Origin("AFG", _AFGHAN_M, _AFGHAN_F, _AFGHAN_SUR, 0.18),
    Origin("ERI", _ERITREAN_M, _ERITREAN_F, _ERITREAN_SUR, 0.12, 0.1),
    Origin("TUR", _TURKISH_M, _TURKISH_F, _TURKISH_SUR, 0.12),
    Origin("UKR", _UKRAINIAN_M, _UKRAINIAN_F, _UKRAINIAN_SUR, 0.12),
    Origin("RKS", _KOSOVAR_M, _KOSOVAR_F, _KOSOVAR_SUR, 0.06),
    Origin("COL", _SPANISH_M, _SPANISH_F, _SPANISH_SUR, 0.05),
    Origin("DEU", _GERMAN_M, _GERMAN_F, _GERMAN_SUR, 0.05),
)


@dataclass(frozen=True)
class Name:
    """One name as a list of variant groups: each token picked from its variants."""

    groups: tuple[tuple[str, ...], ...]

    def canonical(self) -> str:
        return " ".join(g[0] for g in self.groups)

    def variant(self, rng: random.Random) -> str:
        return " ".join(rng.choice(g) for g in self.groups)


@dataclass
class IdPerson:
    key: str
    origin: str
    sex: str
    surname: Name
    given: Name
    birth_date: date
    ahv: str | None
    passport_no: str
    has_dossier: bool
    kind: str = "regular"  # regular | twin | sibling | namesake | stranger
    zemis: str | None = None  # ZEMIS personal number (8 digits, no public check digit)
    address: str | None = None  # where the person lives (typed profile, _addresses)
    address_known: bool = False  # ... and the dossier knows it from an earlier document
    ahv_known: bool = True  # the dossier knows the AHV number (typed profile: _ahv_known)


@dataclass
class IdDeclared:
    """Whom the uploader said a document concerns (POST /api/uploads `concerns`)."""

    person_key: str  # whom the uploader meant: usually the document's person, sometimes not
    surname: str | None = None
    given_names: str | None = None
    birth_date: date | None = None
    ahv: str | None = None


@dataclass
class IdDocument:
    person_key: str
    surname: str
    given_names: str
    birth_date: date | None
    nationality: str | None
    sex: str | None
    references: dict[str, str] = field(default_factory=dict)
    mrz_validated: bool = False
    variation: str = "exact"
    category: str = "unspecified"  # a key of CATEGORIES ("unspecified" in the legacy profile)
    declared: IdDeclared | None = None  # typed profile: the person the uploader named, if any
    address: str | None = None  # typed profile: the person's address as the document shows it


@dataclass
class IdentityCorpus:
    persons: list[IdPerson]
    documents: list[IdDocument]


def ahv_number(rng: random.Random) -> str:
    digits = "756" + "".join(str(rng.randrange(10)) for _ in range(9))
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
    digits += str((10 - total % 10) % 10)
    return f"{digits[:3]}.{digits[3:7]}.{digits[7:11]}.{digits[11:]}"


def _ascii(s: str) -> str:
    s = s.replace("ß", "ss").replace("ı", "i").replace("İ", "I")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _ocr_slip(s: str, rng: random.Random) -> str:
    """One plausible OCR confusion inside a longer word."""
    confusions = {"e": "c", "c": "e", "n": "m", "m": "n", "i": "l", "l": "i", "h": "b", "a": "o", "u": "n",
                  "r": "n", "o": "a"}
    positions = [i for i, c in enumerate(s) if c.lower() in confusions and i > 0 and s[i - 1].isalpha()]
    first = s.split(maxsplit=1)[0] if s.strip() else ""
    words_ok = [i for i in positions if len(first) >= 5 or i > len(first)]
    if not words_ok:
        return s
    i = rng.choice(words_ok)
    c = confusions[s[i].lower()]
    return s[:i] + (c.upper() if s[i].isupper() else c) + s[i + 1:]


def _birth(rng: random.Random) -> date:
    year = rng.randint(1955, 2008)
    if rng.random() < 0.1:
        return date(year, 1, 1)  # unknown real birthday: registered as 1 January
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _name(groups: list[list[str]], rng: random.Random, n: int = 1) -> Name:
    picked = rng.sample(groups, k=min(n, len(groups)))
    return Name(tuple(tuple(g) for g in picked))


def _persons(rng: random.Random, n: int) -> list[IdPerson]:
    persons: list[IdPerson] = []
    weights = [o.weight for o in ORIGINS]
    while len(persons) < n:
        origin = rng.choices(ORIGINS, weights)[0]
        sex = rng.choice("MF")
        pool = origin.male if sex == "M" else origin.female
        base = IdPerson(
            key=f"P{len(persons):05d}", origin=origin.iso3, sex=sex,
            surname=_name(origin.surnames, rng), given=_name(pool, rng, 2 if rng.random() < origin.second_given else 1),
            birth_date=_birth(rng), ahv=ahv_number(rng) if rng.random() < 0.6 else None,
            passport_no=f"{rng.choice('NPAEKX')}{rng.randrange(10**7, 10**8)}", has_dossier=True,
        )
        persons.append(base)
        roll = rng.random()
        # relatives and namesakes: the hard negatives (and hard positives) of identity resolution
        if roll < 0.08:  # a twin: same surname and birth date, other given name
            twin_sex = rng.choice("MF")
            twin_pool = origin.male if twin_sex == "M" else origin.female
            given = _name([g for g in twin_pool if tuple(g) not in base.given.groups], rng)
            persons.append(IdPerson(f"P{len(persons):05d}", origin.iso3, twin_sex, base.surname, given,
                                    base.birth_date, ahv_number(rng), f"N{rng.randrange(10**7, 10**8)}",
                                    has_dossier=rng.random() < 0.5, kind="twin"))
        elif roll < 0.2:  # a sibling: same surname, other birth date
            sib_sex = rng.choice("MF")
            sib_pool = origin.male if sib_sex == "M" else origin.female
            given = _name([g for g in sib_pool if tuple(g) not in base.given.groups], rng)
            persons.append(IdPerson(f"P{len(persons):05d}", origin.iso3, sib_sex, base.surname, given,
                                    _birth(rng), None, f"N{rng.randrange(10**7, 10**8)}",
                                    has_dossier=rng.random() < 0.5, kind="sibling"))
        elif roll < 0.28:  # a namesake: same names, other birth date (very common among refugees)
            born = _birth(rng)
            # a real birthday drawn twice (about one in 20,000) would make the same person twice; the
            # same 1 January (one in 540) is what registers of people without known birthdays hold
            while born == base.birth_date and (born.month, born.day) != (1, 1):
                born = _birth(rng)
            persons.append(IdPerson(f"P{len(persons):05d}", origin.iso3, base.sex, base.surname, base.given,
                                    born, None, f"N{rng.randrange(10**7, 10**8)}",
                                    has_dossier=rng.random() < 0.5, kind="namesake"))
    return persons[:n]


def _document(p: IdPerson, rng: random.Random) -> IdDocument:
    """The legacy profile (see the module docstring); its random stream is unchanged."""
    variations: list[str] = []
    surname, given = _read_names(p, rng, variations)
    birth: date | None = p.birth_date
    roll = rng.random()
    if roll < 0.03:
        birth = None
        variations.append("no_birth_date")
    elif roll < 0.06:
        birth = p.birth_date + timedelta(days=rng.choice([-1, 1, 10, -10]))
        variations.append("birth_date_misread")
    refs: dict[str, str] = {}
    mrz = False
    if p.ahv and rng.random() < 0.25:
        refs["ahvNumber"] = p.ahv
        variations.append("ahv")
    if rng.random() < 0.15:
        refs["documentNumber"] = p.passport_no
        mrz = rng.random() < 0.7
        variations.append("document_number")
    if mrz and birth != p.birth_date:
        # a validated MRZ carries the birth date under its own check digit: a misread or missing
        # date is the printed text's, and recognition takes the MRZ's (recognition.fields._merge)
        birth = p.birth_date
        variations = [v for v in variations if v not in {"no_birth_date", "birth_date_misread"}]
    return IdDocument(p.key, surname, given, birth, p.origin if rng.random() < 0.5 else None,
                      p.sex if rng.random() < 0.5 else None, refs, mrz, "+".join(variations) or "exact")


@dataclass(frozen=True)
class Category:
    """What documents of one kind show about their person: share of the documents and the
    probability that each item is on the document (and read)."""

    document_type: str  # eakte DocumentType value the benchmark gives such a document
    share: float
    birth_date: float
    nationality: float
    sex: float  # printed, or "Herr"/"Frau"/"Monsieur" in the address
    ahv: float = 0.0  # of persons who have an AHV number
    zemis: float = 0.0
    mrz: bool = False
    # share uploaded with the person named (`concerns`): attachments to an application that a
    # municipality forwards for its resident, police reports; not the office's own decisions or
    # mail the registry scans. Estimates, like the rates above.
    declared: float = 0.0
    # share quoting the office's dossier number ("Ihr Zeichen"): replies to the office's letters,
    # the office's own decisions, judgments in the office's cases (persons the office knows)
    dossier_number: float = 0.0
    # share showing the person's address (the address block of a letter, a payslip, a contract)
    address: float = 0.0


CATEGORIES: dict[str, Category] = {
    # identity documents: the data page always shows name, birth date, nationality, sex; the MRZ
    # is always there, its check digits all pass on MRZ_VALID_RATE of OCR'd scans
    "passport": Category("passport", 0.18, 1.0, 1.0, 1.0, mrz=True, declared=0.5),
    "residence_permit": Category("residence_permit", 0.08, 1.0, 1.0, 1.0, mrz=True, declared=0.5),
    # Swiss payslips usually print the employee's AHV number, often the birth date
    "payslip": Category("payslip", 0.13, 0.4, 0.1, 0.7, ahv=0.85, declared=0.7, address=0.9),
    "employment_contract": Category("employment_contract", 0.10, 0.7, 0.5, 0.8, ahv=0.4, declared=0.7,
                                           address=0.8),
    # a rental agreement: name and salutation, rarely the birth date, no registry numbers
    "rental_agreement": Category("rental_agreement", 0.07, 0.3, 0.1, 0.7, declared=0.7, address=1.0),
    "health_insurance": Category("health_insurance", 0.05, 0.9, 0.1, 0.8, ahv=0.6, declared=0.6,
                                        address=0.9),
    # police reports always identify the person fully
    "police_report": Category("police_report", 0.06, 1.0, 1.0, 1.0, zemis=0.3, declared=0.9, address=0.7),
    # the office's and SEM's decisions usually cite the ZEMIS personal number
    "decision_notice": Category("decision_notice", 0.10, 0.95, 0.9, 0.8, zemis=0.8, dossier_number=0.5,
                                      address=0.9),
    "court_decision": Category("court_decision", 0.04, 0.9, 0.9, 0.8, zemis=0.5, dossier_number=0.3,
                                     address=0.3),
    # lawyers' and other letters: name, often the birth date, sometimes the office's reference
    "correspondence": Category("correspondence", 0.10, 0.6, 0.3, 0.8, zemis=0.4, declared=0.2,
                                       dossier_number=0.5, address=0.5),
    "birth_certificate": Category("birth_certificate", 0.04, 1.0, 0.5, 1.0, declared=0.6),
    "language_certificate": Category("language_certificate", 0.05, 0.9, 0.3, 0.3, declared=0.6,
                                            address=0.3),
}
MRZ_VALID_RATE = 0.86  # bench/recognition.py: MRZ check-digit pass rate on the OCR'd held-out scans
KNOWN_PASSPORT_RATE = 0.7  # the passport the dossier knows; otherwise a renewed one, a new number
DECLARED_BY_AHV = 0.5  # of declared persons who have an AHV number: named by it (else by name and birth date)
WRONG_DECLARATION = 0.03  # the uploader named someone else: a relative, a namesake, or anyone


def _read_names(p: IdPerson, rng: random.Random, variations: list[str]) -> tuple[str, str]:
    """Names as read from a document's text (the legacy reading errors at the legacy rates)."""
    surname, given = p.surname.variant(rng), p.given.variant(rng)
    if surname != p.surname.canonical() or given != p.given.canonical():
        variations.append("spelling")
    if p.origin == "COL" and rng.random() < 0.3:
        surname = surname.split()[0]
        variations.append("second_surname_dropped")
    if len(p.given.groups) == 2 and rng.random() < 0.3:
        given = rng.choice(p.given.groups[0])
        variations.append("middle_name_dropped")
    if rng.random() < 0.3:
        surname, given = _ascii(surname), _ascii(given)
        variations.append("ascii")
    if rng.random() < 0.3:
        surname, given = surname.upper(), given.upper()
    if rng.random() < 0.08:
        surname, given = given, surname
        variations.append("swapped")
    if rng.random() < 0.06:
        surname = _ocr_slip(surname, rng)
        variations.append("ocr_slip")
    if rng.random() < 0.04:
        given = ""
        variations.append("no_given_names")
    return surname, given


def _typed_document(p: IdPerson, rng: random.Random) -> IdDocument:
    name = rng.choices(list(CATEGORIES), [c.share for c in CATEGORIES.values()])[0]
    cat = CATEGORIES[name]
    variations: list[str] = []
    refs: dict[str, str] = {}
    mrz = cat.mrz and rng.random() < MRZ_VALID_RATE
    if mrz:
        # the MRZ's own fields: the passport's spelling in ICAO transliteration (upper-case
        # ASCII, surname and given names in their own fields); names carry no check digit, so
        # an OCR slip is still possible there
        surname, given = _ascii(p.surname.variant(rng)).upper(), _ascii(p.given.variant(rng)).upper()
        variations.append("mrz")
        if rng.random() < 0.06:
            surname = _ocr_slip(surname, rng)
            variations.append("ocr_slip")
        birth: date | None = p.birth_date
    else:
        surname, given = _read_names(p, rng, variations)
        birth = p.birth_date if rng.random() < cat.birth_date else None
        if birth is None:
            variations.append("no_birth_date")
        elif rng.random() < 0.03:
            birth = p.birth_date + timedelta(days=rng.choice([-1, 1, 10, -10]))
            variations.append("birth_date_misread")
    if cat.mrz and (mrz or rng.random() < 0.8):
        known = p.has_dossier and rng.random() < KNOWN_PASSPORT_RATE
        refs["documentNumber"] = p.passport_no if known else f"R{rng.randrange(10**7, 10**8)}"
        variations.append("document_number" if known else "renewed_document")
    if p.ahv and rng.random() < cat.ahv:
        refs["ahvNumber"] = p.ahv
        variations.append("ahv")
    if p.zemis and rng.random() < cat.zemis:
        refs["zemisNumber"] = p.zemis
        variations.append("zemis")
    nationality = p.origin if mrz or rng.random() < cat.nationality else None
    sex = p.sex if mrz or rng.random() < cat.sex else None
    return IdDocument(p.key, surname, given, birth, nationality, sex, refs, mrz, "+".join(variations) or "exact",
                      category=name)


def identity_corpus(seed: int = 7, dossiers: int = 1200, documents: int = 2400,
                    profile: str = "typed") -> IdentityCorpus:
    """Persons (most with a dossier) and documents about them; see the module docstring."""
    if profile not in {"typed", "legacy"}:
        raise ValueError(f"unknown profile {profile!r}: typed or legacy")
    rng = random.Random(seed)
    persons = _persons(rng, dossiers)
    # strangers: people the office has never seen, some sharing a birth date with a dossier
    for i in range(dossiers // 5):
        origin = rng.choice(ORIGINS)
        sex = rng.choice("MF")
        pool = origin.male if sex == "M" else origin.female
        birth = rng.choice(persons).birth_date if i % 2 else _birth(rng)
        persons.append(IdPerson(f"S{i:05d}", origin.iso3, sex, _name(origin.surnames, rng), _name(pool, rng), birth,
                                ahv_number(rng) if rng.random() < 0.3 else None,
                                f"X{rng.randrange(10**7, 10**8)}", has_dossier=False, kind="stranger"))
    # ZEMIS numbers from their own stream, so the legacy profile's documents stay as they were
    zemis_rng = random.Random(f"zemis-{seed}")
    for p in persons:
        p.zemis = f"{zemis_rng.randrange(10**7, 10**8)}"
    make = _document if profile == "legacy" else _typed_document
    docs = [make(rng.choice(persons), rng) for _ in range(documents)]
    if profile == "typed":
        _declare(docs, persons, random.Random(f"declared-{seed}"))
        _quote_dossier_numbers(docs, persons, random.Random(f"dossier-number-{seed}"))
        _addresses(docs, persons, random.Random(f"addresses-{seed}"))
        _ahv_known(persons, random.Random(f"ahv-known-{seed}"))
    return IdentityCorpus(persons, docs)


AHV_KNOWN = 0.7  # of dossiers whose person has an AHV number


def _ahv_known(persons: list[IdPerson], rng: random.Random) -> None:
    """Whether each dossier knows its person's AHV number (AHV_KNOWN): the others were opened
    before the person had one (an asylum seeker gets it with a first job) or came from the paper
    files, and documents showing it teach it (logic.learning). Own random stream."""
    for p in persons:
        p.ahv_known = p.ahv is not None and p.has_dossier and rng.random() < AHV_KNOWN


_STREETS = ("Bahnhofstrasse", "Hauptstrasse", "Zürcherstrasse", "Dorfstrasse", "Kirchweg", "Lindenstrasse",
            "Schulhausstrasse", "Seestrasse", "Gartenstrasse", "Rosenweg", "Industriestrasse", "Feldstrasse",
            "Rue du Lac", "Avenue de la Gare", "Chemin des Vignes", "Via Nassa", "Via Cantonale", "Poststrasse",
            "Birkenweg", "Bergstrasse", "Sonnenbergstrasse", "Allmendstrasse", "Mühlestrasse", "Weiherstrasse")
_TOWNS = (("8001", "Zürich"), ("8406", "Winterthur"), ("3011", "Bern"), ("4051", "Basel"), ("6003", "Luzern"),
          ("9000", "St. Gallen"), ("1003", "Lausanne"), ("1201", "Genève"), ("6900", "Lugano"), ("5400", "Baden"),
          ("8600", "Dübendorf"), ("8953", "Dietikon"), ("4600", "Olten"), ("2502", "Biel/Bienne"))
SHARED_ACCOMMODATIONS = 12  # asylum centres: many people of the office's files at one address
ASYLUM_ORIGINS = frozenset({"SYR", "IRQ", "AFG", "ERI"})
IN_ACCOMMODATION = 0.25  # of persons from asylum origins (and of strangers: newcomers)
ADDRESS_KNOWN = 0.75  # the dossier knows the current address (from an earlier document)
RENTAL_NEW_DWELLING = 0.6  # a rental agreement for the flat the person is moving into


def _an_address(rng: random.Random) -> str:
    zip_code, town = rng.choice(_TOWNS)
    street = rng.choice(_STREETS)
    number = f"{rng.randint(1, 150)}{rng.choice(['', '', '', '', 'a', 'b'])}"
    return f"{number}, {street}, {zip_code} {town}" if street.startswith(("Rue", "Avenue", "Chemin")) \
        else f"{street} {number}, {zip_code} {town}"


def _as_read(address: str, rng: random.Random) -> str:
    """An address as a document prints it and the OCR reads it (the key must survive the first
    three; an OCR slip in the street or the number makes another key, as it would)."""
    if rng.random() < 0.3:
        address = address.replace("strasse", "str.")
    if rng.random() < 0.2:
        address = address.replace("ü", "ue").replace("ä", "ae").replace("ö", "oe")
    if rng.random() < 0.2:
        address = address.upper()
    if rng.random() < 0.04:
        address = _ocr_slip(address, rng)
    return address


def _addresses(docs: list[IdDocument], persons: list[IdPerson], rng: random.Random) -> None:
    """Where each person lives: relatives created beside a person share their household; a
    quarter of the people from asylum origins, and of the strangers, live in one of
    SHARED_ACCOMMODATIONS asylum centres. A dossier knows the current address at ADDRESS_KNOWN
    (seeded by bench/identity.py as learnt from earlier documents). Documents show the address
    at CATEGORIES[..].address, a rental agreement often a new dwelling. Own random stream."""
    centres = [_an_address(rng) for _ in range(SHARED_ACCOMMODATIONS)]
    household: str | None = None
    for p in persons:
        if p.kind in {"twin", "sibling"} and household is not None and rng.random() < 0.7:
            p.address = household  # the relative made just before (samples.identities._persons)
        elif (p.origin in ASYLUM_ORIGINS or p.kind == "stranger") and rng.random() < IN_ACCOMMODATION:
            p.address = rng.choice(centres)
        else:
            p.address = _an_address(rng)
        if p.kind not in {"twin", "sibling"}:
            household = p.address
        p.address_known = p.has_dossier and rng.random() < ADDRESS_KNOWN
    by_key = {p.key: p for p in persons}
    for d in docs:
        if rng.random() >= CATEGORIES[d.category].address:
            continue
        p = by_key[d.person_key]
        current = p.address or _an_address(rng)
        shown = _an_address(rng) if d.category == "rental_agreement" and rng.random() < RENTAL_NEW_DWELLING \
            else current
        d.address = _as_read(shown, rng)
        d.variation += "+address" if shown == current else "+new_address"


def dossier_number(person_key: str) -> str:
    """The number of the dossier bench/identity.py opens for a person, in the office's format
    ('D-' and 12 hexadecimal digits, logic.stages), so that a page quoting it reads as one."""
    return "D-" + hashlib.sha256(f"dossier-{person_key}".encode()).hexdigest()[:12].upper()


def _quote_dossier_numbers(docs: list[IdDocument], persons: list[IdPerson], rng: random.Random) -> None:
    """The office's dossier number (dossier_number) on CATEGORIES[..].dossier_number of the
    documents about persons with a dossier; own stream."""
    known = {p.key for p in persons if p.has_dossier}
    for d in docs:
        if d.person_key in known and rng.random() < CATEGORIES[d.category].dossier_number:
            d.references["dossierNumber"] = dossier_number(d.person_key)
            d.variation += "+dossier_number"


def _declare(docs: list[IdDocument], persons: list[IdPerson], rng: random.Random) -> None:
    """Who the uploader said each document concerns (CATEGORIES[..].declared), on a random stream
    of its own so that the documents stay as they were. The uploader knows the person from its
    own register: the AHV number or the registered names (in some spelling) and birth date.
    WRONG_DECLARATION of them name someone else, preferably of the same family or name: the
    hard negatives of this evidence."""
    by_key = {p.key: p for p in persons}
    family: dict[tuple[str, str], list[IdPerson]] = {}
    for p in persons:
        family.setdefault((p.origin, p.surname.canonical()), []).append(p)
    for d in docs:
        if rng.random() >= CATEGORIES[d.category].declared:
            continue
        p = by_key[d.person_key]
        if rng.random() < WRONG_DECLARATION:
            relatives = [q for q in family[(p.origin, p.surname.canonical())] if q.key != p.key]
            p = rng.choice(relatives) if relatives else rng.choice(persons)
        if p.ahv and rng.random() < DECLARED_BY_AHV:
            d.declared = IdDeclared(p.key, ahv=p.ahv)
        else:
            d.declared = IdDeclared(p.key, surname=p.surname.variant(rng), given_names=p.given.variant(rng),
                                    birth_date=p.birth_date)
