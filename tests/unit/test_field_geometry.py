"""Placing extracted fields on the page: text values, dates, codes and MRZ positions."""

from __future__ import annotations

from datetime import date

import pytest

from eakte.logic.ocr_words import OcrWords, PageWords, WordBox
from eakte.models.document import ExtractedField, FieldBox, FieldSource
from eakte.recognition import recognize
from eakte.recognition.geometry import MAX_BOXES, canon, locate_fields
from eakte.recognition.mrz import find_mrz

CHAR = 0.01  # width of one character on the synthetic page
TODAY = date(2026, 11, 21)


def page(*lines: str, number: int = 1, top: float = 0.1, step: float = 0.05) -> PageWords:
    """A page whose lines start at left 0.1, one character CHAR wide, words one space apart."""
    out = []
    for n, text in enumerate(lines):
        left, words = 0.1, []
        for word in text.split(" "):
            words.append(WordBox(text=word, left=round(left, 5), top=round(top + n * step, 5),
                                 width=round(len(word) * CHAR, 5), height=0.02))
            left += (len(word) + 1) * CHAR
        out.append(words)
    return PageWords(page=number, lines=out)


def field(value: str, source: FieldSource = FieldSource.TEXT) -> ExtractedField:
    return ExtractedField(value=value, confidence=0.8, source=source)


def boxes(key: str, value: str, *pages: PageWords, source: FieldSource = FieldSource.TEXT) -> list[FieldBox]:
    placed = locate_fields({key: field(value, source)}, OcrWords(pages=list(pages)), today=TODAY)[key]
    return placed.boxes or []


def span(box: FieldBox) -> tuple[int, float, float, float]:
    return box.page, round(box.left, 4), round(box.top, 4), round(box.width, 4)


def test_a_name_is_found_whatever_its_spelling_on_paper() -> None:
    p = page("Name: Müller", "Vorname Anna")
    assert [span(b) for b in boxes("surname", "MUELLER", p)] == [(1, 0.16, 0.1, 0.06)]
    assert [span(b) for b in boxes("givenNames", "Anna", p)] == [(1, 0.18, 0.15, 0.04)]


def test_part_of_a_word_is_interpolated() -> None:
    # "Name:MÜLLER" read as one word: the box covers the value's characters only
    (box,) = boxes("surname", "Müller", page("Name:MÜLLER"))
    assert span(box) == (1, 0.15, 0.1, 0.06)


def test_values_over_several_words_give_one_box_per_occurrence() -> None:
    p = page("AL HASSAN Rami", "Antragsteller: Al Hassan")
    assert [span(b) for b in boxes("surname", "AL HASSAN", p)] == [(1, 0.1, 0.1, 0.09), (1, 0.25, 0.15, 0.09)]


def test_names_inside_e_mail_addresses_are_not_the_name() -> None:
    found = boxes("surname", "AL HASSAN", page("E-Mail: rami.al.hassan@example.com", "Name: AL HASSAN"))
    assert [span(b) for b in found] == [(1, 0.16, 0.15, 0.09)]


def test_ocr_noise_is_tolerated_but_not_random_words() -> None:
    (box,) = boxes("surname", "Schwarzenegger", page("Name Schwarzeneqger", "Ort Bern"))
    assert span(box) == (1, 0.15, 0.1, 0.14)
    assert boxes("surname", "Schwarzenegger", page("Name Schwarz", "Ort Bern")) == []
    assert boxes("givenNames", "Anna", page("Anne Hanna")) == []  # short values match exactly


def test_whole_tokens_only() -> None:
    assert boxes("surname", "Ali", page("Alina Alibaba")) == []
    # ... but a nationality code stands for its country's words
    assert [span(b) for b in boxes("nationality", "SYR", page("SYRIAN ARAB REPUBLIC"))] == [(1, 0.1, 0.1, 0.06)]


def test_reference_numbers_ignore_punctuation() -> None:
    (box,) = boxes("ahvNumber", "756.1234.5678.97", page("AHV-Nr. 756 1234 5678 97"))
    assert span(box) == (1, 0.18, 0.1, 0.16)


@pytest.mark.parametrize("printed", [
    "14.03.1991", "14.3.1991", "14/03/1991", "1991-03-14", "14. März 1991", "14 mars 1991", "14 MAR 1991",
])
def test_dates_are_found_in_any_printed_format(printed: str) -> None:
    (box,) = boxes("birthDate", "1991-03-14", page(f"Geburtsdatum {printed}", "Datum 01.01.2020"))
    assert span(box) == (1, 0.23, 0.1, round(len(printed) * CHAR, 4))


def test_any_field_holding_a_date_is_matched_as_a_date() -> None:
    (box,) = boxes("decisionDate", "2025-05-01", page("Zürich, 1. Mai 2025"))
    assert span(box) == (1, 0.18, 0.1, 0.11)  # "1. Mai 2025"


