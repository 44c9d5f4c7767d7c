"""Document type classifier: realistic short OCR texts per type (German, French, some
Italian), the hard cases (a lawyer's letter about a permit, a decision quoting a judgment),
OCR noise and the meaning of the confidence."""

from __future__ import annotations

import pytest

from eakte.models.document import DocumentType as T
from eakte.recognition import recognize
from eakte.recognition.calibration import review_threshold
from eakte.recognition.classifier import _layout, classify
from eakte.recognition.normalize import fold

# Explicit, on the keyword classifier's own confidence scale: strong evidence lands at or above
# it, weak evidence below. Not the review threshold in force, which is calibrated on held-out
# data for the trained model (eakte.recognition.calibration, tests/unit/test_recognition_calibration.py).
CONFIDENT = 0.6

SAMPLES: dict[str, tuple[T, str]] = {
    "passport_de": (T.PASSPORT, """\
BUNDESREPUBLIK DEUTSCHLAND
REISEPASS / PASSPORT / PASSEPORT
Typ/Type/Type P  Kode/Code/Code D  Pass-Nr./Passport No./Passeport No. C01X00T47
Name/Surname/Nom
MUSTERMANN
Vornamen/Given names/Prénoms
ERIKA
Geburtstag/Date of birth/Date de naissance 12.08.1964
Staatsangehörigkeit/Nationality/Nationalité DEUTSCH
Geburtsort/Place of birth/Lieu de naissance BERLIN
Gültig bis/Date of expiry/Date d'expiration 31.03.2031
P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<
C01X00T478D<<6408125F3103315<<<<<<<<<<<<<<<2
"""),
    "passport_fr_nomrz": (T.PASSPORT, """\
CONFÉDÉRATION SUISSE
PASSEPORT
Type P Code CHE No du passeport X1234567
Nom Muster
Prénom(s) Hans
Nationalité Suisse
Date de naissance 01.02.1985
Lieu d'origine Bern BE
Date d'expiration 01.02.2030
"""),
    "id_de": (T.IDENTITY_CARD, """\
BUNDESREPUBLIK DEUTSCHLAND
PERSONALAUSWEIS
IDENTITY CARD CARTE D'IDENTITÉ
Name MUSTERMANN
Vornamen ERIKA
Geburtstag 12.08.1964
Staatsangehörigkeit DEUTSCH
Gültig bis 31.10.2020
IDD<<T220001293<<<<<<<<<<<<<<<
6408125<2010315D<<<<<<<<<<<<<4
MUSTERMANN<<ERIKA<<<<<<<<<<<<<
"""),
    "permit_ch": (T.RESIDENCE_PERMIT, """\
Schweizerische Eidgenossenschaft
Ausländerausweis / Livret pour étrangers / Libretto per stranieri
B Aufenthaltsbewilligung
Name: YILMAZ
Vorname: AHMET
Staatsangehörigkeit: TUR
Geburtsdatum: 12.03.1990
Kontrollfrist: 30.04.2026
Zweck: Erwerbstätigkeit
"""),
    "permit_de_mrz": (T.RESIDENCE_PERMIT, """\
AUFENTHALTSTITEL
ARD<<Y123456782<<<<<<<<<<<<<<<
9003129M2904308TUR<<<<<<<<<<<2
YILMAZ<<AHMET<<<<<<<<<<<<<<<<<
"""),
    "visa": (T.VISA, """\
VISA
Gültig für / Valid for: Schengener Staaten
Von 01-06-2024 bis 30-06-2024
Typ des Visums C  Anzahl der Einreisen MULT  Dauer des Aufenthalts 30 Tage
Name, Vorname TRAVELER, HAPPY
VNUSATRAVELER<<HAPPY<<<<<<<<<<<<<<<<<<<<<<<<
1234567897CAN6612120M1407282B3XLC000FD142955
"""),
    "app_ch": (T.APPLICATION_FORM, """\
Kanton Zürich
Migrationsamt
Gesuch um Erteilung einer Aufenthaltsbewilligung
(Familiennachzug)
1. Angaben zur Person
Name: Yilmaz        Vorname(n): Ayse
Geburtsdatum: 05.07.1992    Staatsangehörigkeit: Türkei
☐ ledig ☒ verheiratet ☐ geschieden
2. Aufenthaltszweck
☒ Familiennachzug ☐ Erwerbstätigkeit ☐ Ausbildung
Ort, Datum: Zürich, 12.01.2025      Unterschrift der gesuchstellenden Person
"""),
    "app_de": (T.APPLICATION_FORM, """\
Landratsamt Musterkreis - Ausländerbehörde
Antrag auf Erteilung eines Aufenthaltstitels
Angaben zur antragstellenden Person
Familienname: Nguyen
Vorname(n): Van An
Geburtsdatum: 1990-03-12
Staatsangehörigkeit: vietnamesisch
Zutreffendes bitte ankreuzen [x] Erstantrag [ ] Verlängerung [ ] Familiennachzug
Ort, Datum ____________ Unterschrift des Antragstellers ____________
"""),
    "app_fr": (T.APPLICATION_FORM, """\
Service de la population
Demande d'autorisation de séjour
Formulaire à remplir en majuscules
Nom: DIALLO   Prénom(s): Mamadou
Date de naissance: 14 mars 1988   Nationalité: sénégalaise
Motif du séjour: □ activité lucrative □ regroupement familial □ formation
Lieu et date ______ Signature du requérant ______
"""),
    "emp_de": (T.EMPLOYMENT_CONTRACT, """\
Arbeitsvertrag
zwischen
Muster Bau AG, Industriestrasse 5, 8005 Zürich (nachfolgend Arbeitgeberin)
und
Herrn Ahmet Yilmaz, geb. 12.03.1990 (nachfolgend Arbeitnehmer)
1. Stellenantritt: Das Arbeitsverhältnis beginnt am 1. April 2025.
2. Funktion: Der Arbeitnehmer wird als Maurer eingestellt.
3. Probezeit: Die Probezeit beträgt drei Monate.
4. Lohn: Der Bruttolohn beträgt CHF 5'200.– pro Monat, 13 Monatslöhne.
5. Kündigungsfrist: nach der Probezeit zwei Monate.
Ort, Datum                Unterschrift Arbeitgeberin        Unterschrift Arbeitnehmer
"""),
    "emp_fr": (T.EMPLOYMENT_CONTRACT, """\
CONTRAT DE TRAVAIL
entre
Boulangerie Dupont Sàrl, Rue de la Gare 12, 1003 Lausanne (ci-après l'employeur)
et
Madame Fatou Diallo, née le 3 mai 1991 (ci-après l'employée)
Art. 1 Entrée en fonction: le 1er septembre 2024
Art. 2 Fonction: vendeuse, taux d'activité 80 %
Art. 3 Période d'essai: trois mois
Art. 4 Salaire mensuel brut: CHF 4'100.-
Art. 5 Délai de congé: un mois
"""),
    "police_ch": (T.POLICE_REPORT, """\
Kantonspolizei Zürich
Polizeirapport
Tagebuchnummer: 2024-123456
Sachverhalt
Am 14.02.2024 um 22:15 Uhr wurde der Beschuldigte YILMAZ Ahmet, geb. 12.03.1990,
türkischer Staatsangehöriger, anlässlich einer Personenkontrolle am Hauptbahnhof
angehalten. Er konnte keine gültige Aufenthaltsbewilligung vorweisen.
Widerhandlung gegen das Ausländer- und Integrationsgesetz (AIG).
Rapportierender: Wm Muster
"""),
    "police_de": (T.POLICE_REPORT, """\
Polizeipräsidium Musterstadt
Strafanzeige
Vorgangsnummer: 123/24
Tatzeit: 03.03.2024, 14:30 Uhr   Tatort: Bahnhofstraße 3
Tatverdächtiger: Nguyen, Van An, geb. 12.03.1990
Delikt: Ladendiebstahl
Sachbearbeiter: POK Schmidt
"""),
    "police_fr": (T.POLICE_REPORT, """\
Police cantonale vaudoise
Rapport de police
Prévenu: DIALLO Mamadou, né le 14.03.1988, ressortissant sénégalais
Le 2 juin 2024, lors d'un contrôle à la gare de Lausanne, le prévenu n'a pas pu présenter de titre de séjour valable.
Infraction à la loi fédérale sur les étrangers et l'intégration.
"""),
    "rent_de": (T.RENTAL_AGREEMENT, """\
Mietvertrag für Wohnräume
Vermieter: Immobilien Muster GmbH, Seestrasse 10, 8002 Zürich
Mieter: Ahmet Yilmaz
Mietobjekt: 3-Zimmer-Wohnung, 2. Stock, Langstrasse 12, 8004 Zürich
Mietbeginn: 01.05.2025
Nettomietzins: CHF 1'650.– Nebenkosten: CHF 180.–
Mietkaution: CHF 4'950.–
"""),
    "rent_fr": (T.RENTAL_AGREEMENT, """\
CONTRAT DE BAIL À LOYER pour locaux d'habitation
Bailleur: Régie du Lac SA, Avenue de la Gare 5, 1003 Lausanne
Locataire: Fatou Diallo
Objet loué: appartement de 2.5 pièces, Chemin des Roses 8, 1004 Lausanne
Début du bail: 1er juillet 2024
Loyer mensuel net: CHF 1'350.- Charges: CHF 150.-
Garantie de loyer: CHF 4'050.-
"""),
    "payslip_de": (T.PAYSLIP, """\
Muster Bau AG
Lohnabrechnung März 2025
Mitarbeiter: Ahmet Yilmaz   AHV-Nr. 756.1234.5678.97
Bruttolohn 5'200.00
AHV/IV/EO 5.3% -275.60
ALV 1.1% -57.20
BVG -210.00
NBU -62.40
Quellensteuer -312.00
Nettolohn 4'282.80
Auszahlung auf Konto CH93 0076 2011 6238 5295 7
"""),
    "payslip_fr": (T.PAYSLIP, """\
Boulangerie Dupont Sàrl
Fiche de salaire - août 2024
Employée: Fatou Diallo
Salaire brut 4'100.00
AVS/AI/APG -217.30
AC -45.10
LPP -150.00
Impôt à la source -250.00
Salaire net 3'437.60
"""),
    "birth_de": (T.BIRTH_CERTIFICATE, """\
Standesamt Musterstadt
Geburtsurkunde
(Geburtenregister Nr. 123/1990)
Familienname: Nguyen
Vornamen: Van An
Geschlecht: männlich
Tag der Geburt: 12. März 1990
Ort der Geburt: Hanoi, Vietnam
Mutter: Nguyen Thi Lan
Vater: Nguyen Van Binh
"""),
    "birth_fr": (T.BIRTH_CERTIFICATE, """\
République du Sénégal
Extrait d'acte de naissance
Nom: DIALLO
Prénom: Mamadou
Né le: 14 mars 1988 à Dakar
Père: Ousmane Diallo
Mère: Aminata Ba
Officier de l'état civil
"""),
    "marriage_de": (T.MARRIAGE_CERTIFICATE, """\
Standesamt Musterstadt
Eheurkunde
Ehemann: Yilmaz, Ahmet, geboren am 12.03.1990 in Ankara
Ehefrau: Yilmaz geb. Demir, Ayse, geboren am 05.07.1992 in Izmir
Datum der Eheschließung: 20.06.2019
"""),
    "marriage_fr": (T.MARRIAGE_CERTIFICATE, """\
Extrait d'acte de mariage
Le 20 juin 2019 a été célébré le mariage de
Époux: DIALLO Mamadou, né le 14 mars 1988
Épouse: BA Aminata, née le 2 février 1990
Officier de l'état civil
"""),
    "court_ch": (T.COURT_DECISION, """\
Bundesverwaltungsgericht
Abteilung VI
F-1234/2023
Urteil vom 12. März 2024
Besetzung Richterin A. Muster (Vorsitz), Richter B. Beispiel, Gerichtsschreiber C. Schreiber
Parteien Ahmet Yilmaz, Beschwerdeführer,
gegen Staatssekretariat für Migration SEM, Vorinstanz.
Gegenstand Einreiseverbot.
Demnach erkennt das Bundesverwaltungsgericht: Die Beschwerde wird abgewiesen.
"""),
    "court_fr": (T.COURT_DECISION, """\
Tribunal cantonal
Cour de droit administratif et public
Arrêt du 5 mai 2024
Composition: M. Dupont, président; Mme Martin, juge; greffière: Mme Roux
Recours de Mamadou Diallo contre la décision du Service de la population
Par ces motifs, la Cour de droit administratif et public prononce: le recours est rejeté.
"""),
    "decision_ch": (T.DECISION_NOTICE, """\
Migrationsamt des Kantons Zürich
Herrn Ahmet Yilmaz
Langstrasse 12
8004 Zürich
Zürich, 15. Mai 2024
Verfügung
betreffend Nichtverlängerung der Aufenthaltsbewilligung
Sachverhalt:
A. Mit Urteil vom 12. März 2024 hat das Bundesverwaltungsgericht die Beschwerde abgewiesen.
Erwägungen:
1. Gemäss Urteil des Bundesgerichts 2C_123/2023 ist ...
Das Migrationsamt verfügt:
1. Die Aufenthaltsbewilligung wird nicht verlängert.
2. Der Gesuchsteller hat die Schweiz bis 31. August 2024 zu verlassen.
Rechtsmittelbelehrung: Gegen diese Verfügung kann innert 30 Tagen Rekurs erhoben werden.
"""),
    "decision_de": (T.DECISION_NOTICE, """\
Landratsamt Musterkreis
Ausländerbehörde
Bescheid
Sehr geehrter Herr Nguyen,
Ihr Antrag auf Erteilung einer Aufenthaltserlaubnis vom 01.02.2024 wird abgelehnt.
Begründung: Nach dem Urteil des Bundesverwaltungsgerichts vom 10.10.2020 ...
Sie sind verpflichtet, das Bundesgebiet innerhalb eines Monats zu verlassen. Die Abschiebung wird angedroht.
Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats Klage erhoben werden.
Mit freundlichen Grüßen
"""),
    "decision_fr": (T.DECISION_NOTICE, """\
Service de la population
Décision
concernant le refus de prolongation de l'autorisation de séjour de Monsieur Mamadou Diallo
En fait: ...
En droit: selon l'arrêt du Tribunal fédéral 2C_456/2022, ...
Par ces motifs, le Service de la population décide:
1. L'autorisation de séjour n'est pas prolongée.
2. Un délai de départ au 30 septembre 2024 est imparti.
Voies de droit: la présente décision peut faire l'objet d'un recours dans les 30 jours.
"""),
    "health_ch": (T.HEALTH_INSURANCE, """\
Helsana Versicherungen AG
Versicherungspolice 2025
Versicherte Person: Ahmet Yilmaz, geb. 12.03.1990
Obligatorische Krankenpflegeversicherung nach KVG
Franchise CHF 300  Monatsprämie CHF 412.50
"""),
    "health_fr": (T.HEALTH_INSURANCE, """\
Groupe Mutuel
Attestation d'assurance
Assurance obligatoire des soins selon la LAMal
Assurée: Fatou Diallo
Franchise: CHF 2'500  Prime mensuelle: CHF 389.00
"""),
    "lang_de": (T.LANGUAGE_CERTIFICATE, """\
Goethe-Institut
Goethe-Zertifikat B1
Prüfungsteilnehmer: Nguyen, Van An, geboren am 12.03.1990
Lesen 80/100 Hören 75/100 Schreiben 70/100 Sprechen 85/100
Bestanden
Niveau B1 des Gemeinsamen Europäischen Referenzrahmens
"""),
    "lang_fr": (T.LANGUAGE_CERTIFICATE, """\
Passeport des langues fide
Attestation de langue
Niveau A2 à l'oral, A1 à l'écrit selon le Cadre européen commun de référence
Mamadou Diallo, né le 14.03.1988
"""),
    "lawyer_de": (T.CORRESPONDENCE, """\
Advokatur Muster
lic. iur. Hans Muster, Rechtsanwalt
Bahnhofstrasse 1, 8001 Zürich
Migrationsamt des Kantons Zürich
Berninastrasse 45
8090 Zürich
Zürich, 3. März 2025
Aufenthaltsbewilligung B von Herrn Ahmet Yilmaz
Sehr geehrte Damen und Herren
In obenerwähnter Angelegenheit zeige ich Ihnen an, dass mich Herr Yilmaz mit der Wahrung
seiner Interessen beauftragt hat. Mein Mandant ersucht um Verlängerung seiner
Aufenthaltsbewilligung, die am 30. April 2025 abläuft. Eine Kopie seines Arbeitsvertrages
liegt bei.
Mit freundlichen Grüssen
lic. iur. Hans Muster
"""),
    "lawyer_fr": (T.CORRESPONDENCE, """\
Étude d'avocats Dupont & Associés
Me Jean Dupont, avocat
Service de la population
Lausanne, le 4 mars 2025
Concerne: autorisation de séjour de Madame Fatou Diallo
Madame, Monsieur,
Je vous informe que je représente les intérêts de Madame Diallo. Ma mandante sollicite
le renouvellement de son permis de séjour B. Je vous remets en annexe son contrat de
travail.
Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.
"""),
    "id_fr": (T.IDENTITY_CARD, """\
CONFÉDÉRATION SUISSE
CARTE D'IDENTITÉ / IDENTITÄTSKARTE
Nom MUSTER
Prénom(s) ANNA
Date de naissance 01.02.1985
Lieu d'origine Bern BE
Taille 168
"""),
    "permit_fr": (T.RESIDENCE_PERMIT, """\
Confédération suisse
Livret pour étrangers
Autorisation de séjour B
Nom: DIALLO
Prénom: Mamadou
Nationalité: SEN
Délai de contrôle: 14.03.2027
"""),
    "visa_fr": (T.VISA, """\
VISA SCHENGEN
Valable pour: États Schengen
Type de visa: D   Nombre d'entrées: 1   Durée du séjour: 90 jours
Nom, Prénom: DIALLO, Mamadou
Remarques: regroupement familial
"""),
    "health_de": (T.HEALTH_INSURANCE, """\
AOK Bayern - Die Gesundheitskasse
Mitgliedsbescheinigung
Hiermit bestätigen wir, dass Herr Van An Nguyen, geb. 12.03.1990, seit dem 01.01.2024
in der gesetzlichen Krankenversicherung versichert ist.
Versichertennummer: A123456789
"""),
    "payslip_it": (T.PAYSLIP, """\
Rossi SA
Conteggio salario - marzo 2025
Salario lordo 5'000.00
AVS/AI/IPG -265.00
Salario netto 4'300.00
"""),
    "permit_it": (T.RESIDENCE_PERMIT, """\
Libretto per stranieri
Permesso di dimora B
Cognome: ROSSI
Nome: MARIO
"""),
    "contract_it_individual": (T.EMPLOYMENT_CONTRACT, """\
Contratto individuale di lavoro
Cognome: Hamdan
Inizio del rapporto: 29.10.2024
Salario lordo CHF 4'750 al mese
"""),
    "police_fr_denonciation": (T.POLICE_REPORT, """\
Dénonciation
Nom: ABRAHA
Agent rapporteur: sgt Tekle ABRAHA
La personne n'a pas pu s'identifier.
"""),
    "court_it_decisione": (T.COURT_DECISION, """\
Decisione del Tribunale amministrativo
Cognome: Haddad
Nome: Dalya
nella causa Dalya Haddad, ricorrente, contro Sezione della popolazione
Il ricorso è respinto.
Incarto n. 2024.97049
"""),
    "decision_it": (T.DECISION_NOTICE, """\
Sezione della popolazione
Decisione
Il permesso di dimora non è rinnovato.
Rimedi giuridici: contro la presente decisione è dato ricorso entro 30 giorni.
"""),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_is_classified(name: str) -> None:
    expected, text = SAMPLES[name]
    c = classify(text)
    assert c.document_type is expected, (c.document_type, c.evidence)
    assert c.confidence >= CONFIDENT
    assert c.confidence == max(c.probabilities.values()) or c.confidence == 0.99


def test_every_code_is_covered_by_samples_or_other() -> None:
    covered = {t for t, _ in SAMPLES.values()} | {T.OTHER}
    assert covered == set(T)


def test_scores_and_probabilities_cover_all_types() -> None:
    c = classify(SAMPLES["rent_de"][1])
    assert set(c.scores) == set(T) and set(c.probabilities) == set(T)
    assert abs(sum(c.probabilities.values()) - 1) < 1e-3
    assert all(0 <= p <= 1 for p in c.probabilities.values())
    assert c.evidence and c.evidence[0] == "mietvertrag*"


@pytest.mark.parametrize("text", ["", "   \n\f  \n", "Seite 1 von 2", "12.03.2024 / 4711",
                                  "Bitte beachten Sie die Frist bis Ende Monat. Vielen Dank."])
def test_empty_or_meaningless_text_is_other_below_threshold(text: str) -> None:
    c = classify(text)
    assert c.document_type is T.OTHER
    assert c.confidence < CONFIDENT


# --- hard cases ----------------------------------------------------------------------------

LAWYER_WITH_BETREFF = """\
Rechtsanwältin Dr. iur. Petra Beispiel
Kanzlei am Markt, Marktplatz 3, 3011 Bern
Amt für Migration und Personenstand
Bern, 12. Februar 2025
Betreff: Aufenthaltsbewilligung / Niederlassungsbewilligung C – Herr Ardit Krasniqi
Sehr geehrte Damen und Herren
Namens und im Auftrag meines Mandanten ersuche ich um Erteilung der Niederlassungsbewilligung.
Die Aufenthaltsbewilligung B meines Mandanten ist bis 30. Juni 2025 gültig.
Freundliche Grüsse
"""


def test_lawyer_letter_about_a_permit_is_correspondence() -> None:
    for text in (SAMPLES["lawyer_de"][1], SAMPLES["lawyer_fr"][1], LAWYER_WITH_BETREFF):
        c = classify(text)
        assert c.document_type is T.CORRESPONDENCE, c.evidence
        assert c.confidence >= CONFIDENT
        assert c.scores[T.RESIDENCE_PERMIT] < c.scores[T.CORRESPONDENCE] / 2


def test_decision_quoting_a_judgment_is_decision_notice() -> None:
    for name in ("decision_ch", "decision_de", "decision_fr"):
        c = classify(SAMPLES[name][1])
        assert c.document_type is T.DECISION_NOTICE
        assert c.scores[T.COURT_DECISION] > 0  # the judgment is seen ...
        assert c.scores[T.COURT_DECISION] < c.scores[T.DECISION_NOTICE] / 2  # ... as a mention


def test_judgment_itself_is_court_decision() -> None:
    for name in ("court_ch", "court_fr"):
        assert classify(SAMPLES[name][1]).document_type is T.COURT_DECISION


def test_application_form_naming_a_permit_is_application_form() -> None:
    for text in ("Gesuch um Erteilung einer Aufenthaltsbewilligung\nName: Muster\nVorname: Hans",
                 "Antrag auf Erteilung eines Aufenthaltstitels\nFamilienname: Muster",
                 "Demande d'autorisation de séjour\nNom: Dupont\nPrénom: Jean"):
        c = classify(text)
        assert c.document_type is T.APPLICATION_FORM, c.evidence
        assert c.scores[T.RESIDENCE_PERMIT] < c.scores[T.APPLICATION_FORM]


def test_police_report_mentioning_a_permit_stays_police_report() -> None:
    c = classify(SAMPLES["police_ch"][1])
    assert c.document_type is T.POLICE_REPORT
    assert c.scores[T.RESIDENCE_PERMIT] < 0.3 * c.scores[T.POLICE_REPORT]


def test_subject_line_does_not_make_the_title() -> None:
    base = "Sehr geehrte Frau Muster\nwir bitten Sie um Zustellung der Unterlagen.\nFreundliche Grüsse"
    c = classify("Betreff: Arbeitsvertrag und Lohnabrechnungen\n" + base)
    assert c.document_type is T.CORRESPONDENCE


# --- MRZ evidence ----------------------------------------------------------------------------

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
PERMIT_TD1 = "ARD<<Y123456782<<<<<<<<<<<<<<<\n9003129M2904308TUR<<<<<<<<<<<2\nYILMAZ<<AHMET<<<<<<<<<<<<<<<<<"
FOREIGN_CARD = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159ZZZ<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
NATIONAL_CARD = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
VISA = "VNUSATRAVELER<<HAPPY<<<<<<<<<<<<<<<<<<<<<<<<\n1234567897CAN6612120M1407282B3XLC000FD142955"


@pytest.mark.parametrize(("text", "expected"), [
    (TD3, T.PASSPORT), (PERMIT_TD1, T.RESIDENCE_PERMIT), (NATIONAL_CARD, T.IDENTITY_CARD),
    (VISA, T.VISA),
])
def test_mrz_alone_decides_identity_documents(text: str, expected: T) -> None:
    c = classify(text)
    assert c.document_type is expected
    assert c.confidence >= CONFIDENT


def test_card_for_a_foreign_national_counts_as_residence_permit() -> None:
    # composite check still fine: nationality is not part of the TD1 composite
    c = classify(FOREIGN_CARD)
    assert c.scores[T.RESIDENCE_PERMIT] > c.scores[T.IDENTITY_CARD]


def test_mrz_can_be_passed_in_instead_of_searched() -> None:
    from eakte.recognition.mrz import find_mrz

    text = "Seite 2\n" + TD3
    without = classify(text, None, detect_mrz=False)
    searched = classify(text)
    given = classify(text, find_mrz(text), detect_mrz=False)
    assert without.scores[T.PASSPORT] == 0
    assert searched.scores[T.PASSPORT] == given.scores[T.PASSPORT] > 10
    assert "MRZ P" in given.evidence


# --- OCR noise -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("ARBEITSVERTRAC\nzwischen Muster AG und Herrn Kaya\nDer Arbeitnehmer beginnt am 1.4.2025.",
     T.EMPLOYMENT_CONTRACT),
    ("Aufenthaltsbewi11igung\nName: Muster\nVorname: Hans", T.RESIDENCE_PERMIT),
    ("V E R F Ü G U N G\nDas Migrationsamt verfügt: Das Gesuch wird abgewiesen.", T.DECISION_NOTICE),
    ("Verfuegung\nRechtsmittelbelehrung: innert 30 Tagen", T.DECISION_NOTICE),
    ("Gesuch urn Erteilung einer Aufenthalts-\nbewilligung\nName: Kaya", T.APPLICATION_FORM),
    ("MIETVERTRAG\nVermieter: Muster Immobilien AG\nMieter: Kaya Deniz\nMietzins CHF 1200", T.RENTAL_AGREEMENT),
    ("Lohnabrechnumg Januar 2025\nBruttolohn 4'000.00\nNettolohn 3'400.00", T.PAYSLIP),
    ("GEBURTSUPKUNDE\nVater: Kaya Ali\nMutter: Kaya Elif", T.BIRTH_CERTIFICATE),
    ("contrat de travall\nEmployeur: Dupont SA\nPériode d'essai: 3 mois", T.EMPLOYMENT_CONTRACT),
])
def test_ocr_noise_is_tolerated(text: str, expected: T) -> None:
    c = classify(text)
    assert c.document_type is expected, c.evidence
    assert c.confidence >= CONFIDENT


