"""Field extraction (MRZ and labelled text, per-type fields, reference numbers) and the
`recognize` entry point."""

from __future__ import annotations

from datetime import date

import pytest

from eakte.models.document import DocumentType as T
from eakte.models.document import FieldSource
from eakte.recognition import Recognition, recognize
from eakte.recognition.countries import nationality_code
from eakte.recognition.fields import ean13_ok, extract_fields, parse_date
from eakte.recognition.mrz import find_mrz

TODAY = date(2026, 11, 21)

PASSPORT = """\
BUNDESREPUBLIK DEUTSCHLAND
REISEPASS / PASSPORT / PASSEPORT
Name/Surname/Nom
MUSTERMANN
Vornamen/Given names/Prénoms
ERIKA
Geburtstag/Date of birth/Date de naissance 12.08.1964
Staatsangehörigkeit/Nationality/Nationalité DEUTSCH
P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<
C01X00T478D<<6408125F3103315<<<<<<<<<<<<<<<2
"""

PERMIT_TD1 = "ARD<<Y123456782<<<<<<<<<<<<<<<\n9003129M2904308TUR<<<<<<<<<<<2\nYILMAZ<<AHMET<<<<<<<<<<<<<<<<<"


def _values(fields: dict) -> dict[str, str]:
    return {k: v.value for k, v in fields.items()}


# --- MRZ -------------------------------------------------------------------------------------


def test_mrz_fields_when_all_checks_pass() -> None:
    f = extract_fields(PERMIT_TD1, find_mrz(PERMIT_TD1, today=TODAY), today=TODAY)
    assert _values(f) == {"surname": "YILMAZ", "givenNames": "AHMET", "birthDate": "1990-03-12",
                          "nationality": "TUR", "documentNumber": "Y12345678",
                          "expiryDate": "2029-04-30", "sex": "M"}
    assert all(v.source is FieldSource.MRZ and v.confidence == 0.99 for v in f.values())


def test_mrz_fields_when_a_check_fails() -> None:
    broken = PERMIT_TD1.replace("9003129M", "9003128M")  # birth check digit wrong
    mrz = find_mrz(broken, today=TODAY)
    assert mrz is not None and not mrz.valid
    f = extract_fields(broken, mrz, today=TODAY)
    assert f["birthDate"].confidence < 0.5
    assert 0.6 <= f["documentNumber"].confidence < 0.99  # own check passed, the MRZ as a whole did not
    assert f["surname"].confidence < 0.99


def test_german_mrz_nationality_d_becomes_deu_and_text_agrees() -> None:
    f = extract_fields(PASSPORT, find_mrz(PASSPORT, today=TODAY), today=TODAY)
    assert f["nationality"].value == "DEU" and f["nationality"].source is FieldSource.MRZ
    assert f["surname"].value == "MUSTERMANN" and f["surname"].confidence == 0.99
    assert f["birthDate"].value == "1964-08-12"
    assert f["expiryDate"].value == "2031-03-31"


def test_text_wins_over_failed_mrz_field() -> None:
    text = "Geburtsdatum: 12.03.1990\n" + PERMIT_TD1.replace("9003129M", "9003128M")
    f = extract_fields(text, find_mrz(text, today=TODAY), today=TODAY)
    # the MRZ date failed its check, the labelled text date agrees: confidence from agreement
    assert f["birthDate"].value == "1990-03-12"
    assert f["birthDate"].confidence >= 0.8


@pytest.mark.parametrize(("code", "expected"), [
    ("IRQ", "IRQ"), ("IRO", "IRQ"), ("ERT", "ERI"), ("D", "DEU"), ("RKS", "XKX"), ("UTO", "UTO"),
    ("XYZ", None),  # no lookalike makes a code: not a nationality at all
    ("ERA", None),  # BRA or FRA: which one is open
])
def test_an_mrz_nationality_is_a_country_code_or_nothing(code: str, expected: str | None) -> None:
    """No check digit covers the MRZ's nationality: a misread letter is repaired where exactly one
    lookalike makes a code, else no nationality is reported (it would contradict the dossier's)."""
    line2 = f"L898902C36{code.ljust(3, '<')}7408122F1204159ZE184226B<<<<<10"
    mrz = find_mrz("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" + line2, today=TODAY)
    assert mrz is not None and mrz.valid
    got = extract_fields("", mrz, today=TODAY).get("nationality")
    assert (got.value if got else None) == expected


def test_a_bracket_misread_in_a_label() -> None:
    f = extract_fields("Anzeige\nName: Hamdan\nVorname(n}: Anas\nGeburtsdatum: 25.08.2001", today=TODAY)
    assert f["givenNames"].value == "Anas"


