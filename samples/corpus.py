"""Generated training/evaluation corpus for the document-type classifier (text level).

    from samples.corpus import corpus_documents
    docs = corpus_documents(per_type=24, seed=3)   # list[CorpusDocument]

Every one of the 17 document types in German (de-DE and de-CH wording), French and Italian,
assembled from varied titles, labelled field lines and body sentences, for persons from the
typical origin countries (samples/identities.py). Includes the hard cases: lawyers' letters
and other correspondence that *mention* permits, contracts and judgments; decision notices
that quote a judgment; application forms that list the enclosed passport copy. Letters, forms and
reports show where the person lives (_HOME: an address block, an "Adresse:" line, a form's street
and postcode lines) or another address that is not theirs (the office's, an employer's, a place).
`samples/corpus_scans.py` renders these to degraded images and OCRs them (the real OCR path).
Deterministic for a seed; the split (train / held-out) is fixed by the document's index."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from eakte.recognition.countries import icao_to_iso  # fields carry ISO 3166-1 (Kosovo: XKX, MRZ: RKS)
from samples.identities import ORIGINS, Origin, ahv_number

TYPES = ("passport", "identity_card", "residence_permit", "visa", "application_form", "birth_certificate",
         "marriage_certificate", "employment_contract", "payslip", "rental_agreement", "police_report",
         "court_decision", "decision_notice", "health_insurance", "language_certificate", "correspondence",
         "other")
LOCALES = ("de-DE", "de-CH", "fr", "it")
HELD_OUT_EVERY = 4  # one document in 4 is held out: never used for training


def is_held_out(index: int) -> bool:
    """The fixed split, by a hash of the index. Not `index % 4`: with 17 types and 4 locales
    rotating, that held out exactly the Italian documents and trained on none of them."""
    return zlib.crc32(f"corpus-{index}".encode()) % HELD_OUT_EVERY == 0

# Field labels per language: (surname, given names, birth date, nationality, address)
_LABELS = {
    "de": ("Name", "Vorname(n)", "Geburtsdatum", "Staatsangehörigkeit", "Adresse"),
    "fr": ("Nom", "Prénom(s)", "Date de naissance", "Nationalité", "Adresse"),
    "it": ("Cognome", "Nome", "Data di nascita", "Cittadinanza", "Indirizzo"),
}
_CITIES = {"de-DE": ["Berlin", "München", "Köln", "Stuttgart", "Leipzig"],
           "de-CH": ["Zürich", "Bern", "Basel", "Winterthur", "St. Gallen", "Luzern"],
           "fr": ["Genève", "Lausanne", "Neuchâtel", "Fribourg", "Sion"],
           "it": ["Lugano", "Bellinzona", "Locarno", "Mendrisio", "Chiasso"]}
_STREETS = {"de": ["Hauptstrasse", "Bahnhofstrasse", "Lindenweg", "Gartenstrasse", "Schulstrasse"],
            "fr": ["Rue de Lyon", "Avenue de la Gare", "Chemin des Vignes", "Rue du Marché"],
            "it": ["Via Cantonale", "Via della Posta", "Corso San Gottardo", "Via Nassa"]}
_COMPANIES = ["Brunner Haustechnik GmbH", "Gastro Aare AG", "Clinique des Tilleuls SA", "Logistik Meier AG",
              "Pulizie Ticino Sagl", "Bäckerei Keller GmbH", "Transports Rapides SA", "Bau Huber AG"]

# Per type and language: titles, body sentences (each {placeholders} filled from the context).
# Hard cases are written into the bodies of correspondence, decision notices and others.
_T: dict[str, dict[str, dict[str, list[str]]]] = {
    "passport": {
        "de": {"t": ["REISEPASS", "Reisepass / Passport / Passeport", "PASS"],
               "b": ["Pass-Nr. / Passport No. {docno}", "Gültig bis / Date of expiry {expiry}",
                     "Ausstellende Behörde / Authority {city}", "Unterschrift des Inhabers",
                     "Geburtsort / Place of birth {birthplace}", "Ausstellungsdatum / Date of issue {issued}"]},
        "fr": {"t": ["PASSEPORT", "Passeport / Passport"],
               "b": ["No du passeport / Passport No. {docno}", "Date d'expiration / Date of expiry {expiry}",
                     "Autorité / Authority {city}", "Signature du titulaire",
                     "Lieu de naissance / Place of birth {birthplace}", "Date de délivrance {issued}"]},
        "it": {"t": ["PASSAPORTO", "Passaporto / Passport"],
               "b": ["Passaporto n. / Passport No. {docno}", "Scadenza / Date of expiry {expiry}",
                     "Autorità / Authority {city}", "Firma del titolare", "Luogo di nascita {birthplace}",
                     "Data di rilascio / Date of issue {issued}"]},
    },
    "identity_card": {
        "de": {"t": ["PERSONALAUSWEIS", "IDENTITÄTSKARTE", "Identitätskarte / Carte d'identité"],
               "b": ["Ausweis-Nr. {docno}", "Grösse {height} cm", "Augenfarbe braun", "Heimatort {city}",
                     "Gültig bis {expiry}", "Anschrift {address}", "Zugangsnummer 123456"]},
        "fr": {"t": ["CARTE D'IDENTITÉ", "Carte nationale d'identité"],
               "b": ["No {docno}", "Taille {height} cm", "Lieu d'origine {city}", "Valable jusqu'au {expiry}",
                     "Domicile {address}"]},
        "it": {"t": ["CARTA D'IDENTITÀ", "Carta d'identità / Identitätskarte"],
               "b": ["N. {docno}", "Statura {height} cm", "Luogo d'attinenza {city}", "Valida fino al {expiry}",
                     "Domicilio {address}"]},
    },
    "residence_permit": {
        "de": {"t": ["AUFENTHALTSTITEL", "Ausländerausweis B", "Aufenthaltsbewilligung B",
                     "Niederlassungsbewilligung C", "Aufenthaltserlaubnis", "Ausweis F für vorläufig Aufgenommene"],
               "b": ["Art des Titels: {permit}", "Gültig bis {expiry}", "Kontrollfrist {expiry}",
                     "Anmerkungen: Erwerbstätigkeit gestattet", "Ausstellende Behörde: Migrationsamt {city}",
                     "Einreise {entry}", "Zweck: Erwerbstätigkeit"]},
        "fr": {"t": ["TITRE DE SÉJOUR", "Livret pour étrangers B", "Autorisation de séjour B",
                     "Permis d'établissement C"],
               "b": ["Type de permis {permit}", "Valable jusqu'au {expiry}", "Délai de contrôle {expiry}",
                     "Remarques: activité lucrative autorisée", "Entrée {entry}", "Autorité: Office de la population"]},
        "it": {"t": ["PERMESSO DI SOGGIORNO", "Libretto per stranieri B", "Permesso di dimora B",
                     "Permesso di domicilio C"],
               "b": ["Tipo di permesso {permit}", "Valido fino al {expiry}", "Termine di controllo {expiry}",
                     "Osservazioni: attività lucrativa autorizzata", "Entrata {entry}",
                     "Autorità: Sezione della popolazione"]},
    },
    "visa": {
        "de": {"t": ["VISUM", "Schengen-Visum", "VISA / VISUM"],
               "b": ["Gültig für Schengen-Staaten", "vom {entry} bis {expiry}", "Dauer des Aufenthalts 90 Tage",
                     "Anzahl der Einreisen MULT", "Art des Visums C", "Ausgestellt in {city}"]},
        "fr": {"t": ["VISA", "Visa Schengen"],
               "b": ["Valable pour États Schengen", "du {entry} au {expiry}", "Durée du séjour 90 jours",
                     "Nombre d'entrées MULT", "Type de visa C", "Délivré à {city}"]},
        "it": {"t": ["VISTO", "Visto Schengen"],
               "b": ["Valido per Stati Schengen", "dal {entry} al {expiry}", "Durata del soggiorno 90 giorni",
                     "Numero di ingressi MULT", "Tipo di visto C", "Rilasciato a {city}"]},
    },
    "application_form": {
        "de": {"t": ["Antrag auf Erteilung einer Aufenthaltsbewilligung", "Gesuch um Familiennachzug",
                     "Antrag auf Verlängerung des Aufenthaltstitels", "Formular Gesuch um Niederlassungsbewilligung"],
               "b": ["Angaben zur gesuchstellenden Person", "[x] Erstgesuch  [ ] Verlängerung",
                     "Beilagen: Kopie des Reisepasses, Arbeitsvertrag, Mietvertrag",
                     "Ich bestätige, dass die Angaben vollständig und wahr sind.",
                     "Ort, Datum, Unterschrift der gesuchstellenden Person", "Zivilstand: [ ] ledig [x] verheiratet",
                     "Bitte in Blockschrift ausfüllen"]},
        "fr": {"t": ["Demande d'autorisation de séjour", "Formulaire de demande de regroupement familial",
                     "Demande de prolongation du permis"],
               "b": ["Données personnelles du requérant", "[x] première demande [ ] prolongation",
                     "Annexes: copie du passeport, contrat de travail, bail",
                     "Je certifie que les indications sont complètes et exactes.", "Lieu, date, signature du requérant",
                     "Veuillez remplir en majuscules"]},
        "it": {"t": ["Domanda di permesso di dimora", "Modulo domanda di ricongiungimento familiare",
                     "Domanda di rinnovo del permesso"],
               "b": ["Dati personali del richiedente", "[x] prima domanda [ ] rinnovo",
                     "Allegati: copia del passaporto, contratto di lavoro, contratto di locazione",
                     "Confermo che i dati sono completi e veritieri.", "Luogo, data, firma del richiedente",
                     "Compilare in stampatello"]},
    },
    "birth_certificate": {
        "de": {"t": ["Geburtsurkunde", "Auszug aus dem Geburtsregister", "GEBURTSSCHEIN"],
               "b": ["geboren am {birth} in {birthplace}", "Vater: {father}", "Mutter: {mother}",
                     "Standesamt {city}", "Die Übereinstimmung mit dem Eintrag im Geburtenregister wird beglaubigt.",
                     "Registernummer G {regno}"]},
        "fr": {"t": ["Acte de naissance", "Extrait d'acte de naissance"],
               "b": ["né(e) le {birth} à {birthplace}", "Père: {father}", "Mère: {mother}",
                     "Office de l'état civil {city}", "Extrait certifié conforme au registre des naissances"]},
        "it": {"t": ["Atto di nascita", "Estratto dell'atto di nascita", "Certificato di nascita"],
               "b": ["nato/a il {birth} a {birthplace}", "Padre: {father}", "Madre: {mother}",
                     "Ufficio dello stato civile {city}", "Estratto conforme al registro delle nascite"]},
    },
    "marriage_certificate": {
        "de": {"t": ["Eheurkunde", "Heiratsurkunde", "Auszug aus dem Eheregister"],
               "b": ["Die Ehe wurde geschlossen am {issued} in {city}", "Ehemann: {father}", "Ehefrau: {mother}",
                     "Trauzeugen: {witness}", "Standesamt {city}", "Name nach der Eheschliessung: {surname}"]},
        "fr": {"t": ["Acte de mariage", "Certificat de mariage"],
               "b": ["Le mariage a été célébré le {issued} à {city}", "Époux: {father}", "Épouse: {mother}",
                     "Témoins: {witness}", "Officier de l'état civil"]},
        "it": {"t": ["Atto di matrimonio", "Certificato di matrimonio"],
               "b": ["Il matrimonio è stato celebrato il {issued} a {city}", "Sposo: {father}", "Sposa: {mother}",
                     "Testimoni: {witness}", "Ufficiale dello stato civile"]},
    },
    "employment_contract": {
        "de": {"t": ["Arbeitsvertrag", "Einzelarbeitsvertrag", "Arbeitsvertrag (unbefristet)"],
               "b": ["zwischen {company} (Arbeitgeberin) und {given} {surname} (Arbeitnehmer)",
                     "Stellenantritt: {start}", "Funktion: {job}", "Bruttolohn CHF {salary} pro Monat, 13 Monatslöhne",
                     "Wöchentliche Arbeitszeit 42 Stunden", "Probezeit 3 Monate", "Ferienanspruch 25 Arbeitstage",
                     "Kündigungsfrist nach der Probezeit 2 Monate"]},
        "fr": {"t": ["Contrat de travail", "Contrat individuel de travail"],
               "b": ["entre {company} (employeur) et {given} {surname} (employé)", "Entrée en fonction: {start}",
                     "Fonction: {job}", "Salaire brut CHF {salary} par mois", "Durée hebdomadaire du travail 42 heures",
                     "Temps d'essai 3 mois", "Vacances 25 jours", "Délai de congé 2 mois"]},
        "it": {"t": ["Contratto di lavoro", "Contratto individuale di lavoro"],
               "b": ["tra {company} (datore di lavoro) e {given} {surname} (lavoratore)",
                     "Inizio del rapporto: {start}",
                     "Funzione: {job}", "Salario lordo CHF {salary} al mese", "Orario settimanale 42 ore",
                     "Periodo di prova 3 mesi", "Vacanze 25 giorni", "Termine di disdetta 2 mesi"]},
    },
    "payslip": {
        "de": {"t": ["Lohnabrechnung {month}", "Gehaltsabrechnung", "Lohnausweis Monat {month}"],
               "b": ["Bruttolohn {salary}.00", "AHV/IV/EO 5.30 % -{ahvded}", "ALV 1.10 %", "BVG Beitrag -{bvg}",
                     "Nettolohn {net}", "Auszahlung auf Konto CH93 0076 2011 6238 5295 7", "Personalnummer {regno}",
                     "{company}"]},
        "fr": {"t": ["Fiche de salaire {month}", "Décompte de salaire"],
               "b": ["Salaire brut {salary}.00", "AVS/AI/APG 5.30 % -{ahvded}", "AC 1.10 %", "LPP -{bvg}",
                     "Salaire net {net}", "Versement sur compte CH93 0076 2011 6238 5295 7", "{company}"]},
        "it": {"t": ["Conteggio salario {month}", "Busta paga"],
               "b": ["Salario lordo {salary}.00", "AVS/AI/IPG 5.30 % -{ahvded}", "AD 1.10 %", "LPP -{bvg}",
                     "Salario netto {net}", "Accredito sul conto CH93 0076 2011 6238 5295 7", "{company}"]},
    },
    "rental_agreement": {
        "de": {"t": ["Mietvertrag für Wohnräume", "Mietvertrag", "Untermietvertrag"],
               "b": ["Vermieter: Immobilien {city} AG", "Mieter: {given} {surname}",
                     "Mietobjekt: {rooms}-Zimmer-Wohnung, {address}", "Mietbeginn: {start}",
                     "Nettomiete CHF {rent} pro Monat", "Nebenkosten akonto CHF 180", "Mietzinsdepot drei Monatsmieten",
                     "Kündigungstermine gemäss ortsüblichen Terminen"]},
        "fr": {"t": ["Contrat de bail à loyer", "Bail à loyer pour locaux d'habitation"],
               "b": ["Bailleur: Régie {city} SA", "Locataire: {given} {surname}",
                     "Objet: appartement de {rooms} pièces, {address}", "Début du bail: {start}",
                     "Loyer net CHF {rent} par mois", "Charges acompte CHF 180", "Garantie de loyer trois mois"]},
        "it": {"t": ["Contratto di locazione", "Contratto di locazione per locali d'abitazione"],
               "b": ["Locatore: Immobiliare {city} SA", "Conduttore: {given} {surname}",
                     "Oggetto: appartamento di {rooms} locali, {address}", "Inizio della locazione: {start}",
                     "Pigione netta CHF {rent} al mese", "Spese accessorie acconto CHF 180",
                     "Deposito di garanzia tre mesi"]},
    },
    "police_report": {
        "de": {"t": ["Polizeirapport", "Anzeige", "Polizeibericht", "Rapport der Kantonspolizei"],
               "b": ["Sachverhalt: Am {issued} wurde die beschuldigte Person kontrolliert.",
                     "Tatort: {address}", "Rapportierender Beamter: Wm {father}", "Delikt: Widerhandlung gegen das AIG",
                     "Die Person konnte sich nicht ausweisen.", "Geschäftsnummer {regno}",
                     "Einvernahme der beschuldigten Person"]},
        "fr": {"t": ["Rapport de police", "Procès-verbal d'audition", "Dénonciation"],
               "b": ["Faits: le {issued}, la personne prévenue a été contrôlée.", "Lieu: {address}",
                     "Agent rapporteur: sgt {father}", "Infraction à la LEI", "La personne n'a pas pu s'identifier.",
                     "Numéro d'affaire {regno}"]},
        "it": {"t": ["Rapporto di polizia", "Verbale d'interrogatorio", "Denuncia"],
               "b": ["Fatti: il {issued} la persona imputata è stata controllata.", "Luogo: {address}",
                     "Agente: sgt {father}", "Infrazione alla LStrI", "La persona non ha potuto identificarsi.",
                     "Numero d'incarto {regno}"]},
    },
    "court_decision": {
        "de": {"t": ["Urteil", "URTEIL vom {issued}", "Entscheid des Verwaltungsgerichts", "Beschluss"],
               "b": ["Verwaltungsgericht des Kantons {canton}", "Geschäftsnummer VB.{year}.{regno}",
                     "in Sachen {given} {surname}, Beschwerdeführer, gegen Migrationsamt",
                     "hat das Gericht erwogen:", "Demnach erkennt das Gericht:", "Die Beschwerde wird abgewiesen.",
                     "Die Gerichtskosten werden dem Beschwerdeführer auferlegt.", "Rechtsmittelbelehrung"]},
        "fr": {"t": ["Arrêt", "Jugement du {issued}", "Arrêt de la Cour de droit administratif"],
               "b": ["Tribunal cantonal du canton de {canton}", "Numéro de dossier PE.{year}.{regno}",
                     "dans la cause {given} {surname}, recourant, contre Service de la population",
                     "Considérant en droit:", "Par ces motifs, le Tribunal prononce:", "Le recours est rejeté.",
                     "Les frais de justice sont mis à la charge du recourant."]},
        "it": {"t": ["Sentenza", "Sentenza del {issued}", "Decisione del Tribunale amministrativo"],
               "b": ["Tribunale cantonale amministrativo", "Incarto n. {year}.{regno}",
                     "nella causa {given} {surname}, ricorrente, contro Sezione della popolazione",
                     "Considerato in diritto:", "Per questi motivi il Tribunale decide:", "Il ricorso è respinto.",
                     "Le spese giudiziarie sono poste a carico del ricorrente."]},
    },
    "decision_notice": {
        "de": {"t": ["Verfügung", "Verfügung des Migrationsamtes", "Bescheid", "Entscheid über die Verlängerung"],
               "b": ["Das Migrationsamt verfügt:", "Die Aufenthaltsbewilligung wird verlängert.",
                     "Das Gesuch um Familiennachzug wird abgewiesen.",
                     "gemäss Urteil des Verwaltungsgerichts vom {issued} ist die Wegweisung rechtskräftig",
                     "Gegen diese Verfügung kann innert 30 Tagen Rekurs erhoben werden.",
                     "Rechtsmittelbelehrung", "Gebühr CHF 95", "Erwägungen:"]},
        "fr": {"t": ["Décision", "Décision du Service de la population", "Décision de refus"],
               "b": ["Le Service de la population décide:", "L'autorisation de séjour est prolongée.",
                     "La demande de regroupement familial est rejetée.",
                     "selon l'arrêt du Tribunal cantonal du {issued}, le renvoi est exécutoire",
                     "La présente décision peut faire l'objet d'un recours dans les 30 jours.", "Émolument CHF 95"]},
        "it": {"t": ["Decisione", "Decisione della Sezione della popolazione"],
               "b": ["La Sezione della popolazione decide:", "Il permesso di dimora è rinnovato.",
                     "La domanda di ricongiungimento familiare è respinta.",
                     "secondo la sentenza del Tribunale cantonale del {issued} l'allontanamento è esecutivo",
                     "Contro la presente decisione è dato ricorso entro 30 giorni.", "Tassa CHF 95"]},
    },
    "health_insurance": {
        "de": {"t": ["Versicherungspolice Krankenversicherung", "Versicherungsausweis", "Police Grundversicherung KVG"],
               "b": ["Krankenkasse Helvetia Gesundheit", "Versichertennummer 80756{regno}",
                     "Obligatorische Krankenpflegeversicherung nach KVG", "Franchise CHF 300",
                     "Monatsprämie CHF {premium}", "Versicherungsbeginn {start}", "Unfalldeckung eingeschlossen"]},
        "fr": {"t": ["Police d'assurance maladie", "Certificat d'assurance", "Assurance obligatoire des soins LAMal"],
               "b": ["Caisse maladie Assura Romande", "Numéro d'assuré 80756{regno}", "Assurance de base LAMal",
                     "Franchise CHF 300", "Prime mensuelle CHF {premium}", "Début de l'assurance {start}"]},
        "it": {"t": ["Polizza assicurazione malattia", "Certificato d'assicurazione", "Assicurazione di base LAMal"],
               "b": ["Cassa malati Ticino Salute", "Numero d'assicurato 80756{regno}",
                     "Assicurazione obbligatoria delle cure medico-sanitarie", "Franchigia CHF 300",
                     "Premio mensile CHF {premium}", "Inizio dell'assicurazione {start}"]},
    },
    "language_certificate": {
        "de": {"t": ["Zertifikat Deutsch", "Goethe-Zertifikat {level}", "Sprachnachweis fide", "telc Deutsch {level}"],
               "b": ["hat die Prüfung auf dem Niveau {level} bestanden", "Gemeinsamer Europäischer Referenzrahmen",
                     "Mündlich {level}, Schriftlich {level}", "Hören 85 / 100 Lesen 78 / 100", "Prüfungszentrum {city}",
                     "Prüfungsdatum {issued}"]},
        "fr": {"t": ["Certificat de langue", "Passeport des langues fide", "DELF {level}", "Attestation de niveau"],
               "b": ["a réussi l'examen au niveau {level}", "Cadre européen commun de référence",
                     "Oral {level}, écrit {level}", "Centre d'examen {city}", "Date de l'examen {issued}"]},
        "it": {"t": ["Certificato di lingua", "Passaporto delle lingue fide", "CELI {level}", "Attestato di livello"],
               "b": ["ha superato l'esame al livello {level}", "Quadro comune europeo di riferimento",
                     "Orale {level}, scritto {level}", "Centro d'esame {city}", "Data dell'esame {issued}"]},
    },
    "correspondence": {
        "de": {"t": ["Betreff: Aufenthaltsbewilligung von {given} {surname}", "Ihr Schreiben vom {issued}",
                     "Betreff: Gesuch um Verlängerung", "Mitteilung", "Betreff: Beschwerde gegen die Verfügung"],
               "b": ["Sehr geehrte Damen und Herren", "Als Rechtsvertreter von {given} {surname} teile ich Ihnen mit,",
                     "dass meinem Mandanten die Aufenthaltsbewilligung B am {issued} erteilt wurde.",
                     "Beiliegend erhalten Sie eine Kopie des Arbeitsvertrages und des Reisepasses.",
                     "Wir bitten Sie, das Urteil vom {issued} zu berücksichtigen.",
                     "Für Rückfragen stehe ich Ihnen gerne zur Verfügung.", "Mit freundlichen Grüssen",
                     "Rechtsanwalt lic. iur. {father}", "Freundliche Grüsse"]},
        "fr": {"t": ["Concerne: autorisation de séjour de {given} {surname}", "Votre lettre du {issued}",
                     "Objet: demande de prolongation"],
               "b": ["Madame, Monsieur,", "En qualité de mandataire de {given} {surname}, je vous informe",
                     "que son permis de séjour B a été délivré le {issued}.",
                     "Vous trouverez ci-joint une copie du contrat de travail et du passeport.",
                     "Je vous prie de tenir compte de l'arrêt du {issued}.",
                     "Veuillez agréer, Madame, Monsieur, mes salutations distinguées.", "Avocat {father}"]},
        "it": {"t": ["Oggetto: permesso di dimora di {given} {surname}", "Vostra lettera del {issued}",
                     "Oggetto: domanda di rinnovo"],
               "b": ["Gentili signore e signori,", "In qualità di patrocinatore di {given} {surname} vi comunico",
                     "che il permesso di dimora B è stato rilasciato il {issued}.",
                     "In allegato trovate una copia del contratto di lavoro e del passaporto.",
                     "Vi preghiamo di tenere conto della sentenza del {issued}.", "Distinti saluti",
                     "Avvocato {father}"]},
    },
    "other": {
        "de": {"t": ["Quittung", "Rechnung Nr. {regno}", "Stundenplan", "Mitgliederausweis Fussballclub",
                     "Bestätigung der Anmeldung zum Deutschkurs"],
               "b": ["Betrag CHF {rent} erhalten", "Zahlbar innert 30 Tagen", "Montag 08:00 Mathematik",
                     "Vielen Dank für Ihren Einkauf", "Mehrwertsteuer 8.1 %", "Kassenbon Filiale {city}",
                     "Trainingszeiten Dienstag und Donnerstag"]},
        "fr": {"t": ["Quittance", "Facture no {regno}", "Horaire des cours", "Carte de membre"],
               "b": ["Montant CHF {rent} reçu", "Payable dans les 30 jours", "Lundi 08h00 mathématiques",
                     "Merci de votre achat", "TVA 8.1 %", "Ticket de caisse {city}"]},
        "it": {"t": ["Ricevuta", "Fattura n. {regno}", "Orario delle lezioni", "Tessera di socio"],
               "b": ["Importo CHF {rent} ricevuto", "Pagabile entro 30 giorni", "Lunedì 08:00 matematica",
                     "Grazie per l'acquisto", "IVA 8.1 %", "Scontrino {city}"]},
    },
}

_DE_DE = {"Aufenthaltsbewilligung": "Aufenthaltserlaubnis", "Niederlassungsbewilligung": "Niederlassungserlaubnis",
          "Migrationsamt": "Ausländerbehörde", "Verfügung": "Bescheid", "Grüssen": "Grüßen", "Grüsse": "Grüße",
          "gemäss": "gemäß", "Grösse": "Größe", "Gesuch": "Antrag", "CHF": "EUR", "Rekurs": "Widerspruch",
          "Kantonspolizei": "Landespolizei", "Verwaltungsgericht des Kantons": "Verwaltungsgericht",
          "Eheschliessung": "Eheschließung", "Fussballclub": "Fußballverein", "Strasse": "straße"}
# Where the person lives, as the documents sent to them or filled in by them show it: per type,
# the share that shows it and the layouts to choose from ("block": the address block of a letter
# under the salutation line; "label": an "Adresse:" line among the person's labelled lines;
# "split": a form's street line over its postcode line). Correspondence written to the office
# shows the office's address block instead ("office"): no one's home.
_HOME: dict[str, tuple[float, tuple[str, ...]]] = {
    "application_form": (0.7, ("label", "split")),
    "payslip": (0.8, ("block", "block", "label")),
    "employment_contract": (0.6, ("label", "block")),
    "health_insurance": (0.8, ("block",)),
    "police_report": (0.6, ("label",)),
    "decision_notice": (0.8, ("block",)),
    "court_decision": (0.3, ("block",)),
    "language_certificate": (0.3, ("block", "label")),
    "correspondence": (0.6, ("block", "office", "office")),
}
_HOME_LABELS = {"de": ("Adresse", "Wohnadresse", "Anschrift"), "fr": ("Adresse", "Domicile"),
                "it": ("Indirizzo", "Domicilio")}
_SPLIT_LABELS = {"de": ("Strasse, Nr.", "PLZ, Ort"), "fr": ("Rue, no", "NPA, localité"),
                 "it": ("Via, n.", "NPA, località")}
_SALUTATIONS = {"de": {"M": "Herr", "F": "Frau"}, "fr": {"M": "Monsieur", "F": "Madame"},
                "it": {"M": "Signor", "F": "Signora"}}
_OFFICE_BLOCKS = (("Migrationsamt des Kantons Zürich", "Berninastrasse 45", "8090 Zürich"),
                  ("Service de la population", "Avenue de Beaulieu 19", "1014 Lausanne"),
                  ("Sezione della popolazione", "Via Lugano 4", "6500 Bellinzona"))


def _home(doc_type: str, locale: str, sex: str, surname: str, given: str, rng: random.Random,
          ) -> tuple[list[str], list[str], str | None]:
    """The person's home as this document shows it: (lines of an address block, lines among the
    labelled ones, the address as extracted) - or nothing."""
    share, layouts = _HOME.get(doc_type, (0.0, ()))
    if rng.random() >= share:
        return [], [], None
    layout = rng.choice(layouts)
    if layout == "office":
        return list(rng.choice(_OFFICE_BLOCKS)), [], None
    lang = locale[:2]
    street = f"{rng.choice(_STREETS['de' if lang == 'de' else lang])} {rng.randint(1, 150)}"
    if lang == "fr" and rng.random() < 0.3:  # "12, Rue de Lyon"
        name, number = street.rsplit(" ", 1)
        street = f"{number}, {name}"
    town = f"{rng.randint(10000, 99999) if locale == 'de-DE' else rng.randint(1000, 9999)} " \
           f"{rng.choice(_CITIES[locale])}"
    address = f"{street}, {town}"
    if layout == "label":
        return [], [f"{rng.choice(_HOME_LABELS[lang])}: {address}"], address
    if layout == "split":
        street_label, town_label = _SPLIT_LABELS[lang]
        return [], [f"{street_label}: {street}", f"{town_label}: {town}"], address
    salutation = _SALUTATIONS[lang][sex]
    name = f"{given} {surname.upper()}" if rng.random() < 0.5 else f"{given} {surname}"
    head = [salutation, name] if rng.random() < 0.5 else [f"{salutation} {name}"]
    return [*head, street, town], [], address


_PERMITS = {"de": ["B", "C", "L", "F", "N", "G"], "fr": ["B", "C", "L", "F"], "it": ["B", "C", "L", "F", "G"]}
_MONTHS = {"de": ["Januar", "März", "Mai", "Juli", "Oktober"], "fr": ["janvier", "mars", "mai", "juillet"],
           "it": ["gennaio", "marzo", "maggio", "luglio"]}


@dataclass(frozen=True)
class CorpusDocument:
    index: int
    doc_type: str
    locale: str
    lines: tuple[str, ...]
    held_out: bool
    has_mrz: bool = False
    truth: tuple[tuple[str, str], ...] = ()  # fields the document shows: (field name, expected value)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _fmt_date(d: date, lang: str, rng: random.Random) -> str:
    if lang == "de" and rng.random() < 0.3:
        return f"{d.day}. {['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'][d.month - 1]} {d.year}"  # noqa: E501
    return d.strftime("%d.%m.%Y") if rng.random() < 0.8 else d.strftime("%d/%m/%Y")


def _mrz(surname: str, given: str, nat: str, sex: str, birth: date, expiry: date, docno: str, kind: str,
         issuer: str | None = None) -> list[str]:
    """MRZ lines; `issuer` the issuing state when it is not the holder's (a Swiss permit)."""
    from samples.generate import mrz_check_digit

    def field(s: str) -> str:
        import unicodedata
        s = "".join(c for c in unicodedata.normalize("NFKD", s.upper().replace("ß", "SS"))
                    if not unicodedata.combining(c))
        return "".join(c if c.isalnum() and c.isascii() else "<" for c in s)

    name = f"{field(surname)}<<{field(given)}"
    doc = docno.ljust(9, "<")[:9]
    dob, exp = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    if kind == "TD1":
        l1 = f"I<{issuer or nat}{doc}{mrz_check_digit(doc)}".ljust(30, "<")
        l2 = f"{dob}{mrz_check_digit(dob)}{sex}{exp}{mrz_check_digit(exp)}{nat}".ljust(29, "<")
        composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        l2 += mrz_check_digit(composite)
        return [l1, l2, name[:30].ljust(30, "<")]
    l1 = f"P<{issuer or nat}{name}"[:44].ljust(44, "<")
    personal = "<" * 14
    body = f"{doc}{mrz_check_digit(doc)}{nat}{dob}{mrz_check_digit(dob)}{sex}{exp}{mrz_check_digit(exp)}{personal}<"
    composite = body[0:10] + body[13:20] + body[21:43]
    return [l1, body + mrz_check_digit(composite)]


