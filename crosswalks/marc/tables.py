"""Lookup tables for the MARC crosswalk: leader types, relators, subject schemes, notes, places."""

from __future__ import annotations

#: ldr/06 -> DCMI type (LOC crosswalk document, table 1c; Collection is decided by ldr/07).
LEADER_DCMI: dict[str, str] = {
    "a": "Text", "t": "Text", "c": "Text", "d": "Text", "e": "Image", "f": "Image", "g": "MovingImage",
    "k": "StillImage", "i": "Sound", "j": "Sound", "m": "Software", "r": "PhysicalObject",
}

#: document kind -> (ldr/06, ldr/07) written for it.
KIND_LEADER: dict[str, tuple[str, str]] = {
    "book": ("a", "m"), "thesis": ("a", "m"), "newspaper": ("a", "s"), "journal": ("a", "s"),
    "article": ("a", "a"), "manuscript": ("t", "m"), "audio": ("i", "m"), "video": ("g", "m"),
    "image": ("k", "m"), "map": ("e", "m"),
}

#: DCMI type -> ldr/06 for records that have a DCMI type but no kind.
DCMI_LEADER: dict[str, str] = {
    "Text": "a", "Sound": "i", "StillImage": "k", "Image": "k", "MovingImage": "g",
    "Software": "m", "PhysicalObject": "r", "Collection": "p", "Dataset": "m", "InteractiveResource": "m",
}

#: RDA content / media / carrier (336 / 337 / 338) by document kind: (term, code).
KIND_CONTENT: dict[str, tuple[str, str]] = {
    "audio": ("spoken word", "spw"), "video": ("two-dimensional moving image", "tdi"),
    "image": ("still image", "sti"), "map": ("cartographic image", "cri"),
}

#: Relator codes (MARC relator list) for the terms met in kk/ru/en catalogues.
RELATOR_CODES: dict[str, str] = {
    "author": "aut", "автор": "aut", "авторы": "aut",
    "editor": "edt", "редактор": "edt", "ред": "edt", "ответственный редактор": "edt",
    "жауапты редактор": "edt", "жауапты ред": "edt", "отв. ред": "edt",
    "translator": "trl", "переводчик": "trl", "пер": "trl", "аударған": "trl", "аудармашы": "trl",
    "illustrator": "ill", "иллюстратор": "ill", "художник": "ill", "суретші": "ill",
    "compiler": "com", "составитель": "com", "сост": "com", "құрастырған": "com", "құрастырушы": "com",
    "contributor": "ctb", "collaborator": "ctb",
    "publisher": "pbl", "издатель": "pbl", "баспа": "pbl",
    "photographer": "pht", "фотограф": "pht",
    "composer": "cmp", "композитор": "cmp",
    "performer": "prf", "исполнитель": "prf", "орындаушы": "prf",
    "narrator": "nrt", "чтец": "nrt",
    "thesis advisor": "ths", "научный руководитель": "ths", "ғылыми жетекші": "ths",
    "degree granting institution": "dgg", "sponsor": "spn",
    "commentator": "cmm", "комментатор": "cmm", "cartographer": "ctg", "картограф": "ctg",
    "interviewer": "ivr", "interviewee": "ive", "writer of introduction": "win",
    "writer of preface": "wpr", "director": "drt", "режиссер": "drt", "producer": "pro",
}
#: Relator code -> English term, for records that give only $4.
RELATOR_TERMS: dict[str, str] = {
    "aut": "author", "edt": "editor", "trl": "translator", "ill": "illustrator", "com": "compiler",
    "ctb": "contributor", "pbl": "publisher", "pht": "photographer", "cmp": "composer",
    "prf": "performer", "nrt": "narrator", "ths": "thesis advisor", "dgg": "degree granting institution",
    "spn": "sponsor", "cmm": "commentator", "ctg": "cartographer", "ivr": "interviewer",
    "ive": "interviewee", "win": "writer of introduction", "wpr": "writer of preface",
    "drt": "director", "pro": "producer", "cre": "creator",
}
#: Relators that make an added entry a creator rather than a contributor.
AUTHOR_RELATORS = {"aut", "cre"}