def test_mrz_and_text_names_agree_despite_transliteration() -> None:
    text = ("Name: Müller\nVorname: Jörg\n"
            "P<D<<MUELLER<<JOERG<<<<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125M3103315<<<<<<<<<<<<<<<2")
    mrz = find_mrz(text, today=TODAY)
    assert mrz is not None
    f = extract_fields(text, mrz, today=TODAY)
    assert f["surname"].value in ("MUELLER", "Müller")
    assert f["surname"].confidence == 0.99


@pytest.mark.parametrize(("page", "mrz_name", "read"), [
    (("Mueller", "Joerg"), "MUELLER<<JOERGS", ("MUELLER", "Joerg")),  # a filler read as a letter: the page's
    (("Mueller", "Joerg"), "MUELLFR<<JOERG", ("Mueller", "JOERG")),  # a letter misread in the MRZ: the page's
    (("Mueller", "Yoerg"), "MUELLER<<JOERG", ("MUELLER", "JOERG")),  # two spellings of one name: the MRZ's
    (("Müller", "Jörg"), "MUELLFR<<JOERG", ("MUELLFR", "JOERG")),  # the page has diacritics: the MRZ's
])
def test_a_name_the_mrz_misread_gives_way_to_the_pages(page: tuple[str, str], mrz_name: str,
                                                        read: tuple[str, str]) -> None:
    """The check digits pass whatever the names say (none covers them): where the MRZ's name and
    the page's differ in one letter, and not as two spellings of it, the page's reading is taken."""
    labels = f"Name: {page[0]}\nVorname: {page[1]}\n"
    text = f"{labels}P<D<<{mrz_name}".ljust(len(labels) + 44, "<") + "\nC01X00T478D<<6408125M3103315<<<<<<<<<<<<<<<2"
    mrz = find_mrz(text, today=TODAY)
    assert mrz is not None and mrz.valid
    f = extract_fields(text, mrz, today=TODAY)
    assert (f["surname"].value, f["givenNames"].value) == read


def test_an_exclamation_mark_in_a_name_is_the_letter_the_ocr_read_with_a_dot() -> None:
    """'KARIM!' for KARIMI: cut at the mark, the page's name lacked the MRZ's last letter, which
    then looked like a filler read as a letter, and the shorter name was taken."""
    labels = "Name: KARIM!\nVorname(n): MOSTAFA\n"
    mrz_line_2 = "R151482640AFG7312140M3007181<<<<<<<<<<<<<<<8"
    text = f"{labels}P<AFGKARIMI<<MOSTAFA".ljust(len(labels) + 44, "<") + "\n" + mrz_line_2
    mrz = find_mrz(text, today=TODAY)
    assert mrz is not None and mrz.valid
    assert _values(extract_fields(text, mrz, today=TODAY))["surname"] == "KARIMI"
    assert _values(extract_fields("Name: Ha!imi\nVorname: Valon\n", None, today=TODAY))["surname"] == "Halimi"


# --- labelled text -------------------------------------------------------------------------


def test_german_form_labels() -> None:
    text = ("Gesuch um Erteilung einer Aufenthaltsbewilligung\n"
            "Name: Yilmaz        Vorname(n): Ayşe Nur\n"
            "Geburtsdatum: 05.07.1992    Staatsangehörigkeit: Türkei\n"
            "Geschlecht: weiblich\n")
    f = extract_fields(text, today=TODAY)
    assert _values(f) == {"surname": "Yilmaz", "givenNames": "Ayşe Nur", "birthDate": "1992-07-05",
                          "nationality": "TUR", "sex": "F"}
    assert all(v.source is FieldSource.TEXT and v.confidence < 0.99 for v in f.values())


def test_french_labels_and_textual_date() -> None:
    text = ("Demande d'autorisation de séjour\nNom: DIALLO\nPrénom(s): Mamadou\n"
            "Né le 14 mars 1988 à Dakar\nNationalité: sénégalaise\nSexe: M\n")
    f = _values(extract_fields(text, today=TODAY))
    assert f == {"surname": "DIALLO", "givenNames": "Mamadou", "birthDate": "1988-03-14",
                 "nationality": "SEN", "sex": "M"}


def test_values_on_the_line_below_the_label() -> None:
    text = "Familienname\nNguyen\nVornamen\nVan An\nGeburtsdatum\n1990-03-12\nNationalität\nvietnamesisch\n"
    assert _values(extract_fields(text, today=TODAY)) == {
        "surname": "Nguyen", "givenNames": "Van An", "birthDate": "1990-03-12", "nationality": "VNM"}