def _context(rng: random.Random, lang: str, origin: Origin, surname: str, given: str, birth: date,
             issued: date, expiry: date, city: str, address: str, salary: int) -> dict[str, object]:
    """The values a template's placeholders take; `_document` and samples.identity_pages draw them
    alike (the draws in this order: the corpus must not move)."""
    return {
        "surname": surname, "given": given, "birth": _fmt_date(birth, lang, rng), "birthplace": rng.choice(
            ["Aleppo", "Damaskus", "Kabul", "Herat", "Asmara", "Ankara", "Kyiv", "Pristina", "Bogotá"]),
        "issued": _fmt_date(issued, lang, rng), "expiry": _fmt_date(expiry, lang, rng),
        "entry": _fmt_date(issued - timedelta(days=rng.randrange(900)), lang, rng),
        "start": _fmt_date((start := issued + timedelta(days=rng.randrange(90))), lang, rng),
        "docno": f"{rng.choice('NPAXC')}{rng.randrange(10**7, 10**8)}", "city": city, "address": address,
        "height": rng.randint(150, 195), "permit": rng.choice(_PERMITS[lang]), "regno": rng.randrange(1000, 99999),
        "father": f"{rng.choice(rng.choice(origin.male))} {surname}",
        "mother": f"{rng.choice(rng.choice(origin.female))} {rng.choice(rng.choice(origin.surnames))}",
        "witness": f"{rng.choice(rng.choice(origin.male))} {rng.choice(rng.choice(origin.surnames))}",
        "company": rng.choice(_COMPANIES), "job": rng.choice(["Koch", "Pflegehelferin", "Logistiker", "Maurer",
                                                             "cuisinier", "aide-soignante", "muratore"]),
        "salary": f"{salary:,}".replace(",", "'"), "net": f"{int(salary * 0.86):,}".replace(",", "'"),
        "ahvded": f"{salary * 0.053:.2f}", "bvg": f"{salary * 0.04:.2f}", "rent": rng.randrange(900, 2400, 10),
        "rooms": rng.choice(["2", "2.5", "3.5", "4.5"]),
        "premium": f"{rng.randrange(280, 520)}.{rng.randrange(10, 95)}",
        "level": rng.choice(["A1", "A2", "B1", "B2", "C1"]), "month": rng.choice(_MONTHS[lang]),
        "year": issued.year, "canton": rng.choice(["Zürich", "Bern", "Aargau", "Vaud", "Ticino"]),
        "start_date": start,  # the date itself, for the expected fields
    }