#: 6XX ind2 -> subject scheme (ind2 7: the scheme is in $2).
SUBJECT_IND2: dict[str, str] = {
    "0": "lcsh", "1": "lcshac", "2": "mesh", "3": "nal", "4": "keyword", "5": "cash", "6": "rvm",
}
SUBJECT_SCHEME_IND2: dict[str, str] = {scheme: ind2 for ind2, scheme in SUBJECT_IND2.items()}

#: Subject tag -> kind of subject.
SUBJECT_TAGS: dict[str, str] = {
    "600": "name", "610": "name", "611": "name", "630": "title", "648": "temporal",
    "650": "topic", "651": "geographic", "653": "topic", "655": "genre",
}
#: kind -> tag written for it (names by agent kind: see the writer).
SUBJECT_KIND_TAG: dict[str, str] = {
    "topic": "650", "geographic": "651", "temporal": "648", "genre": "655", "title": "630", "name": "600",
}

#: Classification tags and the scheme name each carries ($2 for 084).
CLASSIFICATION_TAGS: dict[str, str] = {"050": "lcc", "060": "nlm", "080": "udc", "082": "ddc"}
CLASSIFICATION_SCHEME_TAG: dict[str, str] = {s: t for t, s in CLASSIFICATION_TAGS.items()}
#: 084 $2 source codes <-> scheme names the hub uses.
SOURCE_CODES: dict[str, str] = {"rubbk": "bbk", "rubbkk": "bbk", "rubbks": "bbk", "bbk": "bbk"}

#: Note tags <-> description kinds (others 5XX keep their tag as "note-5XX").
NOTE_KINDS: dict[str, str] = {
    "500": "note", "502": "thesis", "504": "bibliography", "505": "toc", "508": "credits",
    "511": "performers", "518": "event", "520": "abstract", "521": "audience", "538": "system",
    "546": "language", "561": "provenance", "586": "awards",
}
NOTE_TAGS: dict[str, str] = {kind: tag for tag, kind in NOTE_KINDS.items()}
#: 5XX fields the crosswalk reads elsewhere (access, rights, coverage, source...).
NOT_NOTES = {"506", "540", "522", "530", "533", "534"}

#: Places of publication -> MARC country code for 008/15-17.
PLACE_COUNTRY: dict[str, str] = {
    "алматы": "kz", "almaty": "kz", "алма-ата": "kz", "астана": "kz", "astana": "kz",
    "нур-султан": "kz", "нұр-сұлтан": "kz", "nur-sultan": "kz", "шымкент": "kz", "караганда": "kz",
    "қарағанды": "kz", "павлодар": "kz", "семей": "kz", "актобе": "kz", "ақтөбе": "kz", "тараз": "kz",
    "костанай": "kz", "қостанай": "kz", "усть-каменогорск": "kz", "өскемен": "kz", "атырау": "kz",
    "москва": "ru", "moscow": "ru", "м": "ru", "санкт-петербург": "ru", "спб": "ru", "ленинград": "ru",
    "новосибирск": "ru", "омск": "ru", "london": "enk", "oxford": "enk", "paris": "fr",
    "new york": "nyu", "berlin": "gw", "бишкек": "kg", "ташкент": "uz", "tashkent": "uz",
}

#: MARC script identification codes ($6 ".../(N") <-> ISO 15924 script codes.
SCRIPT_CODES: dict[str, str] = {"(3": "Arab", "(B": "Latn", "$1": "Hani", "(N": "Cyrl", "(S": "Grek", "(2": "Hebr"}
SCRIPT_MARC: dict[str, str] = {script: code for code, script in SCRIPT_CODES.items()}
#: Tags whose 880 becomes an other-script title, and the kind of the title it renders.
LINKED_TITLE_KINDS: dict[str, str] = {"245": "main", "246": "alternative", "130": "uniform", "240": "uniform",
                                      "730": "uniform"}