# --- confidence ------------------------------------------------------------------------------


def test_body_mention_alone_is_not_enough() -> None:
    c = classify("Wir bestätigen den Eingang Ihrer Unterlagen. Der Arbeitsvertrag folgt später per Post.")
    assert c.confidence < CONFIDENT


def test_title_weighs_more_than_the_same_word_in_the_body() -> None:
    filler = "Die Parteien vereinbaren Folgendes.\n" * 3
    title = classify("Arbeitsvertrag\n" + filler)
    body = classify(filler + "Hinweis: siehe beiliegenden Arbeitsvertrag.\n")
    assert title.scores[T.EMPLOYMENT_CONTRACT] > 2 * body.scores[T.EMPLOYMENT_CONTRACT]
    assert title.confidence > body.confidence


def test_confidence_grows_with_margin() -> None:
    weak = classify("Arbeitgeber: Muster AG\nArbeitnehmer: Kaya Deniz")
    strong = classify("Arbeitsvertrag\nArbeitgeber: Muster AG\nArbeitnehmer: Kaya Deniz\nProbezeit: 3 Monate")
    assert weak.document_type is strong.document_type is T.EMPLOYMENT_CONTRACT
    assert strong.confidence > weak.confidence


def test_ambiguous_text_has_low_confidence() -> None:
    # a registration form? a change-of-address notice? one weak cue only
    c = classify("Anmeldung\nName: Muster\nVorname: Hans\nZuzug von: Bern")
    assert c.confidence < CONFIDENT


