"""Document type from OCR text: weighted keyword evidence, softmax confidence.

Evidence per type is a sum of weighted cues (German de-DE/de-CH, French, Italian, some
English) matched on folded text (see `normalize.fold`). What makes it more than a bag of
words:
- a type's own name ("Arbeitsvertrag", "Verfügung") weighs three times more as a heading
  near the top of the first page than in the body;
- a cue preceded by a referring word ("gemäss Urteil", "Ihre Aufenthaltsbewilligung",
  "Betreff: ...") is a mention of another document and weighs little;
- letter structure (salutation, closing) marks correspondence and rules out identity
  documents and civil status certificates;
- an MRZ is strong evidence for passport / identity card / residence permit / visa.
Confidence is the softmax probability of the winner with OTHER holding a fixed baseline,
so weak evidence yields a low confidence (below the review floor, settings.REVIEW_THRESHOLD)
on its own.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from eakte.models.document import DocumentType as T
from eakte.recognition.calibration import review_threshold
from eakte.recognition.mrz import MrzResult, find_mrz
from eakte.recognition.normalize import fold

TEMPERATURE = 2.0  # evidence units per e-fold of odds
OTHER_BASELINE = 2.0  # evidence OTHER gets for free: what a type must beat to be believed
NAME_WEIGHT = 4.0  # cues at or above this weight name the document type (heading boost)
HEADING_BOOST = 3.0
HEADING_LINES = 25  # non-empty lines of the first page that may hold the title
HEADING_MAX_WORDS = 8
MENTION_FACTOR = 0.3
SUBJECT_LINE_FACTOR = 0.5
REPEAT_BONUS = 0.15  # each further hit of the same cue, at most MAX_REPEATS
MAX_REPEATS = 3
FUZZY_FACTOR = 0.8
MIN_LETTERS = 15  # below this there is nothing to classify
MAX_CONFIDENCE = 0.99  # keyword evidence is never proof
LETTER_PENALTY = 0.4  # IDs and certificates never start with "Sehr geehrte ..."
LATER_PAGE_MRZ_FACTOR = 0.4  # a passport copy behind page 1 is usually an enclosure of a form
SINGLE_CUE_FACTOR = 0.6  # one word, even a title, is weak proof ("Anzeige" over an advert)

# (weight, cues separated by '|'). Cues are folded by `fold` at import and matched on word
# tokens: 'x*' = word stem, '*x' = inside a compound ("Einzelarbeitsvertrages"), '[bc]' =
# one cue per letter, several words = a phrase (punctuation between words is ignored).
_CUES: dict[T, list[tuple[float, str]]] = {
    T.PASSPORT: [
        (5, "reisepass*|passport|passeport|passaporto|pasaporte|reiseausweis*|kinderreisepass|"
            "diplomatenpass|dienstpass|reisedokument|titre de voyage|document de voyage|"
            "documento di viaggio|travel document"),
        (2.5, "pass-nr|passnummer|pass nr|passport no|no du passeport|numero du passeport|"
              "signature of bearer|signature du titulaire|unterschrift des inhabers|"
              "code of issuing state|code de l'etat emetteur|kode des ausstellungsstaates"),
        (1.5, "pass|date of expiry|date of issue|place of birth|given names|surname|"
              "nationality|authority|autorite|heimatort|lieu d'origine"),
        (1, "staatsangehorigkeit|nationalite|ausstellende behorde|gultig bis|ausstellungsdatum"),
    ],
    T.IDENTITY_CARD: [
        (5, "personalausweis*|identitatskarte|carte d'identite|carte nationale d'identite|"
            "carta d'identita|identity card|id card|id-karte|bundespersonalausweis"),
        (2, "augenfarbe|ordensname|kunstlername|zugangsnummer|heimatort|lieu d'origine|"
            "luogo d'attinenza"),
        (1.5, "ausweis|grosse|taille|statura|anschrift|wohnort|domicile"),
        (1, "staatsangehorigkeit|nationalite|gultig bis|ausstellende behorde"),
    ],
    T.RESIDENCE_PERMIT: [
        (5, "aufenthaltstitel|aufenthaltserlaubnis|niederlassungserlaubnis|"
            "erlaubnis zum daueraufenthalt-eu|aufenthaltsbewilligung|niederlassungsbewilligung|"
            "kurzaufenthaltsbewilligung|grenzgangerbewilligung|auslanderausweis|"
            "ausweis fur auslander|livret pour etrangers|titre de sejour|permis de sejour|"
            "permis d'etablissement|autorisation de sejour|autorisation d'etablissement|"
            "permesso di soggiorno|permesso di dimora|permesso di domicilio|libretto per stranieri|"
            "residence permit|blaue karte eu|carte bleue europeenne|aufenthaltsgestattung|"
            "duldung|fiktionsbescheinigung|bescheinigung uber die aussetzung der abschiebung|"
            "vorlaufig aufgenommene*|ausweis [bcfgln]|permis [bcfgln]"),
        (3, "kontrollfrist|delai de controle|termine di controllo|art des titels|type of permit|"
            "type de titre|nebenbestimmungen|erwerbstatigkeit gestattet|erwerbstatigkeit erlaubt|"
            "beschaftigung gestattet|beschaftigung erlaubt|aufenthaltszweck"),
        (1.5, "anmerkungen|remarques|einreise|date d'entree|zweck|ausweis"),
        (1, "gultig bis|valable jusqu'au|staatsangehorigkeit|nationalite"),
    ],
    T.VISA: [
        (5, "visum|visa|schengen-visum|visa schengen|nationales visum|national visa|visa national|"
            "visto schengen|visto nazionale|visto d'ingresso|einreisevisum|visa de long sejour"),
        (2.5, "anzahl der einreisen|number of entries|nombre d'entrees|numero di ingressi|"
              "dauer des aufenthalts|duration of stay|duree du sejour|durata del soggiorno|"
              "schengener staaten|schengen states|etats schengen|valid for|valable pour|gultig fur"),
        (1.5, "typ [cd]|type [cd]|tipo [cd]|einreisen|entries|mult"),
    ],
    T.APPLICATION_FORM: [
        (5, "gesuch um|gesuch fur|antrag auf|antrag zur|antragsformular|gesuchsformular|formular|"
            "demande d'autorisation|demande de permis|demande de prolongation|demande de visa|"
            "demande de regroupement|formulaire de demande|formulaire|domanda di|"
            "domanda per|modulo di domanda|modulo|richiesta di|application for|application form|"
            "visumantrag|einburgerungsgesuch|familiennachzugsgesuch"),
        (3, "antragsteller*|gesuchsteller*|antragstellende person|gesuchstellende person|"
            "requerant*|richiedente|demandeur|demanderesse|ich beantrage|hiermit beantrage|"
            "je demande|bitte ankreuzen|zutreffendes ankreuzen|a cocher|cocher ce qui convient|"
            "crociare|bitte in blockschrift|en majuscules|in stampatello|anmeldung"),
        (2, "angaben zur person|personalien|donnees personnelles|dati personali|ort und datum|"
            "ort, datum|lieu et date|luogo e data|unterschrift der*|signature du requerant|"
            "familiennachzug|regroupement familial|ricongiungimento familiare"),
        (1, "unterschrift|signature|verlangerung|prolongation|erteilung|octroi|rilascio"),
    ],
    T.BIRTH_CERTIFICATE: [
        (5, "geburtsurkunde|geburtsschein|auszug aus dem geburtenregister|geburtenregister*|"
            "geburtsregister*|geburtsbescheinigung|acte de naissance|extrait d'acte de naissance|"
            "certificat de naissance|atto di nascita|certificato di nascita|"
            "estratto dell'atto di nascita|birth certificate|maticne knjige rodenih|"
            "izvod iz maticne knjige rodenih"),
        (2, "vater|mutter|eltern|pere|mere|parents|padre|madre|geburtsort|lieu de naissance|"
            "luogo di nascita|name des kindes|nom de l'enfant|geschlecht des kindes"),
        (1.5, "zivilstandsamt|standesamt|etat civil|stato civile|personenstandsregister|infostar|"
              "ufficio dello stato civile|officier de l'etat civil|standesbeamt*"),
        (1, "geburt|naissance|nascita|kind"),
    ],
    T.MARRIAGE_CERTIFICATE: [
        (5, "eheurkunde|heiratsurkunde|eheschein|auszug aus dem eheregister|eheregister*|"
            "heiratsregister*|acte de mariage|certificat de mariage|extrait d'acte de mariage|"
            "atto di matrimonio|certificato di matrimonio|marriage certificate|"
            "partnerschaftsurkunde|lebenspartnerschaftsurkunde"),
        (3, "eheschliessung|trauung|eingetragene partnerschaft|familienausweis|"
            "certificat de famille|certificato di famiglia|date du mariage|datum der eheschliessung|"
            "celebration du mariage"),
        (2, "ehegatte*|ehefrau|ehemann|epoux|epouse|conjoint*|coniug*|mariage|matrimonio|heirat|"
            "verheiratet|ehe"),
        (1.5, "zivilstandsamt|standesamt|etat civil|stato civile|personenstandsregister"),
    ],
    T.EMPLOYMENT_CONTRACT: [
        (5, "arbeitsvertrag*|*arbeitsvertrag|anstellungsvertrag|dienstvertrag|contrat de travail|"
            "contrat d'engagement|contrat individuel de travail|contratto di lavoro|contratto individuale di lavoro|"
            "employment contract|employment agreement|lehrvertrag|contrat d'apprentissage|"
            "praktikumsvertrag|arbeitsbestatigung|arbeitgeberbescheinigung|stellenzusage|"
            "attestation de travail|attestation d'emploi|attestation d'engagement"),
        (3, "arbeitgeber*|arbeitnehmer*|employeur|employe|employee|travailleur|travailleuse|"
            "datore di lavoro|lavorat*|probezeit|periode d'essai|temps d'essai|periodo di prova|"
            "kundigungsfrist|delai de conge|termine di disdetta|stellenantritt|arbeitsbeginn|"
            "beginn des arbeitsverhaltnisses|arbeitsverhaltnis*|entree en fonction|"
            "debut de l'engagement|wochenarbeitszeit|beschaftigungsgrad|taux d'activite|"
            "ferienanspruch|urlaubsanspruch|gesamtarbeitsvertrag|tatigkeit als|en qualite de|"
            "in qualita di|eingestellt|inizio del rapporto|rapporto di lavoro|orario settimanale"),
        (2, "arbeitszeit|pensum|jahreslohn|monatslohn|salaire mensuel|salaire annuel|"
            "salario mensile|funktion|fonction|ferien|vacances|urlaub|kundigung"),
        (1, "bruttolohn|lohn|salaire|stelle|gav|cct"),
    ],
    T.PAYSLIP: [
        (5, "lohnabrechnung|gehaltsabrechnung|entgeltabrechnung|verdienstabrechnung|lohnausweis|"
            "lohnbescheinigung|lohnzettel|lohnabrechnung fur|fiche de salaire|bulletin de salaire|"
            "bulletin de paie|decompte de salaire|certificat de salaire|busta paga|cedolino|"
            "conteggio salario|conteggio dello stipendio|certificato di salario|payslip|pay slip|"
            "salary statement|abrechnung der brutto/netto-bezuge"),
        (3, "bruttolohn|nettolohn|auszahlungsbetrag|auszahlung|gesamtbrutto|gesamt-brutto|"
            "ahv/iv/eo|ahv-beitrag|quellensteuer|lohnsteuer|kirchensteuer|solidaritatszuschlag|"
            "rentenversicherung|arbeitslosenversicherung|pflegeversicherung|steuerklasse|"
            "salaire brut|salaire net|avs/ai/apg|impot a la source|montant verse|salario lordo|"
            "salario netto|abzuge|retenues|deductions|trattenute|lohnart|abrechnungsmonat|"
            "abrechnungszeitraum|periode de paie|lohnperiode|sv-tage|13. monatslohn|uberstunden"),
        (2, "brutto|netto|alv|bvg|nbu|ktg|pensionskasse|lpp|stundenlohn|stipendio|"
            "krankenversicherung"),
    ],
    T.RENTAL_AGREEMENT: [
        (5, "mietvertrag*|*mietvertrag|untermietvertrag|contrat de bail|bail a loyer|"
            "contrat de location|contratto di locazione|contratto d'affitto|rental agreement|"
            "tenancy agreement|lease agreement|wohnungsgeberbestatigung|mietbestatigung|"
            "mietzinsbestatigung|attestation de logement|attestation de bail"),
        (3, "vermieter*|mieter*|untermieter*|mietzins|nettomietzins|bruttomietzins|nettomiete|"
            "kaltmiete|warmmiete|nebenkosten|mietkaution|kaution|mietbeginn|mietobjekt|mietsache|"
            "mietverhaltnis|bailleur|bailleresse|locataire|loyer|loyer net|garantie de loyer|"
            "depot de garantie|objet loue|locatore|conduttore|pigione|spese accessorie|"
            "wohnflache|anzahl zimmer|hausordnung"),
        (2, "miete|wohnung|liegenschaft|stockwerk|regie|gerance|appartement|affitto|charges|"
            "logement|wohnungsgeber*"),
        (1, "zimmer|etage|pieces|verwaltung|immobilien"),
    ],
    T.POLICE_REPORT: [
        (5, "polizeirapport|polizeibericht|strafanzeige|rapport de police|"
            "rapport de gendarmerie|rapporto di polizia|police report|ermittlungsbericht|"
            "schlussbericht|wahrnehmungsbericht|festnahmebericht|anhaltebericht|"
            "einvernahmeprotokoll|protokoll der einvernahme|proces-verbal d'audition|"
            "verbale d'interrogatorio|unfallrapport|vorfallbericht|anzeigerapport|denonciation"),
        (3, "kantonspolizei|stadtpolizei|polizeiprasidium|polizeiinspektion|polizeidirektion|"
            "polizeirevier|polizeiposten|polizeidienststelle|landespolizei|bundespolizei|"
            "kriminalpolizei|police cantonale|police municipale|police de surete|gendarmerie|"
            "polizia cantonale|polizia comunale|tagebuchnummer|tgb-nr|vorgangsnummer|tatzeit|"
            "tatort|tatverdachtig*|geschadigt*|anzeigeerstatter*|rapportierende*|festnahme|"
            "anhaltung|personenkontrolle|ladendiebstahl|diebstahl|korperverletzung|"
            "sachbeschadigung|hausfriedensbruch|widerhandlung|betaubungsmittel*|"
            "illegaler aufenthalt|rechtswidriger aufenthalt|prevenu*|plaignant*|interpellation|agent rapporteur|"
            "interpelle|lese|imputato|denuncia|polizei|anzeige|imputat*|persona imputata|"
            "personne prevenue|infrazione alla lstri|infraction a la lei|widerhandlung gegen das aig"),
        (2, "beschuldigt*|sachverhalt|einvernahme|audition|infraction|kontrolle|rechtswidrig|"
            "police|polizia|sachbearbeiter*"),
        (1, "auslandergesetz|aufenthaltsgesetz|aig|aufenthg|vol"),
    ],
    T.COURT_DECISION: [
        (5, "urteil|urteil vom|im namen des volkes|arret|jugement|sentenza|judgment|strafbefehl|"
            "ordonnance penale|decreto d'accusa|gerichtsbescheid|beschluss|decisione del tribunale|"
            "decision du tribunal|entscheid des gerichts"),
        (3, "bundesverwaltungsgericht|verwaltungsgericht|bundesgericht|obergericht|bezirksgericht|"
            "amtsgericht|landgericht|kantonsgericht|verwaltungsrekurskommission|rekursgericht|"
            "tribunal administratif|tribunal administratif federal|tribunal federal|"
            "tribunal cantonal|cour de droit administratif|tribunale amministrativo federale|"
            "tribunale amministrativo|tribunale federale|tribunale cantonale|gerichtsschreiber*|besetzung|vorinstanz|"
            "autorite inferieure|greffier*|greffiere|demnach erkennt|erkennt das gericht|"
            "angeklagte*|cancelliere"),
        (2.5, "beschwerdefuhrer*|beschwerdegegner*|recourant*|ricorrente*|gericht|richter*|juge*|kammer|"
              "composition|staatsanwaltschaft|ministere public|ministero pubblico|verurteilt|"
              "schuldig|freiheitsstrafe|geldstrafe|tagessatze|gerichtskosten|frais de justice|"
              "in sachen|klager*|beklagte*|prozessgeschichte|nella causa|dans la cause|il ricorso e respinto|"
              "il ricorso e accolto|le recours est rejete|le recours est admis|die beschwerde wird abgewiesen|"
              "die beschwerde wird gutgeheissen"),
        (1.5, "erwagung*|considerant*|parteien|dispositiv|par ces motifs|bedingt|gegenstand"),
    ],
    T.DECISION_NOTICE: [
        (5, "verfugung|bescheid|ablehnungsbescheid|ausweisungsverfugung|wegweisungsverfugung|"
            "widerrufsverfugung|zustimmungsverfugung|decision|decision de renvoi|decisione|"
            "notice of decision|rechtsmittelbelehrung|rechtsbehelfsbelehrung|voies de droit|"
            "indication des voies de droit|rimedi giuridici|rimedio giuridico"),
        (4, "entscheid"),
        (3, "verfugt|wird verfugt|entscheidet|abschiebungsandrohung|ausreisefrist|"
            "delai de depart|termine di partenza|il est decide|decide|decidons|decide:"),
        (2.5, "wird abgelehnt|wird nicht verlangert|wird widerrufen|wird abgewiesen|"
              "wird angeordnet|wird erteilt|beschwerde kann|innert 30 tagen|einreiseverbot|"
              "ausreisepflicht*|wegweisung|renvoi|interdiction d'entree|divieto d'entrata"),
        (2, "migrationsamt|amt fur migration|staatssekretariat fur migration|auslanderbehorde|"
            "auslanderamt|service de la population|office cantonal de la population|"
            "service des migrations|ufficio della migrazione|sezione della popolazione|"
            "begrundung|erwagungen|gebuhr*|emolument*|ordonnance|prononce"),
        (1.5, "rechtsmittel|widerspruch|innerhalb eines monats|dispositiv|par ces motifs|grunde"),
    ],
    T.HEALTH_INSURANCE: [
        (5, "krankenversicherung*|krankenkasse*|versichertenkarte|versicherungsnachweis|"
            "mitgliedsbescheinigung|versicherungspolice|police d'assurance|assurance maladie|"
            "assurance-maladie|caisse maladie|caisse-maladie|assicurazione malattia|cassa malati|"
            "health insurance|grundversicherung|obligatorische krankenpflegeversicherung|"
            "assurance obligatoire des soins|europaische krankenversicherungskarte|"
            "gesundheitskarte"),
        (3, "versicherungsausweis|versicherungsbestatigung|okp|lamal|kvg|monatspramie|"
            "zusatzversicherung|versicherte person|versichertennummer|prime mensuelle|"
            "assure|assuree|ehic|helsana|swica|sanitas|visana|concordia|assura|groupe mutuel|"
            "sympany|atupri|barmer|techniker krankenkasse|aok|dak|ikk|bkk"),
        (2, "pramie|franchise|selbstbehalt|versicherungsnummer|prime|premio|css|kpt|egk|okk|"
            "deckung|couverture|versicherer|assureur"),
    ],
    T.LANGUAGE_CERTIFICATE: [
        (5, "sprachzertifikat|sprachnachweis|zertifikat deutsch|goethe-zertifikat|telc|fide|"
            "sprachenpass|deutsch-test fur zuwanderer|delf|dalf|attestation de langue|"
            "certificat de langue|certificato di lingua|ielts|toefl|cambridge english|"
            "language certificate|sprachstandsnachweis|passeport des langues|"
            "passaporto delle lingue|language passport"),
        (4, "gemeinsamen europaischen referenzrahmen|cadre europeen commun de reference|"
            "quadro comune europeo|niveau [abc][12]|livello [abc][12]|level [abc][12]|"
            "stufe [abc][12]|sprachniveau [abc][12]|niveau [abc] [12]"),
        (3, "goethe-institut|osd|dtz|tcf|tef|celi|cils|plida|referenzrahmen|cecr|qcer|ger|"
            "prufungsteilnehmer*|test leben in deutschland"),
        (2, "horverstehen|horen|leseverstehen|sprechen|mundlich|expression orale|"
            "comprehension ecrite|comprehension orale|production ecrite|produzione orale|"
            "bestanden|reussi|superato|prufung|examen|punkte|points"),
        (1, "lesen|schriftlich|schreiben"),
    ],
    T.CORRESPONDENCE: [
        (3, "sehr geehrte|sehr geehrter|geehrte damen und herren|mit freundlichen grussen|"
            "freundliche grusse|hochachtungsvoll|madame monsieur|mesdames messieurs|"
            "cher monsieur|chere madame|veuillez agreer|je vous prie d'agreer|"
            "nous vous prions d'agreer|salutations distinguees|meilleures salutations|"
            "egregi signori|gentili signore|egregio signor*|gentile signora|distinti saluti|"
            "cordiali saluti|dear sir|dear madam|kind regards|yours sincerely|yours faithfully|"
            "rechtsanwalt*|anwaltskanzlei|advokatur*|advokat*|etude d'avocats|studio legale|"
            "namens und im auftrag|in obenerwahnter angelegenheit|in vorbezeichneter angelegenheit"),
        (2.5, "avocat*|avvocat*|fursprech*|beschwerde gegen|recours contre|ricorso contro|mandataire*|"
              "en qualite de mandataire|mandatario*|patrocinatore|in qualita di patrocinatore|"
              "rechtliches gehor|rechtlichen gehors|anhorung|droit d'etre entendu"),
        (2, "kanzlei|lic. iur.|mlaw|dr. iur.|rechtsvertret*|mandant*|wir nehmen bezug auf|"
            "bezugnehmend auf|nous nous referons|stellungnahme|prise de position|vollmacht|"
            "procuration|ihr schreiben|ihre nachricht|ihr zeichen|unser zeichen|ihre referenz|"
            "unsere referenz|votre lettre|votre courrier|notre reference|votre reference|"
            "liebe|lieber|vorladung|convocation|einladung"),
        (1, "beilage*|annexe*|kopie an|copie a|klient*|mandat|e-mail|ersuchen sie|bitten wir sie|"
            "vous trouverez ci-joint|ci-joint|je vous informe|vi informo|in allegato"),
    ],
    T.OTHER: [],
}

# Referring words: "gemäss Urteil ...", "Ihre Aufenthaltsbewilligung", "contre la décision"
# (as `fold` leaves them, see _SUBJECT_LINE).
_MENTION = re.compile(
    r"(?:^|[\s(])(?:gemass|gem\.|laut|lt\.|gestutzt auf|vgl\.|siehe|betreffend|betr\.|"
    r"bezuglich|hinsichtlich|mit|im|gegen|angefochtene[nmrs]?|ihre[nmrs]?|ihr|seine[nmrs]?|sein|"
    rf"unsere[nmrs]?|unser|deren|dessen|selon|conformement a|vu|{fold('concernant')}|votre|vos|son|sa|ses|"
    rf"notre|nos|leur|par|dans|contre|secondo|visto|vista|{fold('concernente')}|relativ[oa]|vostr[oa]|"
    r"su[oa]|con|contro|your|his|her|regarding)\s+"
    r"(?:[\w.'-]+\s*){0,3}$",
    re.MULTILINE,
)
# A title starts its line: at most two words before the document name ("B Aufenthalts-
# bewilligung", "Bundesrepublik Deutschland Personalausweis"), none of them an article, and no
# enumeration ("1. Die Aufenthaltsbewilligung wird ...") in front.
_ENUMERATION = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s")
_ARTICLES = frozenset({
    "der", "die", "das", "dem", "den", "des", "ein", "eine", "einer", "eines", "einem",
    "le", "la", "les", "l", "un", "une", "du", "il", "lo", "gli", "una", "uno", "the", "a", "an",
})
_WORD = re.compile(r"[a-z]+")


def _starts_title(before: str) -> bool:
    words = _WORD.findall(before)
    return len(words) <= 2 and not any(w in _ARTICLES for w in words)


# Written as `fold` leaves them: it reads 'rn' as the 'm' the OCR took it for ('concerne' -> 'conceme').
_SUBJECT_LINE = re.compile(rf"^\s*(?:betreff|betrifft|betr\.|objet|{fold('concerne')}|oggetto|subject|re:)")
_CHECKBOX = re.compile(r"[☐☒☑□■▢]|\[ ?[x ]?\]")
_LETTERS = re.compile(r"[a-z]")


_TOKEN = re.compile(r"[a-z0-9]+")
_BRACKETS = re.compile(r"\[([a-z0-9]+)\]")


@dataclass(frozen=True, slots=True)
class _Cue:
    type: T
    weight: float
    text: str  # as written in _CUES: the evidence label
    words: tuple[str, ...]  # folded tokens
    stem: bool  # the last word is a prefix
    inner: bool  # a single word that may sit inside a longer token


@dataclass(slots=True)
class _Index:
    cues: list[_Cue]
    exact: dict[str, list[int]]
    stems: dict[str, list[int]]
    stem_lengths: tuple[int, ...]
    stem_gate: frozenset[str]  # first 3 letters of every stem: most tokens skip the stem loop
    inner: list[tuple[str, int]]
    phrases: dict[str, list[int]]  # first word -> phrase cues
    fuzzy: dict[str, list[int]]  # symmetric-delete index of long single words


def _expand(raw: str) -> list[str]:
    m = _BRACKETS.search(raw)
    if m is None:
        return [raw]
    return [v for ch in m.group(1) for v in _expand(raw[:m.start()] + ch + raw[m.end():])]


def _deletes(word: str) -> Iterable[str]:
    yield word
    for i in range(len(word)):
        yield word[:i] + word[i + 1:]


def _build_index() -> _Index:
    idx = _Index([], {}, {}, (), frozenset(), [], {}, {})
    for doc_type, groups in _CUES.items():
        for weight, spec in groups:
            for raw in spec.split("|"):
                for variant in _expand(raw):
                    body = fold(variant.strip("*"))
                    words = tuple(_TOKEN.findall(body))
                    forms = [words]
                    if "-" in body and len(words) > 1:
                        forms.append(("".join(words),))  # "Schengen-Visum" also as "Schengenvisum"
                    for w in forms:
                        cue = _Cue(doc_type, float(weight), raw, w, variant.endswith("*"),
                                   variant.startswith("*") and len(w) == 1)
                        _register(idx, cue)
    idx.stem_lengths = tuple(sorted({len(k) for k in idx.stems}))
    idx.stem_gate = frozenset(k[:3] for k in idx.stems)
    return idx


def _register(idx: _Index, cue: _Cue) -> None:
    i = len(idx.cues)
    idx.cues.append(cue)
    if len(cue.words) > 1:
        idx.phrases.setdefault(cue.words[0], []).append(i)
        return
    word = cue.words[0]
    if cue.inner:
        idx.inner.append((word, i))
    elif cue.stem:
        idx.stems.setdefault(word, []).append(i)
    else:
        idx.exact.setdefault(word, []).append(i)
    # OCR drops, adds or swaps a letter in exactly the long compounds that name document types
    if len(word) >= 9 and word.isalpha():
        for variant in _deletes(word):
            idx.fuzzy.setdefault(variant, []).append(i)


_INDEX = _build_index()


def _candidates(tokens: list[str]) -> list[tuple[int, int, int]]:
    """(first token, end token, cue) for every cue that matches."""
    ix = _INDEX
    out: list[tuple[int, int, int]] = []
    n_tok = len(tokens)
    for i, tok in enumerate(tokens):
        for c in ix.exact.get(tok, ()):
            out.append((i, i + 1, c))
        if tok[:3] in ix.stem_gate:
            for length in ix.stem_lengths:
                if length > len(tok):
                    break
                for c in ix.stems.get(tok[:length], ()):
                    out.append((i, i + 1, c))
        if len(tok) >= 8:
            for word, c in ix.inner:
                if word in tok:
                    out.append((i, i + 1, c))
        for c in ix.phrases.get(tok, ()):
            words = ix.cues[c].words
            end = i + len(words)
            if end > n_tok or not all(_close(tokens[i + k], words[k]) for k in range(1, len(words) - 1)):
                continue
            last = tokens[end - 1]
            if _close(last, words[-1]) or (ix.cues[c].stem and last.startswith(words[-1])):
                out.append((i, end, c))
    return out


def _close(token: str, word: str) -> bool:
    """Equal, or one edit apart for words of 5+ letters ("travall" for "travail")."""
    if token == word:
        return True
    n, m = len(token), len(word)
    if m < 5 or abs(n - m) > 1:
        return False
    i = 0
    while i < min(n, m) and token[i] == word[i]:
        i += 1
    if n == m:
        return token[i + 1:] == word[i + 1:]
    return token[i + 1:] == word[i:] if n > m else token[i:] == word[i + 1:]


def _select(cands: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Leftmost-longest, non-overlapping spans; all cues on a chosen span count (one word can
    be a cue of several types)."""
    cands.sort(key=lambda c: (c[0], c[0] - c[1]))
    chosen: list[tuple[int, int, int]] = []
    span, end = (-1, -1), 0
    for start, stop, c in cands:
        if (start, stop) == span:
            chosen.append((start, stop, c))
        elif start >= end:
            span, end = (start, stop), stop
            chosen.append((start, stop, c))
    return chosen