def test_combined_name_label() -> None:
    f = _values(extract_fields("Name, Vorname: Krasniqi, Ardit\ngeboren am 3.1.1985", today=TODAY))
    assert f == {"surname": "Krasniqi", "givenNames": "Ardit", "birthDate": "1985-01-03"}
    f = _values(extract_fields("Nom et prénom: DUPONT Jean-Luc", today=TODAY))
    assert f == {"surname": "DUPONT", "givenNames": "Jean-Luc"}


def test_labels_that_are_not_the_persons_name() -> None:
    text = "Name der Mutter: Kaya Elif\nName des Arbeitgebers: Muster AG\n"
    assert "surname" not in extract_fields(text, today=TODAY)


def test_inferred_nationality_has_lower_confidence() -> None:
    f = extract_fields("Der Beschuldigte, syrischer Staatsangehöriger, wurde kontrolliert.", today=TODAY)
    assert f["nationality"].value == "SYR" and f["nationality"].confidence < 0.75
    f = extract_fields("le prévenu, ressortissant érythréen, a été interpellé", today=TODAY)
    assert f["nationality"].value == "ERI"


def test_birth_date_is_never_in_the_future() -> None:
    f = extract_fields("geboren am 12.03.30", today=TODAY)
    assert f["birthDate"].value == "1930-03-12"
    assert "birthDate" not in extract_fields("Geburtsdatum: 01.01.2099", today=TODAY)


def test_document_number_and_expiry_from_text() -> None:
    text = "Pass-Nr.: X1234567\nGültig bis: 01.02.2030\nDate of birth 01.02.1985"
    f = _values(extract_fields(text, today=TODAY))
    assert f["documentNumber"] == "X1234567"
    assert f["expiryDate"] == "2030-02-01"
    assert f["birthDate"] == "1985-02-01"


@pytest.mark.parametrize(("text", "past", "expected"), [
    ("12.03.1990", False, "1990-03-12"),
    ("12. 03. 1990", False, "1990-03-12"),
    ("5/7/1992", False, "1992-07-05"),
    ("1990-03-12", False, "1990-03-12"),
    ("12. März 1990", False, "1990-03-12"),
    ("12. Maerz 1990", False, "1990-03-12"),
    ("1er mars 1990", False, "1990-03-01"),
    ("14 février 1988", False, "1988-02-14"),
    ("3 agosto 2001", False, "2001-08-03"),
    ("12.03.90", True, "1990-03-12"),
    ("12.03.25", False, "2025-03-12"),
    ("31.02.2020", False, None),
    ("Tel. 044 123 45 67", False, None),
])
def test_parse_date(text: str, past: bool, expected: str | None) -> None:
    assert parse_date(text, past=past, today=TODAY) == expected


@pytest.mark.parametrize(("value", "code"), [
    ("Türkei", "TUR"), ("türkisch", "TUR"), ("TUR", "TUR"), ("D", "DEU"), ("deutsch", "DEU"),
    ("Schweiz", "CHE"), ("suisse", "CHE"), ("Kosovo", "XKX"), ("Eritrea", "ERI"),
    ("érythréenne", "ERI"), ("Afghanistan", "AFG"), ("Irak", "IRQ"), ("iranisch", "IRN"),
    ("Nigeria", "NGA"), ("Niger", "NER"), ("Turkmenistan", "TKM"), ("staatenlos", "XXA"),
    ("Österreich", "AUT"), ("Australien", "AUS"), ("Südsudan", "SSD"), ("Sudan", "SDN"),
    ("suédoise", "SWE"), ("italiano", "ITA"), ("Atlantis", None),
])
def test_nationality_codes(value: str, code: str | None) -> None:
    assert nationality_code(value) == code


# --- per-type fields -------------------------------------------------------------------------

EMPLOYMENT_DE = """\
Arbeitsvertrag
zwischen
Muster Bau AG, Industriestrasse 5, 8005 Zürich (nachfolgend Arbeitgeberin)
und
Herrn Ahmet Yilmaz, geb. 12.03.1990 (nachfolgend Arbeitnehmer)
1. Stellenantritt: Das Arbeitsverhältnis beginnt am 1. April 2025.
2. Probezeit: drei Monate
"""

EMPLOYMENT_FR = """\
CONTRAT DE TRAVAIL
Employeur: Boulangerie Dupont Sàrl, Rue de la Gare 12, 1003 Lausanne
Employée: Fatou Diallo, née le 3 mai 1991
Entrée en fonction: le 1er septembre 2024
"""

RENTAL_DE = """\
Mietvertrag für Wohnräume
Vermieter: Immobilien Muster GmbH, Seestrasse 10, 8002 Zürich
Mieter: Ahmet Yilmaz
Mietobjekt: 3-Zimmer-Wohnung, 2. Stock, Langstrasse 12, 8004 Zürich
Mietbeginn: 01.05.2025
"""

