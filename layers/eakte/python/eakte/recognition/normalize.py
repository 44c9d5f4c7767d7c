"""Text folding shared by the classifier and the field extractor.

`fold` maps OCR text of German, French and Italian documents to a matching form: lowercase,
no accents or umlauts, the umlaut transliterations (ae/oe/ue) merged with the plain vowels,
and a few OCR confusions undone. The same function folds keywords, so both sides agree even
where folding is lossy.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f]")
_CHARS = str.maketrans({
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "«": '"', "»": '"', "„": '"', "“": '"',
    "”": '"', "\u00a0": " ", "\t": " ", "|": "l", "–": "-", "—": "-", "\r": "",
})
# "Aufenthalts-\nbewilligung": a word split at the line end
_DEHYPHEN = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
# digits inside words are OCR confusions: "Aufentha1tsbewilligung", "P0lizei"
_DIGIT_IN_WORD = re.compile(r"(?<=[a-z])[015]+(?=[a-z])")
_DIGIT_LETTER = str.maketrans("015", "ols")
# "V E R F Ü G U N G": letter-spaced headings
_SPACED = re.compile(r"(?<![\w])(?:[a-z] ){3,}[a-z](?![\w])")
_SPACES = re.compile(r" {2,}")
# Merges that hide OCR and spelling variants: umlaut transliterations, 'm' read as 'rn',
# 'ü' read as 'ii'.
_DIGRAPHS = (("ue", "u"), ("ae", "a"), ("oe", "o"), ("rn", "m"), ("ii", "u"))


def strip_accents(s: str) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFKD", s))


def fold(s: str) -> str:
    s = strip_accents(s.lower()).translate(_CHARS)
    s = _DEHYPHEN.sub("", s)
    if any(c.isdigit() for c in s):
        s = _DIGIT_IN_WORD.sub(lambda m: m.group().translate(_DIGIT_LETTER), s)
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = _SPACED.sub(lambda m: m.group().replace(" ", ""), s)
    return _SPACES.sub(" ", s)
