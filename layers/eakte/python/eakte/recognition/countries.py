"""Nationality words (German, French, Italian, English) to ISO 3166-1 alpha-3.

Matched as prefixes of the folded value ("turk" covers Türkei, türkisch, Türkiye; "syri"
covers Syrien, syrisch, syrienne), longest stem first so "nigeria" wins over "niger" and
"turkmen" over "turk". Covers the countries of origin that immigration offices in Germany and
Switzerland see most, plus the EU/EFTA states; not all 249 codes.
Kosovo has no ISO code: XKX (the user-assigned code the EU uses). ICAO special codes for
stateless persons and refugees (XXA, XXB, XXC, XXX) are kept as they are.
"""

from __future__ import annotations

from functools import lru_cache

from eakte.recognition.normalize import fold

_STEMS: dict[str, str] = {
    "DEU": "deut|allemand|german|tedesc",
    "CHE": "schweiz|suisse|svizzer|svizzera|swiss|switzerl|helvet",
    "AUT": "osterreich|autrich|austria",
    "LIE": "liechtenst",
    "ITA": "ital",
    "FRA": "franz|franc",
    "ESP": "span|espagn|spagn",
    "PRT": "portug",
    "NLD": "niederl|hollan|neerland|oland|dutch|netherl",
    "BEL": "belg",
    "LUX": "luxem",
    "GBR": "grossbritann|britisch|british|britanni|royaume-uni|regno unito|united kingdom|"
           "vereinigtes konigreich",
    "IRL": "irland|irlan|irish",
    "SWE": "schwed|sudois|sude|svedes|svezia|swed",
    "NOR": "norw|norv",
    "DNK": "danemark|danisch|danois|danes|danimarc|danish|denmark",
    "FIN": "finnl|finnisch|finland|finlan|finnish|finnois",
    "POL": "poln|polen|polon|polac|polish|poland",
    "CZE": "tschech|tcheq|cec|czech",
    "SVK": "slowak|slovaq|slovacc|slovak",
    "SVN": "slowen|sloven",
    "HUN": "ungar|hongr|unghere|hungar",
    "ROU": "rumani|ruman|roumain|romani|romen",
    "BGR": "bulgar",
    "GRC": "griech|grec|greek|greece",
    "HRV": "kroat|croat|croa",
    "SRB": "serb",
    "BIH": "bosn",
    "MNE": "montenegr",
    "MKD": "nordmazedon|mazedon|macedo|maced",
    "ALB": "alban",
    "XKX": "kosov",
    "TUR": "turk|turc|turchi",
    "TKM": "turkmen",
    "RUS": "russ|rusa|russe",
    "BLR": "weissruss|belarus|bielorus",
    "UKR": "ukrain|ucrain",
    "MDA": "moldau|moldaw|moldov|moldav",
    "GEO": "georgi|georgien|georgisch|georgia",
    "ARM": "armen",
    "AZE": "aserbaid|azerbai|azerbaig",
    "KAZ": "kasach|kazakh|kazakst|kazach",
    "UZB": "usbek|ouzbek|uzbek",
    "TJK": "tadschik|tadjik|tajik|tagik",
    "KGZ": "kirgis|kirghiz|kyrgyz",
    "SYR": "syri|siria|sirian",
    "IRQ": "irak|iraq|irach",
    "IRN": "iran",
    "AFG": "afghan|afgan",
    "PAK": "pakist",
    "IND": "indi",
    "IDN": "indones",
    "BGD": "bangla|bengal",
    "LKA": "sri lank|srilank|ceylon",
    "NPL": "nepal",
    "CHN": "chin|cines|cina",
    "VNM": "vietn",
    "THA": "thail|thai",
    "PHL": "philippin|philipp|filippin",
    "MMR": "myanm|birm",
    "KHM": "kambodsch|cambodg|cambog",
    "MYS": "malays",
    "JPN": "japan|japon|giappon",
    "KOR": "sudkorea|coree du sud|corea del sud|south korea|korea|coree|corea",
    "PRK": "nordkorea|coree du nord|corea del nord|north korea",
    "MNG": "mongol",
    "LBN": "libanon|liban|lebanon",
    "JOR": "jordan|giordan",
    "PSE": "palast|palest",
    "ISR": "israel",
    "SAU": "saudi|saoudi",
    "YEM": "jemen|yemen",
    "EGY": "agypt|egypt|egypt|egiz|egit",
    "LBY": "liby|libi",
    "TUN": "tunes|tunis",
    "DZA": "alger",
    "MAR": "marok|maroc|marocc|moroc",
    "SDN": "sudan|soudan",
    "SSD": "sudsudan|soudan du sud|sud sudan|south sudan",
    "ERI": "eritr|erythr",
    "ETH": "athiop|ethiop|etiop",
    "SOM": "somal",
    "KEN": "kenia|kenya|kenian|kenyan",
    "UGA": "ugand|ougand",
    "TZA": "tansan|tanzan",
    "RWA": "ruand|rwand",
    "BDI": "burund",
    "COD": "kongo|congo|rd congo|demokratische republik kongo",
    "AGO": "angol",
    "CMR": "kamerun|camer",
    "NGA": "nigeria",
    "NER": "niger",
    "GHA": "ghan",
    "TGO": "togo",
    "BFA": "burkin",
    "CIV": "elfenbeinkust|cote d'ivoire|ivoir|costa d'avorio",
    "GIN": "guin",
    "GNB": "guinea-bissau|guinee-bissau|guine-bissau|guinea bissau",
    "SEN": "senegal",
    "GMB": "gambi",
    "MLI": "mali",
    "ZAF": "sudafrika|afrique du sud|sudafrica|south africa",
    "ZWE": "simbabw|zimbabw",
    "USA": "vereinigte staaten|etats-unis|stati uniti|united states|amerikan|american|usa",
    "CAN": "kanad|canad",
    "MEX": "mexi|messic",
    "CUB": "kuba|cuba|cuban",
    "DOM": "dominikan|dominicain|dominican",
    "COL": "kolumb|colomb",
    "VEN": "venez",
    "ECU": "ecuad|equat",
    "PER": "peru",
    "BRA": "brasil|bresil|brazil",
    "ARG": "argentin",
    "CHL": "chile|chilen|chilien|cilen|cile",
    "AUS": "australi",
    "NZL": "neuseel|nouvelle-zel|new zeal|nuova zel",
    "XXA": "staatenlos|apatride|apolide|stateless",
    "XXX": "unbekannt|ungeklart|inconnu|sconosciut|unknown",
}