RENTAL_FR = """\
CONTRAT DE BAIL À LOYER
Bailleur: Régie du Lac SA, Avenue de la Gare 5, 1003 Lausanne
Objet loué: appartement de 2.5 pièces, Chemin des Roses 8, 1004 Lausanne
Début du bail: 1er juillet 2024
"""


def test_employment_contract_fields() -> None:
    f = _values(extract_fields(EMPLOYMENT_DE, document_types={T.EMPLOYMENT_CONTRACT}, today=TODAY))
    assert f["employer"] == "Muster Bau AG"
    assert f["startDate"] == "2025-04-01"
    assert f["birthDate"] == "1990-03-12"
    f = _values(extract_fields(EMPLOYMENT_FR, document_types={T.EMPLOYMENT_CONTRACT}, today=TODAY))
    assert f["employer"] == "Boulangerie Dupont Sàrl"
    assert f["startDate"] == "2024-09-01"


def test_rental_agreement_fields_take_the_dwelling_not_the_landlord() -> None:
    f = _values(extract_fields(RENTAL_DE, document_types={T.RENTAL_AGREEMENT}, today=TODAY))
    assert f["address"] == "Langstrasse 12, 8004 Zürich"
    assert f["moveInDate"] == "2025-05-01"
    f = _values(extract_fields(RENTAL_FR, document_types={T.RENTAL_AGREEMENT}, today=TODAY))
    assert f["address"] == "Chemin des Roses 8, 1004 Lausanne"
    assert f["moveInDate"] == "2024-07-01"


PAYSLIP_DE = """\
Lohnabrechnung Mai
Gastro Aare AG
Bruttolohn 4'350.00
AHV/IV/EO 5.30 % -230.55
Nettolohn 3'741
"""

JUDGMENT_DE = """\
URTEIL vom 12. März 2025
Verwaltungsgericht des Kantons Zürich
Geschäftsnummer VB.2025.00123
in Sachen Rami Al Hassan, Beschwerdeführer, gegen Migrationsamt
"""

JUDGMENT_IT = """\
Sentenza del 04.09.2024
Tribunale cantonale amministrativo
Incarto n. 2024.74547
"""


@pytest.mark.parametrize(("text", "expected"), [
    (PAYSLIP_DE, "4350.00"),
    ("Fiche de salaire mars\nSalaire brut CHF 5 150.00\nAVS/AI/APG 5.30 %", "5150.00"),
    ("Busta paga\nSalario lordo 6300.00\nSalario netto 5418", "6300.00"),
    ("Lohnabrechnung\nBruttolohn 5.30 %", None),  # a rate, not a wage
])
def test_payslip_monthly_gross(text: str, expected: str | None) -> None:
    f = extract_fields(text, document_types={T.PAYSLIP}, today=TODAY)
    assert (f["monthlyGross"].value if "monthlyGross" in f else None) == expected
    if expected is not None:
        assert f["monthlyGross"].source is FieldSource.TEXT and 0 < f["monthlyGross"].confidence < 1


def test_judgment_court_file_number_and_date() -> None:
    f = _values(extract_fields(JUDGMENT_DE, document_types={T.COURT_DECISION}, today=TODAY))
    assert f["court"] == "Verwaltungsgericht des Kantons Zürich"
    assert f["fileNumber"] == "VB.2025.00123"
    assert f["decisionDate"] == "2025-03-12"
    f = _values(extract_fields(JUDGMENT_IT, document_types={T.COURT_DECISION}, today=TODAY))
    assert (f["court"], f["fileNumber"], f["decisionDate"]) == (
        "Tribunale cantonale amministrativo", "2024.74547", "2024-09-04")


def test_judgment_title_naming_the_court_is_not_the_court_line() -> None:
    text = "Entscheid des Verwaltungsgerichts\nGeschäftsnummer VB.2024.5\n"
    f = _values(extract_fields(text, document_types={T.COURT_DECISION}, today=TODAY))
    assert "court" not in f and f["fileNumber"] == "VB.2024.5"


@pytest.mark.parametrize(("text", "language", "level"), [
    ("Goethe-Zertifikat B1\nhat die Prüfung auf dem Niveau B1 bestanden", "de", "B1"),
    ("DELF A2\nCentre d'examen Lausanne", "fr", "A2"),
    ("Certificato di lingua\nha superato l'esame al livello B2", None, "B2"),
    ("Sprachnachweis fide\nMündlich A2, Schriftlich A1", None, "A2"),
    ("telc Deutsch\nNiveau: Bl", "de", "B1"),  # OCR read the 1 as l
])
def test_language_certificate(text: str, language: str | None, level: str) -> None:
    f = _values(extract_fields(text, document_types={T.LANGUAGE_CERTIFICATE}, today=TODAY))
    assert f.get("language") == language
    assert f["languageLevel"] == level


