"""The keys consolidation matches on, and the blocks it compares within (crosswalks/workkeys.py).

Records are built as the readers build them: MARC keeps the subtitle and the part apart, Dublin
Core writes them into the title with ISBD punctuation; a foreign catalogue romanises.
"""

from __future__ import annotations

import json

import pytest

from crosswalks.model import Agent, CanonicalRecord, DateInfo, Identifier, Relation, Title
from crosswalks.workkeys import KEYS_VERSION, WorkKeys, blocks, manifestation, work_keys


def kazakh_marc_book(part: str = "1-кітап") -> CanonicalRecord:
    """Абай жолы from a Kazakh library's MARC: Cyrillic, subtitle and part in their subfields."""
    return CanonicalRecord(
        titles=[Title("Абай жолы", subtitle="роман-эпопея", part=part, responsibility="Мұхтар Әуезов")],
        agents=[Agent("Әуезов, Мұхтар", relator_term="автор", dates="1897-1961",
                      authority_ids=["(KZ-NABK)000123"], other_forms=["Auezov, Mukhtar"]),
                Agent("Жұмабаев, Б.", role="contributor", relator="редактор")],
        publishers=["«Жазушы» баспасы"], places=["Алматы"], dates=[DateInfo("2017", 2017, 2017)],
        edition="3-басылым", kind="book", extent="512 б. : портр. ; 21 см", languages=["kaz"],
        identifiers=[Identifier("KZ000000001", "local"), Identifier("5794000295", "isbn10"),
                     Identifier("9785794000290", "isbn")],
        relations=[Relation("Қазақ әдебиетінің кітапханасы", "series", number="12")],
    )


def latin_dc_book() -> CanonicalRecord:
    """The same book from a partner's oai_dc in the 2021 Latin alphabet: one title string."""
    return CanonicalRecord(
        titles=[Title("Abai joly : roman-epopeia. 1-kıtap / Mūhtar Äuezov")],
        agents=[Agent("Äuezov, Mūhtar")], publishers=["Jazuşy"], dates=[DateInfo("2017", 2017, 2017)],
        edition="3-basylym", kind="book", extent="512 b.", languages=["kaz"],
        identifiers=[Identifier("978-5-7940-0029-0", "isbn")],
    )


def russian_translation() -> CanonicalRecord:
    return CanonicalRecord(
        titles=[Title("Путь Абая", subtitle="роман", part="Кн. 1")],
        agents=[Agent("Ауэзов, Мухтар Омарханович")], publishers=["Издательство «Жазушы»"],
        dates=[DateInfo("1989", 1989, 1989)], edition="Изд. 2-е, испр.", kind="book", extent="480 с.",
        languages=["rus"],
    )


def test_one_book_in_cyrillic_marc_and_latin_dc_has_the_same_keys():
    marc, dc = work_keys(kazakh_marc_book()), work_keys(latin_dc_book())
    for name in ("title", "subtitle", "year", "volume", "edition", "kind", "publisher", "pages", "isbns"):
        assert getattr(marc, name) == getattr(dc, name), name
    assert marc.title == "abai joli" and marc.subtitle == "roman epopeia" and marc.volume == "1"
    assert dc.creators[0] == marc.creators[0] == "auezov muhtar"


def test_a_kazakh_marc_book():
    keys = work_keys(kazakh_marc_book())
    assert keys == WorkKeys(
        title="abai joli", subtitle="roman epopeia", creators=("auezov muhtar",),
        authorities=("(KZ-NABK)000123",), year=2017, volume="1", edition="3", kind="book",
        languages=("kaz",), publisher="jazusi", pages=512, isbns=("9785794000290",))


def test_a_russian_book():
    keys = work_keys(russian_translation())
    assert (keys.title, keys.subtitle, keys.volume, keys.edition, keys.publisher, keys.pages) == (
        "put abaia", "roman", "1", "2", "jazusi", 480)
    assert keys.creators == ("auezov muhtar omarhanovich",)


def test_an_english_record_romanised_with_the_original_script_beside_it():
    record = CanonicalRecord(
        titles=[Title("Abaĭ zholy", subtitle="roman-ėpopei͡a"),
                Title("Абай жолы", "parallel", subtitle="роман-эпопея", other_script_of="main"),
                Title("Path of Abai", "alternative"), Title("The path of Abai", "uniform")],
        agents=[Agent("Áuezov, Mukhtar, 1897-1961", other_forms=["Әуезов, Мұхтар, 1897-1961"])],
        languages=["kaz", "eng"])
    keys = work_keys(record)
    assert keys.title == "abai joli" and keys.subtitle == "roman epopeia"
    assert keys.other_titles == ("path of abai", "the path of abai")
    assert keys.creators == ("auezov muhtar",)