def test_a_damaged_date_is_found_by_its_digits() -> None:
    (box,) = boxes("birthDate", "1991-03-14", page("geboren am 14.03.199l"))
    assert span(box)[:3] == (1, 0.21, 0.1)


def test_sex_by_its_word_or_a_letter_after_the_label() -> None:
    assert [span(b) for b in boxes("sex", "F", page("Geschlecht weiblich"))] == [(1, 0.21, 0.1, 0.08)]
    assert [span(b) for b in boxes("sex", "M", page("Sex / Sexe M"))] == [(1, 0.21, 0.1, 0.01)]
    assert boxes("sex", "M", page("M Muster AG")) == []  # a lone letter without the label is not it


def test_nationality_by_its_country_word() -> None:
    (box,) = boxes("nationality", "TUR", page("Staatsangehörigkeit: türkisch"))
    assert span(box) == (1, 0.31, 0.1, 0.08)


def test_values_on_later_pages_carry_their_page() -> None:
    found = boxes("employer", "Muster AG", page("Arbeitsvertrag"), page("Arbeitgeber Muster AG", number=2))
    assert [span(b) for b in found] == [(2, 0.22, 0.1, 0.09)]


def test_a_value_not_on_the_page_has_no_boxes() -> None:
    placed = locate_fields({"surname": field("Keller")}, OcrWords(pages=[page("Name Müller")]))
    assert placed["surname"].boxes is None
    assert placed["surname"].value == "Keller"


def test_repeated_values_are_capped() -> None:
    p = page(*["Müller"] * 10)
    assert len(boxes("surname", "Müller", p)) == MAX_BOXES


MRZ_1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
MRZ_2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_mrz_fields_are_boxed_at_their_character_positions() -> None:
    text = f"Passport\nName ERIKSSON\n{MRZ_1}\n{MRZ_2}"
    mrz = find_mrz(text, today=TODAY)
    assert mrz is not None and mrz.format == "TD3"
    p = page("Passport", "Name ERIKSSON", MRZ_1, MRZ_2)
    fields = {k: field(v, FieldSource.MRZ) for k, v in {
        "surname": "ERIKSSON", "givenNames": "ANNA MARIA", "documentNumber": "L898902C3",
        "birthDate": "1974-08-12", "sex": "F", "nationality": "UTO", "expiryDate": "2012-04-15"}.items()}
    placed = locate_fields(fields, OcrWords(pages=[p]), mrz, today=TODAY)
    line1, line2 = 0.2, 0.25

    def mrz_box(key: str) -> tuple[int, float, float, float]:
        return span(next(b for b in placed[key].boxes or [] if b.top >= line1))

    assert mrz_box("surname") == (1, 0.15, line1, 0.08)  # characters 5..13 of line 1
    assert mrz_box("givenNames") == (1, 0.25, line1, 0.1)
    assert mrz_box("documentNumber") == (1, 0.1, line2, 0.09)
    assert mrz_box("nationality") == (1, 0.2, line2, 0.03)
    assert mrz_box("birthDate") == (1, 0.23, line2, 0.06)
    assert mrz_box("sex") == (1, 0.3, line2, 0.01)
    assert mrz_box("expiryDate") == (1, 0.31, line2, 0.06)
    # the surname is also printed in the visual zone, which is marked too
    assert span(placed["surname"].boxes[0]) == (1, 0.15, 0.15, 0.08)  # type: ignore[index]


def test_noisy_mrz_line_is_still_matched() -> None:
    text = f"{MRZ_1}\n{MRZ_2}"
    mrz = find_mrz(text, today=TODAY)
    assert mrz is not None
    noisy = MRZ_2.replace("<<<<<", "<< <<<", 1)  # OCR split the line into two words
    placed = locate_fields({"documentNumber": field("L898902C3", FieldSource.MRZ)},
                           OcrWords(pages=[page(MRZ_1, noisy)]), mrz, today=TODAY)
    (box,) = placed["documentNumber"].boxes or []
    assert span(box) == (1, 0.1, 0.15, 0.09)


def test_recognised_fields_of_a_letter_land_on_their_words() -> None:
    lines = ["Migrationsamt des Kantons Zürich", "Verfügung", "Name: YILDIZ", "Vorname: Emre",
             "Geburtsdatum: 09.07.1988", "Staatsangehörigkeit: türkisch"]
    rec = recognize("\n".join(lines), today=TODAY)
    placed = locate_fields(rec.fields, OcrWords(pages=[page(*lines)]), rec.mrz, today=TODAY)
    tops = {k: round(f.boxes[0].top, 2) for k, f in placed.items() if f.boxes}
    assert tops["surname"] == 0.2 and tops["givenNames"] == 0.25 and tops["birthDate"] == 0.3
    assert tops["nationality"] == 0.35


def test_canon_folds_case_accents_transliteration_and_punctuation() -> None:
    assert canon("Müller") == canon("MUELLER") == canon("muller")
    assert canon("756.1234.5678.97") == "7561234567897"