def test_employer_from_the_parties_line() -> None:
    text = "Arbeitsvertrag\nzwischen Brunner Haustechnik GmbH (Arbeitgeberin) und Rami Al Hassan (Arbeitnehmer)\n"
    f = _values(extract_fields(text, document_types={T.EMPLOYMENT_CONTRACT}, today=TODAY))
    assert f["employer"] == "Brunner Haustechnik GmbH"
    text = "Contrat de travail\nentre Clinique des Tilleuls SA (employeur) et Amina Yusuf (employée)\n"
    f = _values(extract_fields(text, document_types={T.EMPLOYMENT_CONTRACT}, today=TODAY))
    assert f["employer"] == "Clinique des Tilleuls SA"


def test_type_fields_only_for_requested_types() -> None:
    f = extract_fields(RENTAL_DE, document_types={T.PAYSLIP}, today=TODAY)
    assert "address" not in f and "moveInDate" not in f and "employer" not in f


# --- reference numbers -----------------------------------------------------------------------


def test_ean13() -> None:
    assert ean13_ok("7561234567897")
    assert not ean13_ok("7561234567898")
    assert not ean13_ok("756123456789")


@pytest.mark.parametrize(("text", "expected", "confidence"), [
    ("AHV-Nr. 756.1234.5678.97", "756.1234.5678.97", 0.97),
    ("No AVS: 756 1234 5678 97", "756.1234.5678.97", 0.97),
    ("Sozialversicherungsnummer 7561234567897", "756.1234.5678.97", 0.97),
    ("AHV-Nr. 756.1234.S678.97", "756.1234.5678.97", 0.9),  # OCR 'S' confirmed by EAN-13
    ("AHV-Nr. 756.1234.5678.98", None, None),  # wrong check digit
    ("IBAN CH93 0076 2011 6238 5295 7", None, None),
])
def test_ahv_number(text: str, expected: str | None, confidence: float | None) -> None:
    f = extract_fields(text, today=TODAY)
    if expected is None:
        assert "ahvNumber" not in f
    else:
        assert f["ahvNumber"].value == expected and f["ahvNumber"].confidence == confidence


def test_azr_number_needs_its_label() -> None:
    f = extract_fields("AZR-Nummer: 123456789012\nKunden-Nr. 987654321098", today=TODAY)
    assert f["azrNumber"].value == "123456789012"
    assert f["azrNumber"].confidence < 0.75  # no check digit: pattern only
    assert "azrNumber" not in extract_fields("Kunden-Nr. 987654321098", today=TODAY)
    assert "azrNumber" not in extract_fields("AZR-Nr. 12345678901", today=TODAY)  # 11 digits


@pytest.mark.parametrize(("lines", "surname", "given"), [
    (["Mitarbeiter: Tesfalem Gebrekidan"], "Gebrekidan", "Tesfalem"),  # a payslip's role label
    (["Arbeitnehmer: Herr Tesfalem Gebrekidan"], "Gebrekidan", "Tesfalem"),
    (["Locataire: Monsieur Dawit TESFAYE, né le 04.07.1988"], "TESFAYE", "Dawit"),  # capitals: the surname
    (["Herr", "Rami Al Hassan", "Zürcherstrasse 112", "8406 Winterthur"], "Al Hassan", "Rami"),  # address block
    (["Herr Abd al-Rahman Haddad"], "Haddad", "Abd al-Rahman"),
    (["Signora AL MASRI Yasmin"], "AL MASRI", "Yasmin"),
])
def test_the_person_a_letter_or_payslip_names_without_name_labels(lines: list[str], surname: str, given: str) -> None:
    text = "\n".join(["Brunner Haustechnik GmbH", *lines, "Lohnabrechnung März 2026", "Bruttolohn CHF 5'600.00"])
    fields = extract_fields(text, today=TODAY)
    assert (fields["surname"].value, fields["givenNames"].value) == (surname, given)


def test_a_contract_naming_its_party_in_prose() -> None:
    text = ("Arbeitsvertrag\nzwischen\nBrunner Haustechnik GmbH, Industriestrasse 21, 8404 Winterthur\nund\n"
            "Herr Rami Al Hassan, geboren am 14.03.1991, Staatsangehörigkeit: Syrien,\n"
            "wohnhaft Zürcherstrasse 112, 8406 Winterthur\n(nachfolgend «Arbeitnehmer»)")
    fields = extract_fields(text, today=TODAY)
    assert (fields["surname"].value, fields["givenNames"].value) == ("Al Hassan", "Rami")
    assert fields["birthDate"].value == "1991-03-14"
    assert fields["address"].value == "Zürcherstrasse 112, 8406 Winterthur"  # not the employer's
    # a name followed by anything else is not taken for the person ("Herr Meier, Ihr Sachbearbeiter")
    assert "surname" not in extract_fields("Herr Peter Meier, Leiter Personal\nLohnabrechnung", today=TODAY)