@pytest.mark.parametrize(("title", "part", "volume", "title_key"), [
    ("Шығармалар жинағы", "Т. 2", "2", "sigarmalar jinagi"),
    ("Шығармалар жинағы. 2-том", None, "2", "sigarmalar jinagi"),
    ("Шығармалар жинағы. Т. 2", None, "2", "sigarmalar jinagi"),
    ("Шығармалар жинағы : он томдық. 2-том", None, "2", "sigarmalar jinagi"),
    ("Shyǵarmalar jınaǵy. Vol. II", None, "2", "sigarmalar jinagi"),
    ("Собрание сочинений : в 10 т.", "Т. 3", "3", "sobranie sochineni"),
    ("Собрание сочинений", "Ч. 1, кн. 2", "1", "sobranie sochineni"),
    ("Complete works", "v. 12", "12", "tsomplete uorks"),
    ("Complete works. Part IV", None, "4", "tsomplete uorks"),
])
def test_volumes_of_a_multivolume_set(title, part, volume, title_key):
    record = CanonicalRecord(titles=[Title(title, part=part)], kind="book")
    keys = work_keys(record)
    assert (keys.volume, keys.title) == (volume, title_key)


def test_a_series_number_is_the_volume_when_nothing_else_is_and_it_says_so():
    record = CanonicalRecord(titles=[Title("Труды")], relations=[Relation("Труды института", number="вып. 3")])
    assert work_keys(record).volume == "3"
    # A bare number counts the book in its publisher's series, which one partner records and the
    # other leaves out: as a volume it would keep the two apart (the labelled set's "typos").
    assert work_keys(kazakh_marc_book(part=None)).volume is None
    assert work_keys(CanonicalRecord(titles=[Title("Роман")])).volume is None


def test_an_article_in_a_journal():
    record = CanonicalRecord(
        titles=[Title("Абай шығармаларындағы философиялық ойлар")], kind="article",
        agents=[Agent("Сәтбаева, Ш. К.")],
        relations=[Relation("Вестник КазНУ. Серия филологическая", "host", number="Т. 5, № 3. - С. 12-20",
                            identifier="1563-0223")],
        identifiers=[Identifier("https://doi.org/10.26577/EJPh-2019-3-p12", "doi")], dates=[DateInfo("2019", 2019)])
    keys = work_keys(record)
    assert keys.component is True and keys.kind == "article"
    assert keys.host == "vestnik kaznu seria filologicheskaia"
    assert (keys.volume, keys.issue) == ("5", "3")
    assert keys.other_ids == ("doi:10.26577/ejph-2019-3-p12",)
    assert "o:doi:10.26577/ejph-2019-3-p12|no 3|in vestnik kaznu seria filologicheskaia" in blocks(keys)


@pytest.mark.parametrize(("kind", "title", "part", "issue"), [
    ("newspaper", "Егемен Қазақстан", "№ 45", "45"),
    ("newspaper", "Егемен Қазақстан. № 45", None, "45"),
    ("journal", "Жұлдыз", "2019, 5-сан", "5"),
    ("journal", "Простор", "№ 11-12", "11-12"),
    ("journal", "Central Asian Survey", "Vol. 38, no. 2", "2"),
])
def test_an_issue_of_a_serial(kind, title, part, issue):
    record = CanonicalRecord(titles=[Title(title, part=part)], kind=kind, identifiers=[Identifier("0378-5955", "issn")])
    keys = work_keys(record)
    assert keys.issue == issue
    assert keys.issns == ("0378-5955",) and f"s:0378-5955|no {issue}" in blocks(keys)
    assert "45" not in keys.title


def test_a_serial_volume_is_not_its_issue():
    keys = work_keys(CanonicalRecord(titles=[Title("Central Asian Survey", part="Vol. 38, no. 2")], kind="journal"))
    assert (keys.volume, keys.issue) == ("38", "2")
    keys = work_keys(CanonicalRecord(titles=[Title("Простор", part="№ 4")], kind="journal"))
    assert (keys.volume, keys.issue) == (None, "4")


def test_a_book_has_no_issue():
    assert work_keys(CanonicalRecord(titles=[Title("Вып. 2", part="№ 4")], kind="book")).issue is None


@pytest.mark.parametrize(("statement", "edition"), [
    ("2-е изд.", "2"), ("2nd ed.", "2"), ("Изд. 3-е, испр.", "3"), ("Second edition", "2"),
    ("Екінші басылым", "2"), ("2-басылым", "2"), ("Third ed.", "3"), ("Revised edition", "revised edition"),
    (None, None),
])
def test_editions(statement, edition):
    assert work_keys(CanonicalRecord(titles=[Title("Абай жолы")], edition=statement)).edition == edition


def test_an_edited_volume_without_a_creator_is_known_by_its_first_contributor():
    record = CanonicalRecord(titles=[Title("Қазақ әдебиетінің тарихы")],
                             agents=[Agent("Қирабаев, С.", role="contributor", relator="edt"),
                                     Agent("Кәкішев, Т.", role="contributor", relator="edt")])
    assert work_keys(record).creators == ("kirabaev s",)


