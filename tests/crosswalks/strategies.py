"""Hypothesis strategies for canonical records holding what MARC, MODS and oai_dc can carry.

Text is made of whole words without edge punctuation: ISBD punctuation is added by
the MARC writer and trimmed by the reader, so a value that itself ended in " :"
could not survive, and that is the format, not a fault.
"""

from __future__ import annotations

from hypothesis import strategies as st

from crosswalks.dc.reader import TYPE_KINDS
from crosswalks.model import (
    DOCUMENT_KINDS,
    Agent,
    CanonicalRecord,
    DateInfo,
    Description,
    DigitalObject,
    Identifier,
    Relation,
    Subject,
    Title,
)
from crosswalks.normalize.isbn import isbn10_to_13
from crosswalks.normalize.punctuation import keeps_final_dot

LETTERS = "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыэюяәғқңөұүһі"
KINDS = sorted(DOCUMENT_KINDS)

word = st.text(alphabet=LETTERS, min_size=4, max_size=9).filter(
    lambda w: not keeps_final_dot(w + ".") and w not in TYPE_KINDS)
capitalised = word.map(str.capitalize)


def phrase(min_words: int = 1, max_words: int = 4) -> st.SearchStrategy[str]:
    return st.lists(word, min_size=min_words, max_size=max_words).map(" ".join).map(lambda s: s[:1].upper() + s[1:])


person = st.builds(lambda a, b: f"{a}, {b}", capitalised, capitalised)
years = st.integers(min_value=1800, max_value=2025)


@st.composite
def isbn13(draw) -> str:
    body = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    total = sum((10 - i) * int(c) for i, c in enumerate(body))
    check = (11 - total % 11) % 11
    return isbn10_to_13(body + ("X" if check == 10 else str(check)))


@st.composite
def titles(draw) -> list[Title]:
    main = Title(draw(phrase()), "main", subtitle=draw(st.none() | phrase()), part=draw(st.none() | phrase(1, 2)),
                 responsibility=draw(st.none() | phrase(2, 4)))
    others = draw(st.lists(st.builds(Title, phrase(), st.sampled_from(["parallel", "uniform", "alternative"])),
                           max_size=2, unique_by=lambda t: t.kind))
    with_forms: list[Title] = []
    for title in others:  # a 246/240/730 and its other-script form right after it (880s, altRepGroup)
        with_forms.append(title)
        if draw(st.booleans()):
            with_forms.append(Title(draw(phrase()), "parallel", other_script_of=title.kind))
    if draw(st.booleans()):  # the main title in another script (MARC 880, MODS altRepGroup)
        with_forms.append(Title(draw(phrase()), "parallel", other_script_of="main"))
    return [main, *with_forms]


authority_uri = st.integers(10**7, 10**8 - 1).map(lambda n: f"http://id.loc.gov/authorities/names/n{n}")
authority_id = authority_uri | st.from_regex(r"\A\(DLC\)n[0-9]{8}\Z")


@st.composite
def _linked(draw, agent: Agent) -> Agent:
    """An agent with authority ids, real-world URIs, an affiliation or an other-script form, or none."""
    agent.authority_ids = draw(st.none() | st.lists(authority_id, min_size=1, max_size=2, unique=True))
    agent.uris = draw(st.none() | st.lists(st.integers(1, 10**9).map(lambda n: f"http://www.wikidata.org/entity/Q{n}"),
                                           min_size=1, max_size=1))
    agent.affiliation = draw(st.none() | phrase(1, 3))
    agent.other_forms = draw(st.none() | st.lists(person, min_size=1, max_size=1))
    return agent