def test_the_address_under_the_persons_name() -> None:
    text = ("Brunner Haustechnik GmbH\nIndustriestrasse 21, 8404 Winterthur\n\nHerr\nTesfalem Gebrekidan\n"
            "c/o Familie Tesfaye\nZürcherstr. 112\n8406 Winterthur\n\nLohnabrechnung März 2026")
    fields = extract_fields(text, today=TODAY)
    assert fields["address"].value == "Zürcherstr. 112, 8406 Winterthur"  # not the employer's, above
    assert "address" not in extract_fields("Herr Tesfalem Gebrekidan\nLohnabrechnung März 2026", today=TODAY)


def test_an_address_block_without_a_salutation_line() -> None:
    """Many letters and payslips name the person only in the address block, often without
    'Herr'/'Frau': the block's name and address are read; the sender's block above it is not."""
    text = ("Lohnabrechnung Mai\nBau Huber AG\nRoute de Genève 7\n1004 Lausanne\nYuliya Kovalenko\n"
            "22B, CHEMIN DES VIGNES\n2502 Biel/Bienne\nBruttolohn 6'850.00")
    fields = extract_fields(text, today=TODAY)
    assert (fields["surname"].value, fields["givenNames"].value) == ("Kovalenko", "Yuliya")
    assert fields["address"].value == "22B, CHEMIN DES VIGNES, 2502 Biel/Bienne"  # a bilingual town
    # a title over the block is no name; a lawyer's letterhead (title line between) is no address block
    text = ("Entscheid über die Verlängerung\nSandra Keller\nRechtsanwältin\nBahnhofplatz 9\n8001 Zürich\n"
            "Shpëtim Bytyçi\nGartenstrasse 138\n3011 Bern\nGeburtsdatum: 15.03.2004")
    fields = extract_fields(text, today=TODAY)
    assert (fields["surname"].value, fields["address"].value) == ("Bytyçi", "Gartenstrasse 138, 3011 Bern")


@pytest.mark.parametrize("salutation", ["Madarne", "Rnonsieur"])
def test_a_salutation_the_ocr_misread_is_no_given_name(salutation: str) -> None:
    """The OCR reads the m of Madame/Monsieur as 'rn': 'Madarne Hiba El Hassan' is Mrs El Hassan."""
    text = f"Contrat de travail\n{salutation} Hiba El Hassan\nWeiherstr. 27\n8953 Dietikon\nFonction: Koch"
    fields = extract_fields(text, today=TODAY)
    assert (fields["surname"].value, fields["givenNames"].value) == ("El Hassan", "Hiba")


@pytest.mark.parametrize("text", [
    "Verfügung\nMigrationsamt des Kantons Zürich\nBerninastrasse 45\n8090 Zürich\nDas Gesuch wird abgewiesen.",
    "Advokatur Keller & Partner\nBahnhofplatz 9\n8001 Zürich\nSehr geehrte Damen und Herren",
    # a private sender's block and the addressee's: which is the person's is open
    "Hans Meier\nDorfstrasse 3\n8000 Zürich\nAhmad Popal\nSeestrasse 12\n8002 Zürich\nKündigung",
])
def test_address_blocks_that_are_not_the_persons(text: str) -> None:
    fields = extract_fields(text, today=TODAY)
    assert "surname" not in fields and "address" not in fields


def test_a_salutation_and_a_surname_over_an_address() -> None:
    fields = extract_fields("Versicherungsausweis\nFrau\nTekle\nDorfstrasse 96\n8406 Winterthur", today=TODAY)
    assert fields["surname"].value == "Tekle" and "givenNames" not in fields
    assert fields["address"].value == "Dorfstrasse 96, 8406 Winterthur"


@pytest.mark.parametrize("line", [
    "Sehr geehrte Frau Anna Meier",  # the addressee in a sentence (the caseworker), not the person
    "Herrn Dr. Meier",  # a title and one name: no full name
    "Frau Meier",
])
def test_salutations_that_name_no_person(line: str) -> None:
    assert "surname" not in extract_fields(f"Migrationsamt\n{line}\nBetreff: Gesuch", today=TODAY)