def test_names_lose_dates_and_order():
    record = CanonicalRecord(agents=[Agent("Aitmatov, Chingiz, 1928-2008"), Agent("Шыңғыс Айтматов"),
                                     Agent("Aitmatov, Chingiz, 1928-2008", other_forms=["Айтматов, Чингиз"])])
    assert work_keys(record).creators == ("aitmatov chiniz", "aitmatov sinis")


@pytest.mark.parametrize("name", ["Издательство «Фолиант»", "ТОО «Фолиант»", "Foliant Publishing", "Фолиант",
                                  "Изд-во \"Фолиант\"", "Foliant Press Ltd."])
def test_publishers_without_the_words_every_publisher_has(name):
    assert work_keys(CanonicalRecord(publishers=[name])).publisher == "foliant"


def test_pages_from_the_record_or_its_extent():
    assert work_keys(CanonicalRecord(pages=300, extent="350 с.")).pages == 300
    assert work_keys(CanonicalRecord(extent="xii, 350 p. : ill.")).pages == 350
    assert work_keys(CanonicalRecord(extent="1 CD-ROM")).pages is None


def test_invalid_identifiers_are_left_out():
    record = CanonicalRecord(identifiers=[
        Identifier("9785794000290", "isbn"), Identifier("5794000295", "isbn10"),  # the same book twice
        Identifier("9785794000291", "isbn"),  # check digit fails
        Identifier("9780804429573", "isbn", valid=False),  # a MARC $z: cancelled
        Identifier("0378-5956", "issn"), Identifier("(OCoLC)ocm00012345", "local"), Identifier("KZ1", "local")])
    keys = work_keys(record)
    assert (keys.isbns, keys.issns, keys.other_ids) == (("9785794000290",), (), ("oclc:12345",))


def test_a_general_material_designation_is_not_title():
    record = CanonicalRecord(titles=[Title("Абай жолы [Текст] : роман / М. Әуезов")])
    assert (work_keys(record).title, work_keys(record).subtitle) == ("abai joli", "roman")


def test_parallel_titles_written_into_the_title():
    keys = work_keys(CanonicalRecord(titles=[Title("Абай жолы = Путь Абая = The path of Abai : роман")]))
    assert keys.title == "abai joli" and keys.other_titles == ("put abaia", "the path of abai")
    assert keys.subtitle == ""


def test_an_empty_record():
    assert work_keys(CanonicalRecord()) == WorkKeys()
    assert blocks(WorkKeys()) == []


def test_dict_round_trip_without_empty_values():
    keys = work_keys(kazakh_marc_book())
    data = keys.to_dict()
    assert set(data) == {"title", "subtitle", "creators", "authorities", "year", "volume", "edition", "kind",
                         "languages", "publisher", "pages", "isbns"}
    assert data["creators"] == ["auezov muhtar"]
    assert json.loads(json.dumps(data)) == data
    assert WorkKeys.from_dict(data) == keys
    assert WorkKeys.from_dict({**data, "a later key": 1}) == keys
    article = work_keys(CanonicalRecord(relations=[Relation("Простор", "host")]))
    assert article.to_dict() == {"component": True, "host": "prostor"}
    assert WorkKeys.from_dict(article.to_dict()) == article


def test_blocks_of_a_book():
    assert blocks(work_keys(kazakh_marc_book())) == ["i:9785794000290", "t:abai joli", "a:auezov:aba",
                                                    "a:muhtar:aba"]


def test_block_names_end_with_the_issue_and_the_host():
    assert manifestation(WorkKeys(title="abai joli", edition="2", volume="3")) == ""
    assert manifestation(WorkKeys(issue="5-6", component=True, host="prostor")) == "|no 5-6|in prostor"
    assert blocks(WorkKeys(title="prostor", issns=("0378-5955",), issue="3")) == ["s:0378-5955|no 3",
                                                                                  "t:prostor|no 3"]


def test_the_cyrillic_and_latin_twins_share_their_blocks():
    marc, dc = blocks(work_keys(kazakh_marc_book())), blocks(work_keys(latin_dc_book()))
    assert marc == dc


def test_blocks_of_other_titles_short_titles_and_one_word_titles():
    record = CanonicalRecord(titles=[Title("Жамбыл"), Title("Dzhambul", "alternative"), Title("Ай", "parallel")],
                             agents=[Agent("Жұмабаев, Мағжан")])
    assert blocks(work_keys(record)) == ["t:jambil", "t:djambul", "a:jumabaev:jam", "a:magjan:jam"]
    assert blocks(work_keys(CanonicalRecord(titles=[Title("Ай")], agents=[Agent("Абай")]))) == ["a:abai:ai"]


def test_a_typo_in_the_first_title_word_still_meets_by_author():
    one = work_keys(CanonicalRecord(titles=[Title("Абай жолы")], agents=[Agent("Әуезов, Мұхтар")]))
    typo = work_keys(CanonicalRecord(titles=[Title("Абай жорлы")], agents=[Agent("Auezov, M.")]))
    assert set(blocks(one)) & set(blocks(typo)) == {"a:auezov:aba"}


def test_keys_version():
    assert KEYS_VERSION == 2
