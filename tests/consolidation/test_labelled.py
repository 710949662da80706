"""Tests of the labelled consolidation set itself (tests/consolidation/labelled.py), not of the matcher."""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from itertools import islice

import pytest

from crosswalks.model import CanonicalRecord
from tests.consolidation.labelled import (
    STRATA,
    LabelledPair,
    kk_genitive,
    kk_possessive,
    labelled_pairs,
    labelled_records,
    quotas,
    synthetic_collection,
)
from tests.consolidation.scripts import (
    WRITERS,
    compact,
    isbn10_check,
    isbn13_check,
    isbn13_of,
    isbn_valid,
    issn_check,
    issn_valid,
    script_of,
)

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@pytest.fixture(scope="module")
def pairs() -> list[LabelledPair]:
    return labelled_pairs()


def _isbns(record: CanonicalRecord, valid_only: bool = True) -> set[str]:
    found = set()
    for identifier in record.identifiers:
        if identifier.scheme in ("isbn", "isbn10") and (identifier.valid or not valid_only):
            normal = isbn13_of(identifier.value)
            if normal:
                found.add(normal)
    return found


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11,
          "XII": 12}


def volume_of(record: CanonicalRecord) -> int | None:
    """The volume number a record's main title states (part, or the end of the title), None for none."""
    title = record.titles[0]
    text = title.part or title.value
    found = re.findall(r"(?<![\w])(\d+|[IVX]+)(?=\b)", text)
    if not found:
        return None
    last = found[-1]
    return int(last) if last.isdigit() else _ROMAN[last]


# -- the counts ---------------------------------------------------------------------------------------


def test_counts_per_stratum(pairs: list[LabelledPair]) -> None:
    counts = Counter(p.stratum for p in pairs)
    assert len(pairs) == 3200
    assert set(counts) == set(STRATA)
    assert min(counts.values()) >= 100, counts
    assert counts == Counter(quotas(3200))
    positives = [p for p in pairs if p.same]
    assert len(positives) >= 1000
    assert len(pairs) - len(positives) >= 1000
    assert sum(p.cross_script for p in positives) >= 600


@pytest.mark.parametrize("size", [0, 1, 27, 300, 1000, 5000])
def test_quotas_add_up(size: int) -> None:
    assert sum(quotas(size).values()) == size


def test_a_small_set_has_the_size_asked() -> None:
    small = labelled_pairs(seed=5, size=300)
    assert len(small) == 300
    assert len({p.stratum for p in small}) == len(STRATA)


def test_labels_follow_the_strata(pairs: list[LabelledPair]) -> None:
    for pair in pairs:
        assert pair.same == STRATA[pair.stratum].same, pair.stratum
        assert pair.related == (pair.stratum == "kk-ru-translation")
        assert pair.a is not pair.b


def test_building_is_fast() -> None:
    start = time.perf_counter()
    labelled_pairs(seed=3)
    assert time.perf_counter() - start < 2.0


# -- determinism -------------------------------------------------------------------------------------


def _dump(items: list[LabelledPair]) -> list[tuple]:
    return [(p.stratum, p.same, p.detail, p.a.to_dict(), p.b.to_dict()) for p in items]


def test_deterministic_for_a_seed(pairs: list[LabelledPair]) -> None:
    assert _dump(labelled_pairs(seed=21)) == _dump(pairs)
    assert _dump(labelled_pairs(seed=22)) != _dump(pairs)


def test_synthetic_collection_is_deterministic() -> None:
    one = [r.to_dict() for r in synthetic_collection(2000, seed=4)]
    two = [r.to_dict() for r in synthetic_collection(2000, seed=4)]
    assert one == two
    assert one != [r.to_dict() for r in synthetic_collection(2000, seed=5)]


# -- standard numbers -------------------------------------------------------------------------------