def _document(index: int, doc_type: str, locale: str, rng: random.Random, seed: int = 3) -> CorpusDocument:
    lang = locale[:2]
    origin = rng.choice(ORIGINS)
    sex = rng.choice("MF")
    pool = origin.male if sex == "M" else origin.female
    given = rng.choice(rng.choice(pool))
    surname = rng.choice(rng.choice(origin.surnames))
    birth = date(rng.randint(1960, 2005), 1, 1) + timedelta(days=rng.randrange(365))
    issued = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
    expiry = issued + timedelta(days=365 * rng.choice([1, 2, 5, 10]))
    city = rng.choice(_CITIES[locale])
    street = rng.choice(_STREETS["de" if lang == "de" else lang])
    address = f"{street} {rng.randint(1, 150)}, {rng.randint(1000, 9999)} {city}"
    salary = rng.randrange(3800, 8200, 50)
    ctx = _context(rng, lang, origin, surname, given, birth, issued, expiry, city, address, salary)
    start = ctx["start_date"]
    assert isinstance(start, date)
    spec = _T[doc_type][lang]
    labels = _LABELS[lang]
    lines: list[str] = []
    if rng.random() < 0.6 and doc_type not in {"passport", "identity_card", "visa"}:
        lines.append(rng.choice(["Kanton Zürich Migrationsamt", "Stadt Bern Einwohnerdienste", city,
                                 "Service de la population", "Ufficio della migrazione", rng.choice(_COMPANIES)]))
    if doc_type in {"passport", "identity_card", "residence_permit", "visa"}:
        lines.append(rng.choice(["SCHWEIZERISCHE EIDGENOSSENSCHAFT", "BUNDESREPUBLIK DEUTSCHLAND",
                                 origin.iso3, "CONFÉDÉRATION SUISSE", "CONFEDERAZIONE SVIZZERA"]))
    title = rng.choice(spec["t"]).format(**ctx)
    lines.append(title)
    block, labelled, home = _home(doc_type, locale, sex, surname, given, random.Random(f"home-{seed}-{index}"))
    lines += block
    identity = [f"{labels[0]}: {surname}", f"{labels[1]}: {given}", f"{labels[2]}: {ctx['birth']}",
                f"{labels[3]}: {origin.iso3}"]
    truth: dict[str, str] = {}
    if doc_type not in {"other"} and rng.random() < 0.85:
        shown = rng.sample(identity, k=rng.randint(2, 4))
        lines += shown + labelled  # the labelled address only among the person's labelled lines
        for line, name, value in zip(identity, ("surname", "givenNames", "birthDate", "nationality"),
                                     (surname, given, birth.isoformat(), icao_to_iso(origin.iso3)), strict=True):
            if line in shown:
                truth[name] = value
        if labelled:
            truth["address"] = str(home)
    if block and home is not None:
        truth["address"] = home
    if rng.random() < 0.2:
        lines.append(f"AHV-Nr. {ahv_number(rng)}" if lang == "de" else f"No AVS {ahv_number(rng)}")
    body = rng.sample(spec["b"], k=min(len(spec["b"]), rng.randint(3, len(spec["b"]))))
    lines += [b.format(**ctx) for b in body]
    if doc_type == "employment_contract" and any("{company}" in b for b in body):
        truth["employer"] = ctx["company"]
    truth |= _type_truth(doc_type, title, body, ctx, start, issued, salary)
    if rng.random() < 0.3:  # a noise line that any document may carry
        lines.append(rng.choice([f"{city}, {ctx['issued']}", f"Seite 1/{rng.randint(1, 3)}", f"Ref. {ctx['regno']}",
                                 "Eingang " + ctx["issued"]]))
    has_mrz = doc_type in {"passport", "identity_card", "residence_permit"} and rng.random() < 0.8
    if has_mrz:
        kind = "TD3" if doc_type == "passport" else "TD1"
        # a Swiss permit: issued by CHE, the holder's nationality in line 2
        lines += _mrz(surname, given, origin.iso3, sex, birth, expiry, ctx["docno"], kind,
                      issuer="CHE" if doc_type == "residence_permit" else None)
        truth |= {"surname": surname, "givenNames": given, "birthDate": birth.isoformat(),
                  "documentNumber": ctx["docno"], "sex": sex, "expiryDate": expiry.isoformat()}
    if locale == "de-DE":
        out = []
        for line in lines:
            for a, b in _DE_DE.items():
                line = line.replace(a, b)  # noqa: PLW2901
            out.append(line)
        lines = out
        for key in ("address", "court"):
            if key in truth:
                for a, b in _DE_DE.items():
                    truth[key] = truth[key].replace(a, b)
    return CorpusDocument(index, doc_type, locale, tuple(lines), is_held_out(index),
                          has_mrz, tuple(sorted(truth.items())))