def test_needs_review_property(monkeypatch: pytest.MonkeyPatch) -> None:
    import eakte.recognition.classifier as classifier

    monkeypatch.setattr(classifier, "review_threshold", lambda: 0.95)
    assert classify("").needs_review
    assert not classify(SAMPLES["emp_de"][1]).needs_review
    probable = classify("Arbeitsvertrag\nDie Parteien vereinbaren Folgendes.")
    assert probable.needs_review  # probable (>= CONFIDENT) is not enough at a threshold of 0.95
    monkeypatch.setattr(classifier, "review_threshold", lambda: CONFIDENT)
    assert not probable.needs_review


def test_one_title_word_is_probable_not_certain() -> None:
    c = classify("Arbeitsvertrag\nDie Parteien vereinbaren Folgendes.")
    assert c.document_type is T.EMPLOYMENT_CONTRACT
    assert CONFIDENT <= c.confidence < 0.9
    full = classify(SAMPLES["emp_de"][1])
    assert full.confidence > c.confidence


def test_ambiguous_word_alone_does_not_classify() -> None:
    # "Anzeige" is a criminal complaint, but also an advert or a notification
    c = classify("Anzeige\nJetzt 20% Rabatt auf alle Sofas bei Möbel Muster!")
    assert c.document_type is T.OTHER


def test_passport_copy_behind_a_form_leaves_it_a_form() -> None:
    text = SAMPLES["app_ch"][1] + "\fKopie Reisepass\n" + TD3
    c = classify(text)
    assert c.document_type is T.APPLICATION_FORM
    assert c.scores[T.PASSPORT] > 0  # the copy is still seen


LAWYER_FR_SUBJECT_PERMIT = """\
Ufficio della migrazione
Concerne: autorisation de séjour de Sameera Youssef
Nom: Youssef
Vous trouverez ci-joint une copie du contrat de travail et du passeport.
En qualité de mandataire de Sameera Youssef, je vous informe
que son permis de séjour B a été délivré le 10.06.2024.
"""


def test_a_lawyers_letter_whose_subject_names_a_permit_is_correspondence() -> None:
    """'Concerne:' is a subject line (the folding reads its 'rn' as an 'm': it was taken for a
    title, and the permit it names for the document's type). From the identity bench's pages."""
    layout = _layout(fold(LAWYER_FR_SUBJECT_PERMIT))
    assert layout.subject[1] and not layout.heading[1]
    r = recognize(LAWYER_FR_SUBJECT_PERMIT)
    assert r.document_type is T.CORRESPONDENCE and r.confidence >= review_threshold()