def test_check_digit_functions() -> None:
    """Against the worked examples of the ISBN and ISSN articles (978-0-306-40615-7, 0378-5955)."""
    assert isbn13_check("978030640615") == "7" and isbn_valid("978-0-306-40615-7")
    assert isbn10_check("030640615") == "2" and isbn_valid("0-306-40615-2")
    assert isbn13_of("0-306-40615-2") == "9780306406157"
    assert not isbn_valid("978-0-306-40615-8") and not isbn_valid("0-306-40615-3")
    assert isbn10_check("000000000") == "0" and isbn10_check("080442957") == "X"
    assert issn_check("0378595") == "5" and issn_valid("0378-5955") and not issn_valid("0378-5956")


def test_isbns_and_issns_have_valid_check_digits(pairs: list[LabelledPair]) -> None:
    seen = {"valid": 0, "mistyped": 0, "issn": 0}
    for pair in pairs:
        for record in (pair.a, pair.b):
            for identifier in record.identifiers:
                if identifier.scheme in ("isbn", "isbn10"):
                    assert isbn_valid(identifier.value) == identifier.valid, identifier
                    if identifier.scheme == "isbn10":
                        assert len(compact(identifier.value)) == 10
                    seen["valid" if identifier.valid else "mistyped"] += 1
                elif identifier.scheme == "issn":
                    assert issn_valid(identifier.value), identifier
                    assert re.fullmatch(r"\d{4}-\d{3}[\dX]", identifier.value)
                    seen["issn"] += 1
            for relation in record.relations:
                if relation.kind == "host" and relation.identifier:
                    assert issn_valid(relation.identifier) or isbn_valid(relation.identifier)
    assert seen["valid"] > 2000 and seen["mistyped"] >= 10 and seen["issn"] > 300


def test_isbn_forms_vary(pairs: list[LabelledPair]) -> None:
    values = [i.value for p in pairs for r in (p.a, p.b) for i in r.identifiers if i.scheme in ("isbn", "isbn10")]
    lengths = Counter((len(compact(v)), "-" in v) for v in values)
    assert all(lengths[form] > 50 for form in ((10, True), (10, False), (13, True), (13, False))), lengths
    assert any(v.startswith(("978-601", "978601")) for v in values)
    assert any(v.startswith("9965") for v in values)


# -- what each stratum promises -----------------------------------------------------------------------


def test_cross_script_positives_differ_in_script(pairs: list[LabelledPair]) -> None:
    for pair in pairs:
        a, b = script_of(pair.a.main_title), script_of(pair.b.main_title)
        assert pair.cross_script == (a != b)
        if STRATA[pair.stratum].cross_script:
            assert pair.cross_script, pair
            assert {a, b} == {"Cyrl", "Latn"}
            names = [r.agents[0].name for r in (pair.a, pair.b) if r.agents]
            if len(names) == 2:
                assert script_of(names[0]) != script_of(names[1])


def test_romanised_kazakh_changes_kazakh_letters(pairs: list[LabelledPair]) -> None:
    """The Cyrillic side of most Kazakh cross-script pairs has Kazakh-only letters the Latin side renders."""
    kazakh = [p for p in pairs if p.stratum.startswith("kk-cyrillic-") and p.stratum != "kk-cyrillic-degraded"]
    with_letters = 0
    for pair in kazakh:
        cyrillic = pair.a if script_of(pair.a.main_title) == "Cyrl" else pair.b
        if KAZAKH_LETTERS & set(cyrillic.main_title or ""):
            with_letters += 1
    assert with_letters / len(kazakh) > 0.6


def test_degraded_pairs_stay_cyrillic_but_lose_kazakh_letters(pairs: list[LabelledPair]) -> None:
    for pair in (p for p in pairs if p.stratum == "kk-cyrillic-degraded"):
        assert script_of(pair.a.main_title) == script_of(pair.b.main_title) == "Cyrl"
        assert pair.a.main_title != pair.b.main_title


def test_set_volume_negatives_share_an_isbn_and_differ_in_volume(pairs: list[LabelledPair]) -> None:
    volumes = [p for p in pairs if p.stratum == "set-volumes"]
    assert volumes and not any(p.same for p in volumes)
    for pair in volumes:
        assert _isbns(pair.a) & _isbns(pair.b), pair.detail
        assert volume_of(pair.a) != volume_of(pair.b), (pair.a.titles[0], pair.b.titles[0])
    assert sum(volume_of(p.a) is None or volume_of(p.b) is None for p in volumes) >= 5  # set records