_LANGUAGE_TITLES = {"Deutsch": "de", "Goethe": "de", "DELF": "fr", "CELI": "it"}


def _type_truth(doc_type: str, title: str, body: list[str], ctx: dict[str, object], start: date, issued: date,
                salary: int) -> dict[str, str]:
    """Expected per-type fields, where the document shows them (derived, no random draws)."""
    shows = lambda placeholder: any(placeholder in b for b in body)  # noqa: E731
    out: dict[str, str] = {}
    if doc_type == "identity_card" and shows("{address}"):  # the holder's ("Anschrift", "Domicile")
        out["address"] = str(ctx["address"])
    elif doc_type == "employment_contract" and shows("{start}"):
        out["startDate"] = start.isoformat()
    elif doc_type == "payslip" and shows("{salary}"):
        out["monthlyGross"] = f"{salary}.00"
    elif doc_type == "rental_agreement":
        if shows("{address}"):
            out["address"] = str(ctx["address"])
        if shows("{start}"):
            out["moveInDate"] = start.isoformat()
    elif doc_type == "court_decision":
        court = next((b for b in body if b.startswith(("Verwaltungsgericht", "Tribunal"))), None)
        if court is not None:
            out["court"] = court.format(**ctx)
        if shows("{regno}"):
            number = next(b for b in body if "{regno}" in b).format(**ctx)
            out["fileNumber"] = number.split()[-1]
        if str(ctx["issued"]) in title:
            out["decisionDate"] = issued.isoformat()
    elif doc_type == "language_certificate":
        if "{level}" in title or shows("{level}") or str(ctx["level"]) in title:
            out["languageLevel"] = str(ctx["level"])
        for word, code in _LANGUAGE_TITLES.items():
            if word in title:
                out["language"] = code
    return out


def corpus_documents(per_type: int = 24, seed: int = 3) -> list[CorpusDocument]:
    """`per_type` documents of each of the 17 types, locales rotating."""
    rng = random.Random(seed)
    docs: list[CorpusDocument] = []
    for k in range(per_type):
        for t in TYPES:
            docs.append(_document(len(docs), t, LOCALES[(k + TYPES.index(t)) % len(LOCALES)], rng, seed))
    return docs
