"""Normalised forms of names and reference numbers for lookups (pure, no AWS)."""

from __future__ import annotations

import unicodedata


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