# The person's address on documents that name them with labels (forms, reports, letters with a
# name block); never another party's address on the same page.
POLICE_REPORT = """\
Polizeirapport
Ereignisort: Baustelle Wankdorffeldstrasse 80, 3014 Bern
Beschuldigte Person
Name: HADDAD
Vorname: Dalia
Geburtsdatum: 01.02.1990
Ausweis: Reisepass Nr. X1234567
Adresse: Allmendstrasse 25a, 8406 Winterthur
Sachverhalt
"""
APPLICATION_FORM = """\
Gesuch um Aufenthaltsbewilligung
1. Angaben zur Person
Name: Haddad
Vorname: Dalia
2. Adresse in der Schweiz
Strasse, Nr.: Zürcherstrasse 112
PLZ, Ort: 8406 Winterthur    Kanton: ZH
5. Arbeitgeber und Stelle
Firma: Bau Huber AG
Adresse: Industriestrasse 21, 8404 Winterthur
"""


@pytest.mark.parametrize(("text", "address"), [
    (POLICE_REPORT, "Allmendstrasse 25a, 8406 Winterthur"),  # not the place of the event
    (APPLICATION_FORM, "Zürcherstrasse 112, 8406 Winterthur"),  # street and postcode lines; not the employer's
    ("Bescheid\nName: Arslan\nVorname(n): Fatma\nstraße, Nr.: Hauptstraße 76\nPLZ, Ort: 04109 Leipzig",
     "Hauptstraße 76, 04109 Leipzig"),
    ("Contratto\nCognome: Rossi\nIndirizzo: Via Nassa 5, 6900 Lugano\nNome: Mario", "Via Nassa 5, 6900 Lugano"),
    ("IDENTITÄTSKARTE\nName: Arslan\nVorname(n): Fatma\nAnschrift Hauptstrasse 76, 7998 Bern",
     "Hauptstrasse 76, 7998 Bern"),
    # a letter's address block, its salutation line naming the labelled person (surname in capitals)
    ("Verfügung\nHerr\nRami AL HASSAN\nZürcherstr. 112\n8406 Winterthur\nName: Al Hassan\nVorname: Rami",
     "Zürcherstr. 112, 8406 Winterthur"),
    ("Décision\nMonsieur Dawit TESFAYE\n12, Rue du Lac\n1003 Lausanne\nNom: Tesfaye\nPrénom(s): Dawit",
     "12, Rue du Lac, 1003 Lausanne"),  # number first, the street word capitalised
])
def test_the_address_of_a_person_named_by_labels(text: str, address: str) -> None:
    assert extract_fields(text, document_types=set(), today=TODAY)["address"].value == address


@pytest.mark.parametrize(("block", "surname"), [
    ("Frau Maria Jose FERNÁNDEZ CASTRO", "FERNÁNDEZ CASTRO"),  # the surname in capitals
    ("Frau\nMaria Jose Fernández Castro", "Fernández Castro"),  # the words that are not the given names
])
def test_a_letter_that_labels_only_the_given_names_takes_the_surname_from_its_address_block(
        block: str, surname: str) -> None:
    text = f"Lohnabrechnung März\n{block}\nLindenweg 120\n8400 Winterthur\nVorname(n): Maria Jose\nBruttolohn 5'400.00"
    fields = extract_fields(text, document_types=set(), today=TODAY)
    assert (fields["surname"].value, fields["givenNames"].value) == (surname, "Maria Jose")
    assert fields["address"].value == "Lindenweg 120, 8400 Winterthur"
    # a block that names someone else gives neither
    other = extract_fields(text.replace("Maria Jose", "Ana", 1), document_types=set(), today=TODAY)
    assert "surname" not in other and "address" not in other


@pytest.mark.parametrize("text", [
    # the employer's address on a form: "Firma:" is the nearest label above it
    APPLICATION_FORM.split("2. Adresse", maxsplit=1)[0] + "Geburtsdatum: 01.02.1990\n5. Arbeitgeber und Stelle\n"
    "Firma: Bau Huber AG\nAdresse: Industriestrasse 21, 8404 Winterthur",
    # ... or the party named inside the label
    "Gesuch\nName: Haddad\nVorname: Dalia\nName des Arbeitgebers: Bau Huber AG\n"
    "Adresse: Industriestrasse 21, 8404 Winterthur",
    # the address block of a letter to the person's lawyer
    "Verfügung\nHerr\nlic. iur. Peter Meier\nBahnhofstrasse 1\n8001 Zürich\nName: Al Hassan\nVorname: Rami",
    # a police report's place of the event
    "Procès-verbal\nPrénom(s): Saleh\nNom: Abdallah\nLieu: Chemin des Vignes 28, 1699 Fribourg",
    # an address label far from the person's block
    "Name: Haddad\nVorname: Dalia\n" + "Text ohne Bezeichnung\n" * 9 + "Adresse: Seestrasse 1, 8002 Zürich",
])
def test_no_other_partys_address_is_taken_for_the_persons(text: str) -> None:
    assert "address" not in extract_fields(text, document_types=set(), today=TODAY)


