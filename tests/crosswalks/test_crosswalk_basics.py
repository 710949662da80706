"""Script detection, transliteration, search keys and the access statement in every format."""

from __future__ import annotations

import pytest
from lxml import etree

from crosswalks import access
from crosswalks.formats import FORMATS
from crosswalks.model import ACCESS_LEVELS, CanonicalRecord, Title
from crosswalks.readers import read_metadata
from crosswalks.transliterate import (
    KAZAKH_LATIN_2021,
    detect_script,
    kazakh_lower,
    kazakh_to_latin,
    russian_to_latin,
    search_keys,
)
from tests.crosswalks.conftest import assert_valid


def test_detect_script_per_string():
    assert detect_script("Қазақстан тарихы") == "Cyrl"
    assert detect_script("Qazaqstan tarihy") == "Latn"
    assert detect_script("Алматы : Atamura") == "mixed"
    assert detect_script("1995 - 2001") is None
    assert detect_script("") is None


def test_kazakh_latin_2021_letters_and_case():
    # the sample sentence of the 2021 alphabet (KAZAKH.md)
    assert kazakh_to_latin("Бұрынғы өткен заманда бір данышпан кісі") == "Būrynğy ötken zamanda bır danyşpan kısı"
    assert kazakh_to_latin("Ілияс") == "Iliias"  # capital І is plain I; я (no letter of its own) is ia
    assert kazakh_to_latin("Иран") == "İran"  # capital И is dotted İ
    assert kazakh_to_latin("ҚАЗАҚ ЕЛІ") == "QAZAQ ELI"
    assert kazakh_to_latin("Ңң Әә Һһ") == "Ŋŋ Ää Hh"  # the eng of the January 2021 alphabet, not Ñ
    assert kazakh_to_latin("ЖАҢА ТАҢБА") == "JAŊA TAŊBA"
    assert kazakh_lower("İI") == "iı"
    assert set("әғқңөұүһі") <= set(KAZAKH_LATIN_2021)


def test_the_kazakh_letters_give_the_31_letters_of_the_2021_alphabet():
    native = "аәбвгғдежзийкқлмнңоөпрстуұүфхһшыі"  # Kazakh Cyrillic without the loanword letters
    letters = {KAZAKH_LATIN_2021[c] for c in native}
    assert letters == set("aäbdefgğhıijklmnŋoöpqrsştuūüvyz")
    assert len(letters) == 31 and not letters & set("cçwxñ")


def test_search_keys_match_the_eng_and_the_tilde_spelling_of_ng():
    """Partners write ң as ŋ (2021) or ñ (Wikipedia, common practice): both fold to n."""
    assert search_keys("Жаңа заман")[1] == search_keys("Jaŋa zaman")[0] == search_keys("Jaña zaman")[0] == "jana zaman"


def test_russian_gost_7_79_system_b():
    source = "Юлия, съешь ещё этих мягких французских булок из Йошкар-Олы, да выпей алтайского чаю"
    expected = "Yuliya, s``esh` eshhyo e`tix myagkix franczuzskix bulok iz Joshkar-Oly`, da vy`pej altajskogo chayu"
    assert russian_to_latin(source) == expected
    assert russian_to_latin("Цирк") == "Cirk"  # ц before и is c


def test_search_keys_fold_and_romanise():
    keys = search_keys("Қазақстан Тарихы")
    assert keys[0] == "қазақстан тарихы"
    assert "qazaqstan tarihy" in keys
    assert search_keys("Qazaqstan tarihy") == ["qazaqstan tarihy"]
    assert search_keys("Éducation à l’école") == ["education a l ecole"]
    assert search_keys("") == []


@pytest.mark.parametrize("level", ACCESS_LEVELS)
def test_access_level_visible_in_every_format(level, payload_schema):
    record = CanonicalRecord(titles=[Title("Абай жолы")], access=level, kind="book")
    terms = access.ACCESS_TERMS[level]
    for metadata_format in FORMATS.values():
        xml = metadata_format.render(record)
        assert_valid(payload_schema, xml)
        assert terms.coar_uri in xml, metadata_format.prefix
        assert terms.statement["en"] in xml or terms.terms_of_use["en"] in xml
        back = read_metadata(etree.fromstring(xml), metadata_format.prefix)
        assert back.access == level, metadata_format.prefix
        assert back.rights == []  # the hub's statements are not read back as partner rights
    if level == "preview-24":
        assert "first 24 pages may be copied" in FORMATS["oai_dc"].render(record)


def test_render_strips_illegal_xml_characters(payload_schema):
    record = CanonicalRecord(titles=[Title("Bad\x00 \x0b title \ud800 with\x1f controls")], access="open")
    for metadata_format in FORMATS.values():
        element = assert_valid(payload_schema, metadata_format.render(record))
        assert "Bad  title  with controls" in "".join(element.itertext())


@pytest.mark.parametrize("name", ["title", "creator", "subject", "description", "publisher", "contributor", "date",
                                  "type", "format", "identifier", "source", "language", "relation", "coverage",
                                  "rights"])
def test_dc_reader_reads_xml_lang_of_exactly_the_elements_whose_language_it_keeps(name):
    """The reader asks lxml for ``xml:lang`` only for the elements whose method uses it."""
    from crosswalks.dc.reader import _HANDLERS, _LANGUAGE_KEPT, _DcReader
    from crosswalks.namespaces import DC_NS

    tag = f"{{{DC_NS}}}{name}"

    def read(lang: str | None) -> dict:
        reader = _DcReader()
        _HANDLERS[tag](reader, "Абай жолы 1942", lang)
        return reader.rec.to_dict()

    assert (read("kk") != read(None)) == (tag in _LANGUAGE_KEPT)

    def read_element(lang: str | None) -> dict:
        attribute = f' xml:lang="{lang}"' if lang else ""
        return read_metadata(etree.fromstring(
            f'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="{DC_NS}">'
            f"<dc:{name}{attribute}>Абай жолы 1942</dc:{name}></oai_dc:dc>")).to_dict()

    assert (read_element("kk") != read_element(None)) == (tag in _LANGUAGE_KEPT)
