"""One key per address, however it is spelt (logic.addresses)."""

from __future__ import annotations

import pytest

from eakte.logic.addresses import address_key


@pytest.mark.parametrize("spelling", [
    "Zürcherstrasse 112, 8406 Winterthur",
    "Zuercherstr. 112, 8406 Winterthur",
    "Zürcherstraße 112 8406 Winterthur",
    "ZUERCHERSTRASSE 112, 8406 WINTERTHUR",
    "Zürcher Strasse 112, CH-8406 Winterthur",
])
def test_spellings_of_one_address_have_one_key(spelling: str) -> None:
    assert address_key(spelling) == "8406|zurcherstrasse|112"


def test_french_and_italian_addresses() -> None:
    assert address_key("12, rue du Lac, 1003 Lausanne") == address_key("12 rue du Lac 1003 Lausanne") == \
        "1003|ruedulac|12"
    assert address_key("Av. de la Gare 12, 1003 Lausanne") == address_key("Avenue de la Gare 12, 1003 Lausanne")
    assert address_key("Via Nassa 5, 6900 Lugano") == "6900|vianassa|5"


@pytest.mark.parametrize(("a", "b"), [
    ("Zürcherstrasse 112, 8406 Winterthur", "Zürcherstrasse 114, 8406 Winterthur"),  # the next house
    ("Bahnhofstrasse 12, 8001 Zürich", "Bahnhofstrasse 12a, 8001 Zürich"),
    ("Bahnhofstrasse 12, 8001 Zürich", "Bahnhofstrasse 12, 3011 Bern"),  # another town's street
])
def test_other_addresses_have_other_keys(a: str, b: str) -> None:
    assert address_key(a) != address_key(b)


@pytest.mark.parametrize("text", ["Postfach, 8001 Zürich", "8001 Zürich", "Bahnhofstrasse, 8001 Zürich", ""])
def test_no_key_without_postcode_and_house_number(text: str) -> None:
    assert address_key(text) is None
