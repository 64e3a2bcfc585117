"""Provides the demo practice's content: names, notes, themes, and how often each occurs."""

from __future__ import annotations

from hecht.schema.tables import AlertAction, ReferralReason

EPISODES = 114
"""As many dossiers as the study in the practice analysed by hand."""
DAYS_BACK = 730
COUPLE_SHARE = 1 / 3
ACCESS_POINT = "demo:generator"
PRACTITIONER = "Demo-psycholoog"

EVERY_VISIT = ("who5", "csi4")
"""Measured at every visit of the client referred; a partner's WHO-5 at intake and the end."""
BATTERY = ("rses", "epds", "gad7")
"""Measured at intake and at the last visit, for the client referred."""
OFFSETS = {"who5": 0.0, "csi4": 0.0, "rses": 0.15, "epds": 0.12, "gad7": 0.08}
"""How much healthier each scale reads than the latent level: calibrates totals to the clinic."""
ADMINISTRATION_NOISE, ITEM_NOISE, MISSING_SHARE = 0.03, 0.10, 0.015

REASON_WEIGHTS = {
    ReferralReason.FEAR_OF_CHILDBIRTH: 26,
    ReferralReason.FEAR_OF_PARENTHOOD: 12,
    ReferralReason.TRAUMATIC_BIRTH: 12,
    ReferralReason.STILLBIRTH: 2,
    ReferralReason.LOSS_OR_GRIEF: 8,
    ReferralReason.PARENT_ROLE: 12,
    ReferralReason.RELATIONSHIP_PROBLEMS: 18,
    ReferralReason.OTHER: 6,
}
POSTNATAL_SHARE = {
    ReferralReason.FEAR_OF_CHILDBIRTH: 0.05,
    ReferralReason.FEAR_OF_PARENTHOOD: 0.15,
    ReferralReason.TRAUMATIC_BIRTH: 1.0,
    ReferralReason.STILLBIRTH: 1.0,
    ReferralReason.LOSS_OR_GRIEF: 0.4,
    ReferralReason.PARENT_ROLE: 0.85,
    ReferralReason.RELATIONSHIP_PROBLEMS: 0.5,
    ReferralReason.OTHER: 0.5,
}
REFERRAL_TEXT = {
    ReferralReason.FEAR_OF_CHILDBIRTH: "Veel angst voor de komende bevalling.",
    ReferralReason.FEAR_OF_PARENTHOOD: "Zorgen en twijfels over het ouderschap.",
    ReferralReason.TRAUMATIC_BIRTH: "Bevalling als traumatisch ervaren.",
    ReferralReason.STILLBIRTH: "Kindje stil geboren; begeleiding bij rouw gevraagd.",
    ReferralReason.LOSS_OR_GRIEF: "Verlies tijdens een eerdere zwangerschap.",
    ReferralReason.PARENT_ROLE: "Worstelt met de nieuwe rol als ouder.",
    ReferralReason.RELATIONSHIP_PROBLEMS: "Spanningen in de relatie sinds de zwangerschap.",
    ReferralReason.OTHER: "Somberheid en spanning rond de zwangerschap.",
}
REFERRERS = {"verloskundige": 60, "huisarts": 20, "gynaecoloog": 12, "kraamverzorgende": 8}

FEMALE: tuple[str, ...] = ("Anna", "Sanne", "Lotte", "Fleur", "Eva", "Lisa", "Iris", "Femke")
FEMALE += ("Noor", "Marloes", "Inge", "Esther", "Naomi", "Yara", "Sophie", "Laura", "Maaike")
FEMALE += ("Anouk", "Romy")
MALE: tuple[str, ...] = ("Daan", "Bram", "Thijs", "Jeroen", "Ruben", "Sander", "Tim", "Joost")
MALE += ("Niels", "Mark", "Luuk", "Stijn", "Wouter", "Koen", "Jesse", "Milan")
SURNAMES: tuple[str, ...] = ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer")
SURNAMES += ("de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen")
SURNAMES += ("Dekker", "Brouwer", "de Wit", "Dijkstra", "Kok", "Verhoeven", "van den Berg")
SURNAMES += ("Willems",)