@st.composite
def agents(draw) -> list[Agent]:
    creators = draw(st.lists(st.builds(Agent, person, st.just("creator"), st.none(), st.just("personal"),
                                       st.none() | years.map(lambda y: f"{y}-")), min_size=0, max_size=2))
    contributors = draw(st.lists(st.builds(
        Agent, person | phrase(2, 3), st.just("contributor"),
        st.none() | st.sampled_from(["editor", "translator", "illustrator", "compiler"]),
        st.just("personal")), max_size=2))
    corporate = draw(st.lists(st.builds(Agent, phrase(2, 3), st.just("contributor"), st.just("sponsor"),
                                        st.just("corporate")), max_size=1))
    return [draw(_linked(agent)) for agent in creators + contributors + corporate]


subject_value = st.lists(phrase(1, 2), min_size=1, max_size=2).map(" -- ".join)
subjects = st.lists(st.one_of(
    st.builds(Subject, subject_value, st.sampled_from(["lcsh", "keyword"]), st.sampled_from(["topic", "geographic"])),
    st.builds(Subject, subject_value, st.just("lcsh"), st.just("topic"),  # MODS holds one URI: valueURI
              authority_ids=authority_uri.map(lambda uri: [uri.replace("names", "subjects")])),
    st.builds(Subject, phrase(1, 2), st.just("keyword"), st.just("genre")),
    st.builds(Subject, st.from_regex(r"\A[0-9]{2}\.[0-9]{1,3}\Z"), st.sampled_from(["udc", "bbk"]),
              st.just("classification")),
), max_size=4)

descriptions = st.lists(st.builds(Description, phrase(2, 6), st.sampled_from(["note", "abstract", "toc",
                                                                              "bibliography"])), max_size=3)


@st.composite
def identifiers(draw) -> list[Identifier]:
    found = [Identifier(draw(st.from_regex(r"\A[A-Z]{2}[0-9]{4,8}\Z")), "local")]
    if draw(st.booleans()):
        found.append(Identifier(draw(isbn13()), "isbn"))
    if draw(st.booleans()):
        found.append(Identifier("0317-8471", "issn"))
    if draw(st.booleans()):
        found.append(Identifier("10.1234/" + draw(word), "doi"))
    return found


relations = st.lists(st.one_of(
    st.builds(Relation, phrase(), st.just("series"), st.none() | st.from_regex(r"\A[0-9]{1,3}\Z")),
    st.builds(Relation, phrase(), st.just("host"), st.none() | st.from_regex(r"\A[0-9]{1,3}\Z")),
), max_size=2)

objects = st.lists(st.builds(DigitalObject, st.from_regex(r"\Ahttps://kazneb\.kz/files/[a-z0-9]{4,10}\.pdf\Z"),
                             st.just("application/pdf"), st.none() | phrase(1, 2)), max_size=2,
                   unique_by=lambda o: o.url)


@st.composite
def canonical_records(draw) -> CanonicalRecord:
    kind = draw(st.sampled_from(KINDS))
    year = draw(years)
    pages = draw(st.none() | st.integers(min_value=1, max_value=2000))
    return CanonicalRecord(
        titles=draw(titles()), agents=draw(agents()), subjects=draw(subjects), descriptions=draw(descriptions),
        publishers=draw(st.lists(phrase(1, 3), max_size=1)), places=draw(st.lists(capitalised, max_size=1)),
        dates=[DateInfo(str(year), year, year, "issued")], edition=draw(st.none() | phrase(1, 3)),
        kind=kind, dcmi_type=DOCUMENT_KINDS[kind], formats=draw(st.lists(st.just("application/pdf"), max_size=1)),
        extent=f"{pages} p." if pages else None, pages=pages,
        languages=draw(st.lists(st.sampled_from(["kaz", "rus", "eng"]), unique=True, max_size=3)),
        identifiers=draw(identifiers()), relations=draw(relations),
        coverage=draw(st.lists(phrase(1, 2), max_size=1)), rights=draw(st.lists(phrase(3, 5), max_size=1)),
        access=draw(st.sampled_from(["open", "read-only", "preview-24"])), objects=draw(objects),
    )