def test_name_labels_win_over_the_address_block() -> None:
    text = "Herr Rami Al Hassan\nName: AL HASSAN\nVorname: Rami Karim"
    assert extract_fields(text, today=TODAY)["givenNames"].value == "Rami Karim"


def test_the_offices_dossier_number_quoted_in_a_letter() -> None:
    text = "Ihr Zeichen: D-F45176E07A04\nSehr geehrte Damen und Herren"
    assert extract_fields(text, today=TODAY)["dossierNumber"].value == "D-F45176E07A04"
    assert extract_fields("Votre référence D - F45176EO7AO4", today=TODAY)["dossierNumber"].value == \
        "D-F45176E07A04"  # O read for 0
    assert extract_fields("Vostro riferimento: D-CESDCADEO1E5", today=TODAY)["dossierNumber"].value == \
        "D-CE5DCADE01E5"  # S read for 5 (an identity page of the bench, through the OCR)
    assert "dossierNumber" not in extract_fields("Dossiers D-F45176E07A04 und D-0123456789AB", today=TODAY)
    assert "dossierNumber" not in extract_fields("Ref. D-F45176E07A0", today=TODAY)  # 11 digits
    assert "dossierNumber" not in extract_fields("Vertrag XD-F45176E07A04-2", today=TODAY)


def test_zemis_number_needs_its_label() -> None:
    assert extract_fields("ZEMIS-Nr. 1234.5678", today=TODAY)["zemisNumber"].value == "12345678"
    assert extract_fields("ZEMIS: 87654321", today=TODAY)["zemisNumber"].value == "87654321"
    assert "zemisNumber" not in extract_fields("Referenz 12345678", today=TODAY)
    assert "zemisNumber" not in extract_fields("ZEMIS-Nr. 123456789", today=TODAY)


# --- recognize -------------------------------------------------------------------------------


def test_recognize_passport() -> None:
    r = recognize(PASSPORT, today=TODAY)
    assert isinstance(r, Recognition)
    assert r.document_type is T.PASSPORT and not r.needs_review
    assert r.mrz is not None and r.mrz.valid
    assert r.fields["documentNumber"].value == "C01X00T47"
    assert r.fields["documentNumber"].source is FieldSource.MRZ


def test_recognize_contract_extracts_type_fields() -> None:
    r = recognize(EMPLOYMENT_DE, today=TODAY)
    assert r.document_type is T.EMPLOYMENT_CONTRACT
    assert r.mrz is None
    assert r.fields["employer"].value == "Muster Bau AG"
    assert "address" not in r.fields


def test_recognize_empty_text() -> None:
    r = recognize("", today=TODAY)
    assert r.document_type is T.OTHER and r.needs_review and r.fields == {} and r.mrz is None


def test_fields_serialise_like_document_fields() -> None:
    r = recognize(RENTAL_DE, today=TODAY)
    dumped = {k: v.model_dump(mode="json") for k, v in r.fields.items()}
    assert dumped["moveInDate"] == {"value": "2025-05-01", "confidence": 0.8, "source": "text"}


@pytest.mark.parametrize(("text", "expected"), [
    # two labels on one line: the second ends the first value
    ("Name: AL HASSAN Vorname: Rami\nGeburtsdatum: 14.03.1991", {"surname": "AL HASSAN", "givenNames": "Rami"}),
    # surnames that begin like a label word are still names
    ("Nachname: Ortega\nVorname: Luis", {"surname": "Ortega", "givenNames": "Luis"}),
    ("Name: Nomura", {"surname": "Nomura"}),
])
def test_names_next_to_labels(text: str, expected: dict[str, str]) -> None:
    fields = extract_fields(text)
    assert {k: fields[k].value for k in expected if k in fields} == expected


@pytest.mark.parametrize(("text", "given"), [
    ("Name: Osman\nVornamen): Yusuf\n", "Yusuf"),  # OCR lost the "(" of "Vorname(n)"
    ("Nom: Bondar\nPrenomis): Tetiana\n", "Tetiana"),  # ... and read "(s" as "is"
    ("Nom: Bondar\nPrénom(s): Tetiana\n", "Tetiana"),
])
def test_given_name_labels_with_a_misread_bracket(text: str, given: str) -> None:
    assert extract_fields(text, today=TODAY)["givenNames"].value == given
