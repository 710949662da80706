"""The ``q`` syntax readers type, parsed into a small tree that each engine compiles.

Words (all must match), ``"phrases"``, ``AND`` / ``OR`` / ``NOT`` (upper case) or ``-word``,
parentheses, fields ``title:`` ``author:`` ``subject:`` ``isbn:`` ``year:`` (``year:1990``,
``year:1990-2000``, ``year:1990-``, ``year:-2000``) and ``*`` for everything.
The parser is forgiving: a missing closing quote or parenthesis is taken as if it were there,
and words without letters or digits are left out.  Only a ``year:`` value that is not a year
is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search import text

FIELDS = ("title", "author", "subject", "isbn", "year")
#: Unfielded words search these key groups (with these boosts); fielded words one group.
FIELD_GROUPS: dict[str | None, tuple[tuple[str, float], ...]] = {
    None: (("title", 3.0), ("creator", 2.0), ("subject", 2.0), ("all", 1.0)),
    "title": (("title", 1.0),),
    "author": (("creator", 1.0),),
    "subject": (("subject", 1.0),),
}
TOKEN = re.compile(
    r"""\s*(?:
      (?P<field>(?:title|author|subject|isbn|year)):(?P<value>"[^"]*"?|\(|[^\s()]+)
    | (?P<lparen>\()
    | (?P<rparen>\))
    | "(?P<phrase>[^"]*)"?
    | (?P<minus>-)(?=[^\s-])
    | (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
YEAR_RANGE = re.compile(r"^(?P<lo>\d{1,4})?(?:(?P<dash>-|\.\.)(?P<hi>\d{1,4})?)?$")


class QuerySyntaxError(ValueError):
    """The query cannot be understood; the message says which part."""


@dataclass(frozen=True)
class Term:
    """Words to match in a field group; ``phrase`` keeps them in order, side by side."""

    field: str | None
    value: str
    phrase: bool = False

    @property
    def exact(self) -> list[str]:
        return text.exact_keys(self.value)

    @property
    def stem(self) -> list[str]:
        return text.stem_keys(self.value)


@dataclass(frozen=True)
class Isbn:
    value: str

    @property
    def forms(self) -> list[str]:
        return text.isbn_forms(self.value)


@dataclass(frozen=True)
class YearRange:
    low: int | None
    high: int | None


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class MatchAll:
    pass


Node = Term | Isbn | YearRange | Not | And | Or | MatchAll


def parse(q: str | None) -> Node:
    """The tree for ``q``; an empty query or ``*`` matches everything."""
    tokens = list(_tokens(q or ""))
    parser = _Parser(tokens)
    node = parser.expression()
    while parser.peek() is not None:  # stray ")" — skip it and keep reading
        parser.take()
        rest = parser.expression()
        node = _join(And, [node, rest])
    return node or MatchAll()


def positive_terms(node: Node) -> list[Term]:
    """The terms a matching record contains (for highlighting)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, And | Or):
        return [t for child in node.nodes for t in positive_terms(child)]
    return []


def _tokens(q: str):
    for match in TOKEN.finditer(q):
        kind = match.lastgroup if match.lastgroup != "value" else "field"
        if kind == "field":
            yield ("field", (match.group("field").lower(), match.group("value")))
        elif kind in ("lparen", "rparen", "minus"):
            yield (kind, None)
        elif kind == "phrase":
            yield ("phrase", match.group("phrase"))
        elif kind == "word":
            word = match.group("word")
            yield ("op", word) if word in ("AND", "OR", "NOT") else ("word", word)


class _Parser:
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary (AND? unary)*."""

    def __init__(self, tokens: list[tuple[str, object]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, object]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expression(self) -> Node | None:
        nodes = [self.conjunction()]
        while self.peek() == ("op", "OR"):
            self.take()
            nodes.append(self.conjunction())
        return _join(Or, nodes)

    def conjunction(self) -> Node | None:
        nodes = []
        while (token := self.peek()) is not None and token[0] != "rparen" and token != ("op", "OR"):
            if token == ("op", "AND"):
                self.take()
                continue
            nodes.append(self.unary())
        return _join(And, nodes)

    def unary(self) -> Node | None:
        kind, _ = self.peek()
        if kind == "minus" or self.peek() == ("op", "NOT"):
            self.take()
            if self.peek() is None:
                return None
            inner = self.unary()
            return Not(inner) if inner is not None else None
        return self.primary()

    def primary(self, field: str | None = None) -> Node | None:
        kind, value = self.take()
        if kind == "lparen":
            return self.group(field)
        if kind == "field":
            name, raw = value
            if raw == "(":
                return self.group(name)
            return _fielded(name, raw)
        if kind == "phrase":
            return _term(field, value, phrase=True)
        if kind == "word":
            return _term(field, value)
        return None  # a stray operator is read as nothing

    def group(self, field: str | None) -> Node | None:
        if field is None:
            node = self.expression()
        else:
            nodes = []
            while (token := self.peek()) is not None and token[0] != "rparen":
                if token[0] in ("op", "minus"):
                    self.take()
                    continue
                nodes.append(self.primary(field))
            node = _join(And, nodes)
        if self.peek() is not None and self.peek()[0] == "rparen":
            self.take()
        return node


def _fielded(name: str, raw: str) -> Node | None:
    phrase = raw.startswith('"')
    value = raw.strip('"')
    if name == "year":
        return _year(value)
    if name == "isbn":
        return Isbn(value) if Isbn(value).forms else None
    return _term(name, value, phrase=phrase)


def _term(field: str | None, value: str, phrase: bool = False) -> Node | None:
    if value == "*" and field is None:
        return MatchAll()
    if field == "isbn":
        return Isbn(value) if Isbn(value).forms else None
    if field == "year":
        return _year(value)
    term = Term(field, value, phrase=phrase or len(text.words(value)) > 1)
    return term if term.exact else None


def _year(value: str) -> YearRange:
    match = YEAR_RANGE.match(value.strip())
    if not match or not (match.group("lo") or match.group("hi")):
        raise QuerySyntaxError(f"year:{value} is not a year or a range such as year:1990-2000")
    low = int(match.group("lo")) if match.group("lo") else None
    high = int(match.group("hi")) if match.group("hi") else None
    if not match.group("dash"):
        high = low
    if low is not None and high is not None and low > high:
        raise QuerySyntaxError(f"year:{value} starts after it ends")
    return YearRange(low, high)


def _join(kind: type[And] | type[Or], nodes: list[Node | None]) -> Node | None:
    kept = [n for n in nodes if n is not None]
    if not kept:
        return None
    if kind is And and len(kept) > 1:
        kept = [n for n in kept if not isinstance(n, MatchAll)] or [MatchAll()]
    return kept[0] if len(kept) == 1 else kind(tuple(kept))
