"""Search benchmark: index throughput and query latency on synthetic records in three languages.

    python -m bench.search_bench --records 1000000 --engines embedded,opensearch,fts5
    python -m bench.search_bench --records 1000000 --engines embedded --data bench/.data/search  # keep the index
    python -m bench.search_bench --records 1000000 --engines embedded --data bench/.data/search --skip-build

Records are Kazakh (half Cyrillic, half Latin 2021), Russian and English, with Zipf-distributed
words so that some words are in a large share of records.  Each engine gets the same documents
(built by search.document) and the same queries, run through the SearchEngine interface with
facets on, as the API runs them:

* rare: one word found in a handful of records;
* common: one of the most frequent words (in 10-40 % of records);
* two_words: a frequent word and a mid-frequency one;
* faceted: a frequent word with language and access filters;
* common_no_facets: the common queries without facet counts (where the time goes).

``fts5`` is SQLite FTS5 over the same keys (bm25 top 20 + count + one GROUP BY facet), measured
only to choose the embedded engine.  Figures (wall p50/p95 and the process's CPU time per query,
with the load average at the start and end) print as a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crosswalks.model import Agent, CanonicalRecord, DateInfo, Description, Subject, Title
from crosswalks.transliterate import kazakh_to_latin
from search.document import build_document
from search.engine import SearchEngine, SearchRequest

COMMON = {
    "kaz": ["және", "қазақ", "тарихы", "әдебиеті", "халқы", "кітап", "мен", "туралы", "жылдар", "ел"],
    "rus": ["и", "в", "история", "казахстана", "на", "о", "библиотека", "очерки", "народа", "века"],
    "eng": ["the", "of", "and", "history", "in", "kazakhstan", "library", "a", "studies", "steppe"],
}
SYLLABLES = {
    "kaz": ["қа", "за", "ба", "тұр", "сұл", "ай", "ер", "мә", "дін", "ғұл", "бек", "нұр", "ша", "үй", "ке", "лі"],
    "rus": ["ра", "бо", "ви", "ка", "мо", "ло", "ни", "ст", "ре", "ту", "ше", "ов", "ли", "до", "ма", "го"],
    "eng": ["ta", "ber", "lin", "mor", "ka", "ven", "sto", "rid", "al", "pen", "dor", "is", "ex", "ul", "mi", "son"],
}
KINDS = ["book"] * 6 + ["journal", "newspaper", "article", "thesis"]
ACCESS = ["open"] * 5 + ["read-only"] * 3 + ["preview-24"] * 2
PARTNERS = ["nabrk", "kaznu", "enu", "almaty-lib", "karaganda"]
VOCABULARY = 20_000


@dataclass
class View:
    """What search.document reads from a store record."""

    local_id: str
    canonical: CanonicalRecord
    access: str
    partner_ids: list[str] = field(default_factory=list)
    deleted: bool = False

    @property
    def oai_identifier(self) -> str:
        return f"oai:kazneb.kz:{self.local_id}"


class Corpus:
    """Deterministic synthetic records; ``vocab[lang][rank]`` is the rank-th most frequent word."""

    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.vocab = {lang: COMMON[lang] + self._words(lang, VOCABULARY) for lang in COMMON}
        weights = [1 / (rank + 1) ** 1.05 for rank in range(VOCABULARY + 10)]
        self.cumulative = list(_accumulate(weights))
        self.surnames = {lang: self._words(lang, 5000, 2, 4) for lang in COMMON}
        self.subjects = {lang: [" ".join(self._words(lang, 2, 2, 3)) for _ in range(300)] for lang in COMMON}

    def _words(self, lang: str, count: int, low: int = 2, high: int = 4) -> list[str]:
        seen: dict[str, None] = {}
        while len(seen) < count:
            seen["".join(self.random.choice(SYLLABLES[lang]) for _ in range(self.random.randint(low, high)))] = None
        return list(seen)

    def _zipf(self, lang: str, n: int) -> list[str]:
        picks = self.random.choices(self.vocab[lang], cum_weights=self.cumulative, k=n)
        return picks

    def records(self, count: int) -> Iterator[View]:
        rnd = self.random
        for number in range(count):
            lang = ("kaz", "kaz", "rus", "rus", "eng")[number % 5]
            title = " ".join(self._zipf(lang, rnd.randint(3, 8))).capitalize()
            description = " ".join(self._zipf(lang, rnd.randint(10, 30))) if rnd.random() < 0.5 else None
            creator = f"{rnd.choice(self.surnames[lang]).capitalize()}, {rnd.choice(self.surnames[lang])[:1].upper()}."
            subjects = rnd.sample(self.subjects[lang], rnd.randint(1, 3))
            if lang == "kaz" and number % 10 == 0:  # Kazakh records catalogued in the 2021 Latin script
                title, creator = kazakh_to_latin(title), kazakh_to_latin(creator)
                description = kazakh_to_latin(description) if description else None
                subjects = [kazakh_to_latin(s) for s in subjects]
            year = rnd.randint(1850, 2024) if rnd.random() < 0.9 else None
            canonical = CanonicalRecord(
                titles=[Title(title)], agents=[Agent(creator)], subjects=[Subject(s) for s in subjects],
                descriptions=[Description(description)] if description else [],
                dates=[DateInfo(str(year), year, year)] if year else [], languages=[lang],
                kind=rnd.choice(KINDS))
            yield View(f"{rnd.choice(PARTNERS)}.{number:08x}", canonical, rnd.choice(ACCESS),
                       [rnd.choice(PARTNERS)])

    def queries(self, per_class: int) -> dict[str, list[SearchRequest]]:
        rnd = random.Random(11)
        langs = list(COMMON)
        rare = [SearchRequest(q=self.vocab[lang][rnd.randint(VOCABULARY - 3000, VOCABULARY + 5)])
                for lang in rnd.choices(langs, k=per_class)]
        common = [SearchRequest(q=rnd.choice(self.vocab[lang][:4])) for lang in rnd.choices(langs, k=per_class)]
        two = [SearchRequest(q=f"{rnd.choice(self.vocab[lang][:10])} {self.vocab[lang][rnd.randint(20, 300)]}")
               for lang in rnd.choices(langs, k=per_class)]
        faceted = [SearchRequest(q=rnd.choice(self.vocab[lang][:4]), filters={"language": [lang],
                                                                             "access": ["open", "read-only"]})
                   for lang in rnd.choices(langs, k=per_class)]
        bare = [SearchRequest(q=r.q, facets=False) for r in common]
        return {"rare": rare, "common": common, "two_words": two, "faceted": faceted, "common_no_facets": bare}


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


# -- engines ---------------------------------------------------------------------------------
def index_engine(engine: SearchEngine, corpus: Corpus, count: int, batch: int = 20_000) -> float:
    """Build documents and index them; documents per second."""
    start = time.perf_counter()
    buffer = []
    for done, view in enumerate(corpus.records(count), start=1):
        buffer.append(build_document(view))
        if len(buffer) >= batch:
            engine.index(buffer)
            buffer = []
            if done % (batch * 10) == 0:
                engine.commit(done)
                print(f"  {done} indexed, {done / (time.perf_counter() - start):.0f}/s", flush=True)
    engine.index(buffer)
    engine.commit(count)
    return count / (time.perf_counter() - start)


def time_queries(run, requests: list[SearchRequest]) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """p50, p95 (ms wall), mean process CPU ms per query and mean hits, after a warm-up over a few."""
    for request in requests[:5]:
        run(request)
    timings, totals = [], []
    cpu_start = time.process_time()
    for request in requests:
        start = time.perf_counter()
        totals.append(run(request))
        timings.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / len(requests)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], cpu, statistics.mean(totals)


def bench_engine(name: str, engine: SearchEngine, corpus: Corpus, count: int, per_class: int,
                 build: bool = True, classes: list[str] | None = None) -> list[str]:
    """Index (unless ``build`` is off and the index already holds ``count`` records), then time queries."""
    if build:
        print(f"{name}: indexing {count} records", flush=True)
        rate = index_engine(engine, corpus, count)
        rows = [f"| {name} | index | {rate:,.0f} records/s | | |"]
    elif engine.position() != count:
        raise SystemExit(f"--skip-build: the {name} index holds {engine.position()} records, not {count}; "
                         "run once without --skip-build")
    else:
        rows = [f"| {name} | index | (reused, {count:,} records) | | |"]
    for label, requests in corpus.queries(per_class).items():
        if classes and label not in classes:
            continue
        p50, p95, cpu, hits = time_queries(lambda r: engine.search(r).total, requests)
        rows.append(f"| {name} | {label} | p50 {p50:.1f} ms | p95 {p95:.1f} ms | cpu {cpu:.1f} ms/query "
                    f"| {hits:,.0f} hits |")
        print(rows[-1], flush=True)
    return rows


def bench_fts5(corpus: Corpus, count: int, per_class: int, folder: Path) -> list[str]:
    """SQLite FTS5 with the same keys: top 20 by bm25, the count, and a language facet."""
    from search import text

    db = sqlite3.connect(folder / "fts5.db")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(keys, language UNINDEXED, access UNINDEXED, "
               "tokenize='unicode61 remove_diacritics 0')")
    start = time.perf_counter()
    rows = []
    for view in corpus.records(count):
        doc = build_document(view)
        rows.append((doc["all_exact"] + " " + doc["all_stem"], doc["languages"][0], doc["access"]))
        if len(rows) >= 20_000:
            db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    db.commit()
    rate = count / (time.perf_counter() - start)

    def run(request: SearchRequest) -> int:
        match = " AND ".join(f'"{k}"' for k in text.exact_keys(request.q))
        where, params = "docs MATCH ?", [match]
        if request.filters:
            where += " AND language = ? AND access IN ('open', 'read-only')"
            params.append(request.filters["language"][0])
        db.execute(f"SELECT rowid FROM docs WHERE {where} ORDER BY rank LIMIT 20", params).fetchall()
        db.execute(f"SELECT language, count(*) FROM docs WHERE {where} GROUP BY language", params).fetchall()
        return db.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0]

    out = [f"| fts5 | index | {rate:,.0f} records/s | | |"]
    for label, requests in corpus.queries(per_class).items():
        p50, p95, cpu, hits = time_queries(run, requests)
        out.append(f"| fts5 | {label} | p50 {p50:.1f} ms | p95 {p95:.1f} ms | cpu {cpu:.1f} ms/query "
                   f"| {hits:,.0f} hits |")
        print(out[-1], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per class")
    parser.add_argument("--engines", default="embedded,opensearch")
    parser.add_argument("--opensearch-url", default=None, help="use this node instead of starting one")
    parser.add_argument("--elasticsearch-url", default=None, help="use this node instead of starting one")
    parser.add_argument("--heap", default="4g", help="heap of the OpenSearch/Elasticsearch node the benchmark starts")
    parser.add_argument("--data", default=None,
                        help="keep the embedded index in this folder (e.g. bench/.data/search) to reuse it")
    parser.add_argument("--skip-build", action="store_true",
                        help="reuse the embedded index in --data (it must hold --records records)")
    parser.add_argument("--classes", default="", help="comma-separated query classes to time (default: all)")
    args = parser.parse_args()
    if args.skip_build and not args.data:
        parser.error("--skip-build needs --data (the folder of an index built by an earlier run)")
    folder = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="kazneb-search-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    classes = [c for c in args.classes.split(",") if c]
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.node()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {args.records:,} records, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    rows = ["| engine | measure | p50 / rate | p95 | CPU | mean hits |", "|---|---|---|---|---|---|"]
    for name in args.engines.split(","):
        corpus = Corpus()
        if name == "embedded":
            from search.embedded import EmbeddedEngine

            index_folder = folder / f"embedded-{args.records}"
            if not args.skip_build and index_folder.exists():
                shutil.rmtree(index_folder)
            rows += bench_engine(name, EmbeddedEngine(index_folder, "bench"), corpus, args.records,
                                 args.queries, build=not args.skip_build, classes=classes)
        elif name in ("opensearch", "elasticsearch"):
            rows += _bench_server(name, args, corpus, classes)
        elif name == "fts5":
            rows += bench_fts5(corpus, args.records, args.queries, folder)
    print(f"# load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n".join(rows))


def _bench_server(kind: str, args: argparse.Namespace, corpus: Corpus, classes: list[str]) -> list[str]:
    """``kind`` is opensearch or elasticsearch: the test node of that engine, or the given URL."""
    import contextlib
    import importlib

    from search.remote import RemoteEngine

    running_node = importlib.import_module(f"search.{kind}_node.node").running_node
    with contextlib.ExitStack() as stack:
        url = getattr(args, f"{kind}_url") or stack.enter_context(running_node(heap=args.heap))
        engine = RemoteEngine.connect(url, "bench", flavour=kind)
        engine.create()
        try:
            return bench_engine(kind, engine, corpus, args.records, args.queries, classes=classes)
        finally:
            engine.drop()


if __name__ == "__main__":
    main()