THEMES = {
    ReferralReason.FEAR_OF_CHILDBIRTH: ("bevallingsangst", "controle", "geboorteplan"),
    ReferralReason.FEAR_OF_PARENTHOOD: ("ouderschap", "verwachtingen", "zelfbeeld"),
    ReferralReason.TRAUMATIC_BIRTH: ("bevallingservaring", "herbeleving", "veiligheid"),
    ReferralReason.STILLBIRTH: ("rouw", "verlies", "herinneringen"),
    ReferralReason.LOSS_OR_GRIEF: ("rouw", "verlies", "nieuwe zwangerschap"),
    ReferralReason.PARENT_ROLE: ("ouderrol", "hechting", "draagkracht"),
    ReferralReason.RELATIONSHIP_PROBLEMS: ("relatie", "communicatie", "taakverdeling"),
    ReferralReason.OTHER: ("spanning", "slaap", "zelfzorg"),
}
GENERAL_THEMES = ("steunsysteem", "slaap", "zelfzorg", "hechting", "spanning")
SENTENCES = {
    "bevallingsangst": "Angst rond de bevalling in kaart gebracht; psycho-educatie gegeven.",
    "controle": "Besproken wat helpt om grip te houden als de spanning oploopt.",
    "geboorteplan": "Wensen voor de bevalling op een rij gezet voor de verloskundige.",
    "ouderschap": "Verwachtingen van het ouderschap verkend.",
    "verwachtingen": "Hoge eisen aan zichzelf besproken en bijgesteld.",
    "zelfbeeld": "Kritische gedachten over zichzelf onderzocht en milder verwoord.",
    "bevallingservaring": "Het verhaal van de bevalling stap voor stap doorgenomen.",
    "herbeleving": "Herbelevingen en triggers besproken; stabilisatie geoefend.",
    "veiligheid": "Besproken wat een gevoel van veiligheid geeft, thuis en bij controles.",
    "rouw": "Ruimte gegeven aan verdriet; rouw komt in golven.",
    "verlies": "Stilgestaan bij het verlies en wat het betekent.",
    "herinneringen": "Manieren gezocht om herinneringen een plek te geven.",
    "nieuwe zwangerschap": "Hoop en angst rond de nieuwe zwangerschap naast elkaar gezet.",
    "ouderrol": "De eigen invulling van de ouderrol besproken.",
    "hechting": "Contact met de baby besproken aan de hand van recente voorbeelden.",
    "draagkracht": "Balans tussen draagkracht en draaglast in kaart gebracht.",
    "relatie": "Besproken hoe de relatie op dit moment wordt ervaren.",
    "communicatie": "Geoefend met luisteren en samenvatten voordat er gereageerd wordt.",
    "taakverdeling": "Afspraken over taakverdeling en nachtelijke zorg besproken.",
    "spanning": "Spanningsklachten besproken; ademhalingsoefening meegegeven.",
    "slaap": "Slaap en rustmomenten besproken.",
    "zelfzorg": "Kleine momenten van zelfzorg afgesproken.",
    "steunsysteem": "Nagegaan wie in de omgeving steun kan bieden.",
}
INTAKE_NOTE = "Intake: hulpvraag verkend en doelen opgesteld."
CLOSING_NOTE = "Afsluiting: doelen geëvalueerd en terugvalpreventie besproken."
ACKNOWLEDGEMENTS = (
    (AlertAction.DISCUSSED, "Besproken; geen plannen, belt bij toename van de gedachten.", 30),
    (AlertAction.NO_RISK_ON_ASSESSMENT, "Doorgevraagd: passieve gedachten, geen acuut risico.", 30),
    (AlertAction.SAFETY_PLAN, "Veiligheidsplan opgesteld, samen met de partner.", 20),
    (AlertAction.GP_INFORMED, "Met toestemming de huisarts geïnformeerd.", 10),
    (AlertAction.MIDWIFE_INFORMED, "Verloskundige geïnformeerd; extra controle gepland.", 8),
    (AlertAction.CRISIS_SERVICE, "Crisisdienst geconsulteerd; dezelfde dag beoordeeld.", 2),
)
CLOSE_REASONS = {
    "improve": "behandeling afgerond",
    "flat": "afgerond in overleg",
    "worse": "verwezen naar specialistische ggz",
}
VISIT_COUNTS = {3: 20, 4: 20, 5: 16, 6: 12, 7: 9, 8: 7, 9: 5, 10: 3, 11: 2, 12: 2, 13: 2}
VISIT_COUNTS |= {14: 1, 15: 1}
"""How many visits an episode is planned to have: mostly short, a few long."""
COURSE_KINDS = {"improve": 72, "flat": 18, "worse": 10}
HOURS = (8, 9, 10, 11, 13, 14, 15)
"""Session slots (UTC): one client or couple an hour."""