@dataclass(frozen=True, slots=True)
class Classification:
    document_type: T
    confidence: float  # softmax probability of document_type, 0..1
    scores: dict[T, float]  # evidence per type (all 17 codes)
    probabilities: dict[T, float]
    evidence: tuple[str, ...] = ()  # cues that decided for document_type, strongest first

    @property
    def needs_review(self) -> bool:
        """Below the calibrated review threshold (eakte.recognition.calibration)."""
        return self.confidence < review_threshold()


@dataclass(slots=True)
class _Layout:
    line_starts: list[int]
    heading: list[bool]  # line may hold the document title
    subject: list[bool]  # "Betreff:" / "Objet:" line

    def line_of(self, pos: int) -> int:
        return bisect_right(self.line_starts, pos) - 1


def _layout(text: str) -> _Layout:
    starts: list[int] = []
    heading: list[bool] = []
    subject: list[bool] = []
    pos, seen, first_page = 0, 0, True
    for line in text.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
        if line.lstrip(" ").startswith("\f"):
            first_page = False
        stripped = line.strip()
        is_subject = bool(_SUBJECT_LINE.match(stripped))
        subject.append(is_subject)
        heading.append(first_page and seen < HEADING_LINES and not is_subject
                       and 0 < len(stripped.split()) <= HEADING_MAX_WORDS
                       and not _ENUMERATION.match(stripped))
        if stripped:
            seen += 1
        if "\f" in line:
            first_page = False
    return _Layout(starts, heading, subject)