def test_same_volume_positives_name_one_volume(pairs: list[LabelledPair]) -> None:
    for pair in (p for p in pairs if p.stratum == "set-volumes-same-volume"):
        assert volume_of(pair.a) == volume_of(pair.b) is not None


def test_editions_differ_in_statement_and_year(pairs: list[LabelledPair]) -> None:
    reused = 0
    for pair in (p for p in pairs if p.stratum == "editions"):
        assert pair.a.edition != pair.b.edition or pair.a.year != pair.b.year
        assert pair.a.year != pair.b.year
        if not pair.a.edition or not pair.b.edition:
            assert abs(pair.a.year - pair.b.year) >= 2
        reused += bool(_isbns(pair.a) & _isbns(pair.b))
    assert reused >= 10


def test_year_rules(pairs: list[LabelledPair]) -> None:
    """The labels' rule: a printing one year apart is the same manifestation, more than one is not."""
    for pair in pairs:
        if pair.stratum == "year-off-by-one":
            assert abs(pair.a.year - pair.b.year) == 1
        elif pair.stratum == "reprints":
            assert abs(pair.a.year - pair.b.year) >= 2
        elif pair.same and pair.a.kind == pair.b.kind == "book":
            assert pair.a.year == pair.b.year, pair.stratum


def test_translations_are_related_not_same(pairs: list[LabelledPair]) -> None:
    translations = [p for p in pairs if p.stratum == "kk-ru-translation"]
    same_title = 0
    for pair in translations:
        assert pair.related and not pair.same
        translated = [r for r in (pair.a, pair.b) if any(a.relator == "trl" for a in r.agents)]
        assert len(translated) == 1
        original = pair.b if translated[0] is pair.a else pair.a
        assert translated[0].languages in ([], ["rus"]) and original.languages in ([], ["kaz"])
        same_title += translated[0].main_title == original.main_title  # "Хан" is "Хан" in Russian too
    assert same_title < len(translations) / 10


def test_components_and_hosts(pairs: list[LabelledPair]) -> None:
    for pair in (p for p in pairs if p.stratum in ("component-host", "book-review")):
        kinds = {pair.a.kind, pair.b.kind}
        assert "article" in kinds and len(kinds) == 2
        article = pair.a if pair.a.kind == "article" else pair.b
        host = pair.b if article is pair.a else pair.a
        assert [r.kind for r in article.relations] == ["host"]
        if pair.stratum == "component-host":
            assert (host.main_title or "").startswith(article.relations[0].title)


def test_serial_issues(pairs: list[LabelledPair]) -> None:
    for pair in pairs:
        if pair.stratum in ("serial-issues", "serial-different-issues"):
            assert pair.a.kind == pair.b.kind == "journal"
            assert pair.a.main_title == pair.b.main_title or pair.cross_script
            issns = [set(r.identifiers_of("issn")) for r in (pair.a, pair.b)]
            assert issns[0] & issns[1] or not issns[0] or not issns[1]
        if pair.stratum == "serial-different-issues":
            assert (pair.a.titles[0].part, pair.a.year) != (pair.b.titles[0].part, pair.b.year)


def test_anonymous_strata_have_no_creators(pairs: list[LabelledPair]) -> None:
    for pair in (p for p in pairs if p.stratum in ("anonymous", "anonymous-different")):
        assert not pair.a.creators and not pair.b.creators
    different = [p for p in pairs if p.stratum == "anonymous-different"]
    assert all(p.a.titles[0].value.split(" : ")[0] == p.b.titles[0].value.split(" : ")[0] for p in different)
    assert all(p.a.publishers != p.b.publishers for p in different)


