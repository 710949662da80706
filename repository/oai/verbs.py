"""Answering each OAI-PMH verb: a checked request in, response text out (streamed).

Each verb function returns an iterator of text chunks (the body between the
``<request>`` element and ``</OAI-PMH>``) or raises an :class:`OAIError`.  Errors
that depend on the data (idDoesNotExist, noRecordsMatch, ...) are found before the
first chunk is produced, so a response is never half a list and half an error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from sqlalchemy import Connection

from crosswalks.formats import FORMATS
from crosswalks.namespaces import (
    DC_NS,
    FRIENDS_NS,
    FRIENDS_SCHEMA,
    OAI_DC_NS,
    OAI_DC_SCHEMA,
    OAI_IDENTIFIER_NS,
    OAI_IDENTIFIER_SCHEMA,
    XSI_NS,
)
from repository.oai import query, xml
from repository.oai.arguments import Request, parse_datestamp
from repository.oai.errors import (
    BadResumptionToken,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
    NoSetHierarchy,
)
from repository.oai.tokens import ListState, TokenCodec


@dataclass(frozen=True)
class Repository:
    """What the verbs need to know about the hub (from settings)."""

    name: str
    base_url: str
    admin_email: str
    namespace: str
    page_size: int
    identifiers_page_size: int
    sets_page_size: int
    tokens: TokenCodec


Body = Iterator[bytes]  # UTF-8 chunks of the response body


def identify(conn: Connection, repo: Repository, _request: Request) -> Body:
    earliest = query.earliest_datestamp(conn) or int(time.time())
    sample = f"oai:{repo.namespace}:partner:oai:example.org:1234"
    friends = query.partner_endpoints(conn)
    yield (
        "<Identify>"
        f"<repositoryName>{xml.xml_text(repo.name)}</repositoryName>"
        f"<baseURL>{xml.xml_text(repo.base_url)}</baseURL>"
        "<protocolVersion>2.0</protocolVersion>"
        f"<adminEmail>{xml.xml_text(repo.admin_email)}</adminEmail>"
        f"<earliestDatestamp>{xml.utc_datestamp(earliest)}</earliestDatestamp>"
        "<deletedRecord>persistent</deletedRecord>"
        "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"
        "<compression>gzip</compression><compression>deflate</compression>"
        f'<description><oai-identifier xmlns="{OAI_IDENTIFIER_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_SCHEMA}">'
        f"<scheme>oai</scheme><repositoryIdentifier>{xml.xml_text(repo.namespace)}</repositoryIdentifier>"
        f"<delimiter>:</delimiter><sampleIdentifier>{xml.xml_text(sample)}</sampleIdentifier>"
        "</oai-identifier></description>"
    ).encode()
    if friends:
        urls = "".join(f"<baseURL>{xml.xml_text(u)}</baseURL>" for u in friends)
        yield (
            f'<description><friends xmlns="{FRIENDS_NS}" xmlns:xsi="{XSI_NS}" '
            f'xsi:schemaLocation="{FRIENDS_NS} {FRIENDS_SCHEMA}">'
            f"{urls}</friends></description>"
        ).encode()
    yield b"</Identify>"


def list_metadata_formats(conn: Connection, repo: Repository, request: Request) -> Body:
    prefixes = list(FORMATS)
    identifier = request.get("identifier")
    if identifier is not None:
        found = _find_record(conn, repo, identifier, None)
        prefixes = [p for p in query.prefixes_of(conn, found[0]) if p in FORMATS]
    parts = ["<ListMetadataFormats>"]
    for prefix in prefixes:
        fmt = FORMATS[prefix]
        parts.append(
            f"<metadataFormat><metadataPrefix>{prefix}</metadataPrefix>"
            f"<schema>{xml.xml_text(fmt.schema)}</schema>"
            f"<metadataNamespace>{xml.xml_text(fmt.namespace)}</metadataNamespace></metadataFormat>"
        )
    parts.append("</ListMetadataFormats>")
    yield "".join(parts).encode()


def get_record(conn: Connection, repo: Repository, request: Request) -> Body:
    prefix = _check_prefix(request.args["metadataPrefix"])
    identifier = request.args["identifier"]
    found = _find_record(conn, repo, identifier, prefix)
    if found[1] is None:
        raise CannotDisseminateFormat(f"{identifier} is not available as {prefix}")
    yield b"<GetRecord>" + found[1] + b"</GetRecord>"


def list_records(conn: Connection, repo: Repository, request: Request) -> Body:
    return _list(conn, repo, request, "ListRecords", "record_xml", repo.page_size)


def list_identifiers(conn: Connection, repo: Repository, request: Request) -> Body:
    return _list(conn, repo, request, "ListIdentifiers", "header_xml", repo.identifiers_page_size)


def list_sets(conn: Connection, repo: Repository, request: Request) -> Body:
    token = request.get("resumptionToken")
    if token is not None:
        state = repo.tokens.decode("ListSets", token)
    else:
        total = query.count_sets(conn)
        if total == 0:
            raise NoSetHierarchy("this repository has no sets yet")
        state = ListState(None, None, None, 0, 0, 0, "", 0, total)
    sets, more = query.sets_page(conn, state.after_spec, repo.sets_page_size)
    if token is not None and not sets and state.cursor < state.total:
        raise BadResumptionToken("the resumption token points past the end of the list of sets")
    parts = ["<ListSets>"]
    parts += [_set_xml(spec, name, names) for spec, name, names in sets]
    next_state = replace(state, after_spec=sets[-1][0] if sets else "", cursor=state.cursor + len(sets))
    parts.append(_token_xml(repo, "ListSets", state, next_state, more))
    parts.append("</ListSets>")
    yield "".join(parts).encode()


def _list(conn: Connection, repo: Repository, request: Request, verb: str, column: str, size: int) -> Body:
    state = _list_state(conn, repo, request, verb)
    items, more = query.page(conn, state, size, column)
    if not items:  # also when every record left in the list changed since it began
        raise NoRecordsMatch("no records match the arguments given")
    last = items[-1] if items else None
    next_state = replace(
        state,
        after_datestamp=last.datestamp if last else state.after_datestamp,
        after_id=last.record_id if last else state.after_id,
        cursor=state.cursor + len(items),
    )
    closing = _token_xml(repo, verb, state, next_state, more) + f"</{verb}>"
    yield b"".join([f"<{verb}>".encode(), *(item.xml for item in items), closing.encode()])


def _list_state(conn: Connection, repo: Repository, request: Request, verb: str) -> ListState:
    """The state of the list: from the token, or fixed now for a first request."""
    token = request.get("resumptionToken")
    if token is not None:
        state = repo.tokens.decode(verb, token)
        if state.prefix not in FORMATS:
            raise BadResumptionToken("the resumption token names a format this hub no longer offers")
        return state
    prefix = _check_prefix(request.args["metadataPrefix"])
    set_spec = request.get("set")
    if set_spec is not None and not query.set_exists(conn, set_spec):
        if query.count_sets(conn) == 0:
            raise NoSetHierarchy("this repository has no sets yet")
        raise NoRecordsMatch(f"there is no set {set_spec!r}")
    # The list ends before the response's second: a record stamped in this second (even one
    # sent earlier in this list and changed since) waits for the next harvest, which starts at
    # this response's responseDate.  Every record stamped before it has committed (the commit
    # fence), and every later commit is stamped at or after it: nothing is lost.
    last_complete_second = (request.now or int(time.time())) - 1
    start = parse_datestamp(request.args["from"], end_of_day=False)[0] if "from" in request.args else 0
    until = parse_datestamp(request.args["until"], end_of_day=True)[0] if "until" in request.args else None
    bound = last_complete_second if until is None else min(until, last_complete_second)
    after_datestamp, after_id = query.first_position(start)
    state = ListState(prefix, set_spec, start, bound, after_datestamp, after_id, "", 0, 0)
    return replace(state, total=query.count(conn, state))


def _token_xml(repo: Repository, verb: str, state: ListState, next_state: ListState, more: bool) -> str:
    """The resumptionToken element; none at all for a list that fits in one page."""
    if more:
        return xml.resumption_token(repo.tokens.encode(verb, next_state), state.cursor, state.total)
    if state.cursor == 0:
        return ""
    return xml.resumption_token("", state.cursor, state.total)


def _set_xml(spec: str, name: str, names: dict) -> str:
    titles = "".join(
        f'<dc:title xml:lang="{lang}">{xml.xml_text(names[lang])}</dc:title>'
        for lang in ("kk", "ru", "en")
        if names.get(lang)
    )
    description = (
        f'<setDescription><oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" '
        f'xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{OAI_DC_NS} '
        f'{OAI_DC_SCHEMA}">{titles}</oai_dc:dc></setDescription>'
        if titles
        else ""
    )
    return f"<set><setSpec>{xml.xml_text(spec)}</setSpec><setName>{xml.xml_text(name)}</setName>{description}</set>"


def _check_prefix(prefix: str) -> str:
    if prefix not in FORMATS:
        offered = ", ".join(FORMATS)
        raise CannotDisseminateFormat(f"the metadata format {prefix!r} is not offered (offered: {offered})")
    return prefix


def _find_record(conn: Connection, repo: Repository, identifier: str, prefix: str | None) -> tuple[int, bytes | None]:
    """(record id, rendering in ``prefix`` or None), or IdDoesNotExist.

    Another repository's identifier is not looked up at all: a stand-in local id that can
    match nothing would have to hold a character no local id holds, and PostgreSQL refuses
    the one that was used (NUL) in a query, with an HTTP 500.
    """
    namespace = f"oai:{repo.namespace}:"
    found = None
    if identifier.startswith(namespace):
        found = query.record_by_local_id(conn, identifier[len(namespace):], prefix)
    if found is None:
        raise IdDoesNotExist(f"no record has the identifier {identifier!r}")
    return found


VERB_HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
    "GetRecord": get_record,
}
