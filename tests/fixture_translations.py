"""French and Spanish for the fixture document (tests/fixtures/content/brochure.yaml)."""

FR = {
    "Ending child immigration detention": "Mettre fin à la détention des enfants migrants",
    "A small fixture document": "Un petit document d’essai",
    "Fixture": "Essai",
    "Inter-Agency Working Group to End Child Immigration Detention":
        "Groupe de travail interinstitutions pour mettre fin à la détention des enfants migrants",
    "Test edition": "Édition d’essai",
    "The numbers": "Les chiffres",
    "Every year at least **330,000 children** are detained.[^global-study]":
        "Chaque année, au moins **330 000 enfants** sont détenus.[^global-study]",
    "children detained each year": "enfants détenus chaque année",
    "of detained teenagers showed severe depression":
        "des adolescents détenus souffraient de dépression grave",
    "Children are *rights holders*.": "Les enfants sont *titulaires de droits*.",
    "Detention harms them.": "La détention leur nuit.",
    "The law": "Le droit",
    "No child shall be deprived of his or her liberty unlawfully or arbitrarily.":
        "Nul enfant ne doit être privé de liberté de façon illégale ou arbitraire.",
    "Convention on the Rights of the Child, art. 37 (b)[^crc]":
        "Convention relative aux droits de l’enfant, art. 37 b)[^crc]",
    "Detention is never in the best interests of the child.":
        "La détention n’est jamais dans l’intérêt supérieur de l’enfant.",
    "In short": "En bref",
    "Children uprooted in 2015": "Enfants déracinés en 2015",
    "million": "millions",
    "Refugees": "Réfugiés",
    "Internally displaced": "Déplacés internes",
    "Instruments": "Instruments",
    "Instrument": "Instrument",
    "Year": "Année",
    "Convention on the Rights of the Child": "Convention relative aux droits de l’enfant",
    "UN *Global Study on Children Deprived of Liberty*, A/74/136, 2019.":
        "ONU, *Étude mondiale sur les enfants privés de liberté*, A/74/136, 2019.",
    "Mares, *Health and Human Rights Journal*.": "Mares, *Health and Human Rights Journal*.",
    "Convention on the Rights of the Child, 1989.": "Convention relative aux droits de l’enfant, 1989.",
    "UNICEF, *Uprooted*, 2016.": "UNICEF, *Uprooted*, 2016.",
    "Advocacy Brochure": "Brochure de plaidoyer",
    "Published by the {publisher}": "Publié par le {publisher}",
    "Available in {languages}.": "Disponible en {languages}.",
    "Contents": "Sommaire",
    "Contact:": "Contact :",
    "Members: {members}": "Membres : {members}",
    "Notes": "Notes",
    "Current as of {date}.": "À jour au {date}.",
    "Where a text quoted here has no official version in this language, the translation is "
    "unofficial; the official texts prevail.": "Lorsqu’un texte cité n’a pas de version "
    "officielle en français, la traduction n’est pas officielle ; les textes officiels font foi.",
    "Bar chart: {title}.": "Graphique à barres : {title}.",
    "{label}: {figure}.": "{label} : {figure}.",
    "Section {number}: {title}": "Section {number} : {title}",
    "Note {number}": "Note {number}",
    "Back to the call of note {number}": "Retour à l’appel de la note {number}",
}

ES = {
    "Ending child immigration detention": "Poner fin a la detención de niños migrantes",
    "The numbers": "Las cifras",
    "Every year at least **330,000 children** are detained.[^global-study]":
        "Cada año se detiene al menos a **330.000 niños**.[^global-study]",
    "children detained each year": "niños detenidos cada año",
    "The law": "El derecho",
    "Detention harms them.": "La detención les perjudica.",
    "Contents": "Índice",
    "Advocacy Brochure": "Folleto de incidencia",
}


def fill(po_path, table):
    """Write the translations in ``table`` into a catalogue, as a translator would."""
    from pressroom.messages import pofile

    catalog = pofile.parse(po_path.read_bytes(), str(po_path))
    for message in catalog:
        if message.id in table:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
            message.previous_id = []
    po_path.write_bytes(pofile.dumps(catalog))