def test_records_look_like_catalogue_records(pairs: list[LabelledPair]) -> None:
    records = {id(r): r for p in pairs for r in (p.a, p.b)}.values()
    kinds = Counter(r.kind for r in records)
    assert kinds["book"] > 4000 and kinds["journal"] > 100 and kinds["article"] > 200
    for record in records:
        assert record.main_title and record.source.partner and record.source.identifier
        assert record.dates and record.year is not None and 1950 <= record.year <= 2024
        assert set(record.languages) <= {"kaz", "rus", "eng"}
        if record.kind == "book":
            assert record.extent and record.publishers and record.places
    units = Counter(re.sub(r"[\d\[\], ]+", "", r.extent or "")[:2] for r in records)
    assert units["б."] > 100 and units["с."] > 100 and units["p."] > 100
    names = [a.name for r in records for a in r.creators]
    assert sum(", " in n for n in names) > 1000 and sum(", " not in n for n in names) > 300
    assert any(a.dates for r in records for a in r.agents)
    assert any(r.relations and r.relations[0].kind == "series" and r.relations[0].number for r in records)
    kazakh = [r for r in records if r.languages == ["kaz"] and script_of(r.main_title) == "Cyrl"]
    assert sum(bool(KAZAKH_LETTERS & set(r.main_title)) for r in kazakh) / len(kazakh) > 0.6


# -- the ground truth of labelled_records -------------------------------------------------------------


def test_labelled_records_ground_truth() -> None:
    pairs = labelled_pairs(seed=21)
    records, truth = labelled_records(seed=21)
    # labelled_records lists the records of labelled_pairs in order of first appearance
    position: dict[int, int] = {}
    for pair in pairs:
        for record in (pair.a, pair.b):
            position.setdefault(id(record), len(position))
    assert len(position) == len(records)
    by_position = {n: r for p in pairs for r in (p.a, p.b) for n in [position[id(r)]]}
    assert all(records[n].to_dict() == r.to_dict() for n, r in by_position.items())
    assert all(isinstance(p, frozenset) and len(p) == 2 for p in truth)
    # consistent with the pairs: no record pair labelled both ways, and truth says what the label says
    labelled: dict[frozenset[int], bool] = {}
    for pair in pairs:
        key = frozenset((position[id(pair.a)], position[id(pair.b)]))
        assert labelled.setdefault(key, pair.same) == pair.same
        assert (key in truth) == pair.same, pair.stratum
    # transitively closed: the pairs form complete clusters
    neighbours: dict[int, set[int]] = defaultdict(set)
    for link in truth:
        i, j = tuple(link)
        neighbours[i].add(j)
        neighbours[j].add(i)
    for i, near in neighbours.items():
        for j in near:
            assert near - {j} <= neighbours[j], (i, j)
    assert len(truth) >= sum(p.same for p in pairs)
    assert any(len(near) >= 2 for near in neighbours.values())  # some clusters of three


def test_negatives_never_render_identically(pairs: list[LabelledPair]) -> None:
    """Two records labelled different always differ in something besides their source."""
    def content(record: CanonicalRecord) -> dict:
        data = record.to_dict()
        data.pop("source", None)
        return data

    for pair in pairs:
        if not pair.same:
            assert content(pair.a) != content(pair.b), pair.stratum


# -- the script writers ----------------------------------------------------------------------------------


def test_russian_romanisations_match_the_reference_samples() -> None:
    """The iuliia sample sentence of KAZAKH.md section 3a, in the three tables."""
    sample = "Юлия, съешь ещё этих мягких французских булок из Йошкар-Олы, да выпей алтайского чаю"
    assert WRITERS["iso9-ru"](sample) == "Ûliâ, sʺešʹ eŝë ètih mâgkih francuzskih bulok iz Joškar-Oly, da vypej " \
                                       "altajskogo čaû"
    assert WRITERS["gost-b-ru"](sample) == "Yuliya, s``esh` eshhyo e`tix myagkix franczuzskix bulok iz " \
                                          "Joshkar-Oly`, da vy`pej altajskogo chayu"
    assert WRITERS["ala-lc-ru"](sample) == "I͡ulii͡a, sʺeshʹ eshchë ėtikh mi͡agkikh frant͡suzskikh bulok iz " \
                                          "Ĭoshkar-Oly, da vypeĭ altaĭskogo chai͡u"