def _mrz_evidence(mrz: MrzResult) -> dict[T, float]:
    strength = 1.0 if mrz.valid else 0.6
    if mrz.page > 0:
        strength *= LATER_PAGE_MRZ_FACTOR
    kind = mrz.document_kind
    if kind == "P":
        ev = {T.PASSPORT: 15.0}
    elif kind == "V":
        ev = {T.VISA: 15.0}
    else:
        # A card for a foreigner is a residence permit: issuer and holder's nationality differ
        # (German eAT "AR", Swiss Ausländerausweis); a national ID card has both the same.
        foreign = bool(mrz.nationality and mrz.issuing_state and mrz.nationality != mrz.issuing_state)
        if mrz.document_code[1:2] == "R" or foreign:
            ev = {T.RESIDENCE_PERMIT: 13.0, T.IDENTITY_CARD: 3.0}
        else:
            ev = {T.IDENTITY_CARD: 13.0, T.RESIDENCE_PERMIT: 3.0}
    return {k: v * strength for k, v in ev.items()}


def _softmax(scores: dict[T, float]) -> dict[T, float]:
    top = max(scores.values())
    exp = {k: math.exp((v - top) / TEMPERATURE) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def classify(text: str, mrz: MrzResult | None = None, *, detect_mrz: bool = True) -> Classification:
    """Classify OCR text. `mrz`: an already parsed MRZ; when None and `detect_mrz`, the text is
    searched for one."""
    if mrz is None and detect_mrz:
        mrz = find_mrz(text)
    folded = fold(text)
    scores = dict.fromkeys(T, 0.0)
    evidence: dict[T, dict[str, float]] = {t: {} for t in T}
    letters = len(_LETTERS.findall(folded[:2000]))
    if letters >= MIN_LETTERS:
        _score_cues(folded, scores, evidence)
    if mrz is not None:
        for doc_type, ev in _mrz_evidence(mrz).items():
            scores[doc_type] += ev
            evidence[doc_type][f"MRZ {mrz.document_code}"] = ev
    scores[T.OTHER] = OTHER_BASELINE
    probs = _softmax(scores)
    best = max(probs, key=lambda k: probs[k])
    top = sorted(evidence[best].items(), key=lambda kv: -kv[1])[:6]
    return Classification(
        document_type=best,
        confidence=round(min(probs[best], MAX_CONFIDENCE), 4),
        scores={k: round(v, 3) for k, v in scores.items()},
        probabilities={k: round(v, 4) for k, v in probs.items()},
        evidence=tuple(name for name, _ in top),
    )


def _score_cues(folded: str, scores: dict[T, float], evidence: dict[T, dict[str, float]]) -> None:
    layout = _layout(folded)
    best: dict[tuple[T, str], float] = {}  # cue -> strongest single hit
    hits: dict[tuple[T, str], int] = {}
    boosted_lines: set[int] = set()

    def add(cue: _Cue, pos: int, factor: float = 1.0) -> None:
        line = layout.line_of(pos)
        start = layout.line_starts[line]
        weight = cue.weight * factor
        if layout.subject[line]:
            weight *= SUBJECT_LINE_FACTOR
        elif _MENTION.search(folded, max(start, pos - 40), pos):
            weight *= MENTION_FACTOR
        elif (layout.heading[line] and cue.weight >= NAME_WEIGHT and line not in boosted_lines
              and _starts_title(folded[start:pos])):
            # only the first document name on a title line is the title
            weight *= HEADING_BOOST
            boosted_lines.add(line)
        key = (cue.type, cue.text)
        hits[key] = hits.get(key, 0) + 1
        if weight > best.get(key, 0.0):
            best[key] = weight

    matches = list(_TOKEN.finditer(folded))
    tokens = [m.group() for m in matches]
    covered: set[int] = set()
    per_span: dict[tuple[int, T], _Cue] = {}  # one word counts once per type
    for start, stop, c in _select(_candidates(tokens)):
        cue = _INDEX.cues[c]
        other = per_span.get((start, cue.type))
        if other is None or cue.weight > other.weight:
            per_span[(start, cue.type)] = cue
        covered.update(range(start, stop))
    for (start, _), cue in sorted(per_span.items(), key=lambda kv: kv[0][0]):
        add(cue, matches[start].start())
    for i, tok in enumerate(tokens):
        if len(tok) < 9 or i in covered or not tok.isalpha():
            continue
        found: dict[T, _Cue] = {}
        for v in _deletes(tok):
            for c in _INDEX.fuzzy.get(v, ()):
                cue = _INDEX.cues[c]
                if cue.type not in found or cue.weight > found[cue.type].weight:
                    found[cue.type] = cue
        for cue in found.values():
            add(cue, matches[i].start(), FUZZY_FACTOR)

    for (doc_type, text), weight in best.items():
        total = weight * (1 + REPEAT_BONUS * min(hits[(doc_type, text)] - 1, MAX_REPEATS))
        scores[doc_type] += total
        evidence[doc_type][text] = total
    for doc_type, cues in evidence.items():
        if len(cues) == 1:
            scores[doc_type] *= SINGLE_CUE_FACTOR

    # Structure: letters (salutation + closing) are correspondence or decisions, never IDs or
    # civil status certificates; many tick boxes make a form.
    salutation = any(k in evidence[T.CORRESPONDENCE] for k in (
        "sehr geehrte", "sehr geehrter", "geehrte damen und herren", "madame monsieur",
        "mesdames messieurs", "egregi signori", "gentili signore", "dear sir", "dear madam"))
    if salutation:
        for t in (T.PASSPORT, T.IDENTITY_CARD, T.RESIDENCE_PERMIT, T.VISA,
                  T.BIRTH_CERTIFICATE, T.MARRIAGE_CERTIFICATE):
            scores[t] *= LETTER_PENALTY
    boxes = len(_CHECKBOX.findall(folded))
    if boxes >= 3:
        bonus = min(4.0, 1.0 + 0.25 * boxes)
        scores[T.APPLICATION_FORM] += bonus
        evidence[T.APPLICATION_FORM]["tick boxes"] = bonus