# ICAO MRZ codes that are not ISO 3166-1 alpha-3
_ICAO_TO_ISO = {"D": "DEU", "GBD": "GBR", "GBN": "GBR", "GBO": "GBR", "GBP": "GBR", "GBS": "GBR",
                "RKS": "XKX"}
KNOWN_CODES = frozenset(_STEMS) | {"XXB", "XXC", "UNO", "UNA", "UNK", "EUE"}

_PREFIXES: list[tuple[str, str]] = sorted(
    ((fold(stem), code) for code, stems in _STEMS.items() for stem in stems.split("|")),
    key=lambda p: -len(p[0]),
)


def icao_to_iso(code: str) -> str:
    """MRZ nationality / issuing state to ISO 3166-1 alpha-3 ('D' is Germany in the MRZ)."""
    code = code.strip("<").upper()
    return _ICAO_TO_ISO.get(code, code)


# Letters OCR takes for one another in the MRZ's OCR-B (digits are repaired to letters before)
_MRZ_LOOKALIKES = {"O": "QDC", "Q": "O", "D": "O", "C": "GO", "G": "CO", "I": "LT", "L": "I", "T": "I",
                   "B": "E", "E": "BF", "F": "EP", "P": "F", "U": "V", "V": "UY", "Y": "V", "M": "N", "N": "MH",
                   "H": "N", "K": "X", "X": "K"}


@lru_cache(maxsize=1)
def _mrz_codes() -> frozenset[str]:
    """Every code an MRZ may carry for a nationality: ISO 3166-1 alpha-3 (the iso3166 package),
    ICAO's own (D, RKS, GB*), the special ones (stateless, refugees, UN, EU) and Utopia, the
    state of Doc 9303's specimens."""
    from iso3166 import countries_by_alpha3

    return frozenset(countries_by_alpha3) | frozenset(_ICAO_TO_ISO) | KNOWN_CODES | {"XXA", "XXX", "UTO"}


def mrz_nationality(code: str) -> str | None:
    """An MRZ's nationality as ISO alpha-3; none where it is no country's code. No check digit
    covers it, so a misread letter is repaired when exactly one lookalike makes a code ('IRO' is
    Iraq, 'ERT' Eritrea), and a code that no repair explains is not reported: it would contradict
    the dossier's nationality."""
    code = code.strip("<").upper()
    known = _mrz_codes()
    if code in known:
        return icao_to_iso(code)
    repairs = {fixed for i, c in enumerate(code) for other in _MRZ_LOOKALIKES.get(c, "")
               if (fixed := code[:i] + other + code[i + 1:]) in known}
    return icao_to_iso(repairs.pop()) if len(repairs) == 1 else None


def nationality_code(value: str) -> str | None:
    """'Türkei', 'türkisch', 'sénégalaise', 'TUR', 'D' -> alpha-3, or None when unknown."""
    raw = value.strip().strip(".,;:")
    if not raw:
        return None
    upper = raw.upper()
    if raw.isupper() and (upper in KNOWN_CODES or upper in _ICAO_TO_ISO):
        return icao_to_iso(upper)
    folded = fold(raw)
    for stem, code in _PREFIXES:
        if folded.startswith(stem):
            return code
    return None


def alpha2_to_alpha3(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (as eCH messages carry it) to the alpha-3 the dossiers use: 'SY' -> 'SYR'.
    The iso3166 package (self-contained data) knows Kosovo's user-assigned XK/XKX as well."""
    if not code:
        return None
    from iso3166 import countries_by_alpha2

    country = countries_by_alpha2.get(code.strip().upper())
    return country.alpha3 if country else None
