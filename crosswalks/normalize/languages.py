"""Language names, codes and misspellings in Kazakh, Russian and English -> ISO 639-2 (B).

The table :data:`LANGUAGE_NAMES` is the one place to add a spelling.
"""

from __future__ import annotations

import re
from typing import Final

#: ISO 639-2/B code -> spellings met in catalogues (ISO 639-1, 639-2/T, names, abbreviations).
LANGUAGE_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "kaz": ("kk", "kaz", "kazakh", "kazak", "kazakh language", "қазақ", "қазақша", "қаз", "каз",
            "казахский", "казахском", "казах", "казахский язык", "қазақ тілі", "қазақ тілінде",
            "kazakhskii", "qazaq", "qazaqsha", "kazakca", "kasachisch"),
    "rus": ("ru", "rus", "russian", "русский", "русском", "рус", "русский язык", "орыс", "орыс тілі",
            "орысша", "орыс тілінде", "russkii", "russkij", "russisch", "russe"),
    "eng": ("en", "eng", "english", "английский", "англ", "ағылшын", "ағылшын тілі", "ағылш",
            "английском", "anglais", "englisch"),
    "ger": ("de", "ger", "deu", "german", "немецкий", "нем", "неміс", "неміс тілі", "deutsch", "allemand"),
    "fre": ("fr", "fre", "fra", "french", "французский", "франц", "фр", "француз", "француз тілі",
            "français", "francais"),
    "spa": ("es", "spa", "spanish", "испанский", "исп", "испан", "español"),
    "ita": ("it", "ita", "italian", "итальянский", "итал", "итальян"),
    "chi": ("zh", "chi", "zho", "chinese", "китайский", "кит", "қытай", "қытай тілі"),
    "jpn": ("ja", "jpn", "japanese", "японский", "жапон"),
    "kor": ("ko", "kor", "korean", "корейский", "корей"),
    "tur": ("tr", "tur", "turkish", "турецкий", "тур", "түрік", "түрік тілі"),
    "uzb": ("uz", "uzb", "uzbek", "узбекский", "өзбек", "өзбек тілі"),
    "kir": ("ky", "kir", "kirghiz", "kyrgyz", "киргизский", "кыргызский", "қырғыз"),
    "tat": ("tt", "tat", "tatar", "татарский", "татар"),
    "uig": ("ug", "uig", "uighur", "uyghur", "уйгурский", "ұйғыр"),
    "tuk": ("tk", "tuk", "turkmen", "туркменский", "түрікмен"),
    "tgk": ("tg", "tgk", "tajik", "таджикский", "тәжік"),
    "aze": ("az", "aze", "azerbaijani", "азербайджанский", "әзірбайжан"),
    "mon": ("mn", "mon", "mongolian", "монгольский", "моңғол"),
    "ukr": ("uk", "ukr", "ukrainian", "украинский", "укр", "украин"),
    "bel": ("be", "bel", "belarusian", "белорусский", "беларус"),
    "pol": ("pl", "pol", "polish", "польский", "поляк"),
    "ara": ("ar", "ara", "arabic", "арабский", "араб", "араб тілі"),
    "per": ("fa", "per", "fas", "persian", "farsi", "персидский", "парсы"),
    "heb": ("he", "heb", "hebrew", "иврит"),
    "lat": ("la", "lat", "latin", "латинский", "латын"),
    "grc": ("grc", "ancient greek", "древнегреческий"),
    "gre": ("el", "gre", "ell", "greek", "греческий", "грек"),
    "hin": ("hi", "hin", "hindi", "хинди"),
    "por": ("pt", "por", "portuguese", "португальский"),
    "dut": ("nl", "dut", "nld", "dutch", "голландский", "нидерландский"),
    "swe": ("sv", "swe", "swedish", "шведский"),
    "fin": ("fi", "fin", "finnish", "финский"),
    "cze": ("cs", "cze", "ces", "czech", "чешский"),
    "geo": ("ka", "geo", "kat", "georgian", "грузинский"),
    "arm": ("hy", "arm", "hye", "armenian", "армянский"),
    "mul": ("mul", "multiple languages", "многоязычный", "көп тілді"),
    "und": ("und", "undetermined"),
    "zxx": ("zxx", "no linguistic content"),
}

_SUFFIXES: Final = re.compile(r"\s*(?:language|язык[а-я]*|яз|тілі[а-яәғқңөұүһі]*|тіл|lang)\.?$")
_SEPARATORS: Final = re.compile(r"\s*(?:[,;/+&|]|\s(?:and|и|және|en|und)\s)\s*")


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in LANGUAGE_NAMES.items():
        for name in names:
            index[name] = code
    return index


_BY_NAME: Final = _index()


def _key(text: str) -> str:
    key = " ".join(text.casefold().replace("ё", "е").split()).strip(" .:()[]")
    key = re.sub(r"^(?:на|in|text in|текст на)\s+", "", key)
    key = key.split("-")[0] if re.fullmatch(r"[a-z]{2,3}-[a-z0-9-]+", key) else key  # BCP 47: kk-Cyrl
    return key


def language_code(text: str | None) -> str | None:
    """ISO 639-2/B code for one language name or code, else None."""
    if not text:
        return None
    if text in _BY_NAME:  # the usual case: a MARC code such as "kaz"
        return _BY_NAME[text]
    key = _key(text)
    if key in _BY_NAME:
        return _BY_NAME[key]
    stripped = _key(_SUFFIXES.sub("", key))
    if stripped in _BY_NAME:
        return _BY_NAME[stripped]
    for length in (6, 5, 4):  # "казахск", "қазақш": abbreviations cut anywhere
        for name, code in _BY_NAME.items():
            if len(stripped) >= length and len(name) >= length and name.startswith(stripped[:length]) \
                    and stripped.startswith(name[:length]) and len(name) > 3:
                return code
    return None


def language_codes(text: str | None) -> list[str]:
    """All languages named in a text such as "Kazakh, Russian" or "каз.; рус."; unknown parts skipped."""
    if not text:
        return []
    codes: list[str] = []
    for part in _SEPARATORS.split(text):
        code = language_code(part)
        if code and code not in codes:
            codes.append(code)
    return codes