@pytest.mark.parametrize(("writer", "expected"), [
    ("latin2021", "Qazaq ädebietınıñ tarihy. Şyğarmalar jinağy. Ūly dala. İgılık. Üi"),
    ("latin2021-eng", "Qazaq ädebietınıŋ tarihy. Şyğarmalar jinağy. Ūly dala. İgılık. Üi"),
    ("latin2018", "Qazaq ádebıetiniń tarıhy. Shyǵarmalar jınaǵy. Uly dala. Igilik. Úı"),
    ("latin2017", "Qazaq a'debi'etinin' tari'hy. S'yg'armalar ji'nag'y. Uly dala. I'gilik. U'i'"),
    ("lc", "Ḳazaḳ ădebīetinin͡g tarīkhy. Shygharmalar zhīnaghy. Ūly dala. Īgilik. U̇ĭ"),
    ("lc-plain", "Kazak adebietining tarikhy. Shygharmalar zhinaghy. Uly dala. Igilik. Ui"),
    ("iso9", "Ķazaķ a̋debietìnìņ tarihy. Šyġarmalar žinaġy. U̇ly dala. Igìlìk. Ùj"),
    ("gost-b", "K`azak` a`debieti`ni`n` tarixy`. Shy`g`armalar zhinag`y`. U`ly` dala. Igi`li`k. U``j"),
    ("degraded-ru", "Казак адебиетинин тарихы. Шыгармалар жинагы. Улы дала. Игилик. Уй"),
])
def test_kazakh_writers(writer: str, expected: str) -> None:
    assert WRITERS[writer]("Қазақ әдебиетінің тарихы. Шығармалар жинағы. Ұлы дала. Игілік. Үй") == expected


def test_informal_writers_use_the_english_exonym() -> None:
    assert WRITERS["informal-k-ng-y-zh"]("Қазақстан тарихы. Жаңа ғасыр") == "Kazakhstan tarikhy. Zhanga gasyr"
    assert WRITERS["informal-q-n-i-j"]("Қазақстан тарихы. Жаңа ғасыр") == "Qazaqstan tarikhi. Jana ghasir"


def test_kazakh_suffixes() -> None:
    assert [kk_genitive(w) for w in ("дала", "тау", "ән", "кітап", "жүрек", "көз")] == [
        "даланың", "таудың", "әннің", "кітаптың", "жүректің", "көздің"]
    assert [kk_possessive(w) for w in ("бала", "тау", "ән", "кітап", "жүрек", "құқық")] == [
        "баласы", "тауы", "әні", "кітабы", "жүрегі", "құқығы"]


# -- the synthetic stream --------------------------------------------------------------------------------


def test_synthetic_collection_shape() -> None:
    start = time.perf_counter()
    records = list(synthetic_collection(20_000, seed=1))
    elapsed = time.perf_counter() - start
    assert len(records) == 20_000
    assert elapsed < 10, elapsed  # about 50 µs a record: a million in under a minute
    kinds = Counter(r.kind for r in records)
    assert kinds["book"] > 17_000 and kinds["journal"] and kinds["article"]
    scripts = Counter(script_of(r.main_title) for r in records)
    assert scripts["Latn"] > 2000 and scripts["Cyrl"] > 14_000
    isbn_holders: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for value in _isbns(record):
            isbn_holders[value].add(record.source.partner or "")
    shared = sum(len(partners) > 1 for partners in isbn_holders.values())
    assert shared > 500  # works held by several partners
    volumes = sum(1 for r in records if r.titles[0].part and r.kind == "book")
    assert volumes > 500
    assert sum(bool(r.edition) for r in records) > 300
    assert len({r.source.partner for r in records}) > 20


def test_synthetic_collection_streams() -> None:
    stream = synthetic_collection(10**9, seed=2)
    assert len(list(islice(stream, 10))) == 10
