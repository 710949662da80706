"""One ListRecords page at a time, and the guards that stop a partner looping forever."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from lxml import etree

from crosswalks.namespaces import OAI_NS
from harvester.client import NS, CleanResponse, PartnerClient
from harvester.errors import PartnerOAIError

log = logging.getLogger(__name__)


@dataclass
class HarvestedRecord:
    """One ``<record>`` of a page: its header, the metadata element and its raw XML."""

    identifier: str
    datestamp: str
    sets: list[str]
    deleted: bool
    metadata: etree._Element | None
    element: etree._Element

    @property
    def raw(self) -> str:
        return etree.tostring(self.element, encoding="unicode")


@dataclass
class ListPage:
    """A ListRecords page: records, unreadable chunks, the next token and the list size."""

    records: list[HarvestedRecord]
    broken: list[tuple[str, str]] = field(default_factory=list)
    token: str | None = None
    complete_list_size: int | None = None
    cursor: int | None = None
    response_date: str | None = None
    repairs: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        digest = hashlib.sha1()
        for record in self.records:
            digest.update(f"{record.identifier}\x00{record.datestamp}\x01".encode())
        return digest.hexdigest()


def fetch_page(client: PartnerClient, params: dict[str, str]) -> ListPage:
    """Request one ListRecords page; ``noRecordsMatch`` is an empty last page, not an error."""
    try:
        response = client.harvest(verb="ListRecords", **params)
    except PartnerOAIError as exc:
        if exc.code == "noRecordsMatch":
            return ListPage(records=[], response_date=exc.response_date)
        raise
    return read_page(response)


def read_page(response: CleanResponse) -> ListPage:
    root = response.xml
    container = root.find("oai:ListRecords", NS)
    page = ListPage(records=[], broken=list(response.document.broken_records),
                    response_date=root.findtext("oai:responseDate", None, NS),
                    repairs=list(response.document.repairs))
    if container is None:
        return page
    for element in container.iterfind("oai:record", NS):
        record = read_record(element)
        if record is None:
            page.broken.append((etree.tostring(element, encoding="unicode"), "record without identifier"))
        else:
            page.records.append(record)
    token = container.find("oai:resumptionToken", NS)
    if token is not None:
        page.token = (token.text or "").strip() or None
        page.complete_list_size = _int(token.get("completeListSize"))
        page.cursor = _int(token.get("cursor"))
    return page


def read_record(element: etree._Element) -> HarvestedRecord | None:
    """A ``<record>``'s header and payload, or None without an identifier.

    One pass over the children (rather than a namespaced search per element): every
    harvested record goes through here.
    """
    header = metadata = None
    for child in element:
        tag = child.tag  # lxml builds the tag string on each access
        if tag == _HEADER:
            header = child
        elif tag == _METADATA:
            metadata = child
    if header is None:
        return None
    identifier, datestamp, sets = "", "", []
    for child in header:
        tag = child.tag
        if tag == _SET_SPEC:
            sets.append((child.text or "").strip())
        elif tag == _IDENTIFIER and not identifier:
            identifier = (child.text or "").strip()
        elif tag == _DATESTAMP and not datestamp:
            datestamp = (child.text or "").strip()
    if not identifier:
        return None
    payload = None
    if metadata is not None:
        payload = next((child for child in metadata if isinstance(child.tag, str)), None)
    return HarvestedRecord(identifier=identifier, datestamp=datestamp, sets=sets,
                           deleted=header.get("status") == "deleted", metadata=payload, element=element)


_HEADER, _METADATA = f"{{{OAI_NS}}}header", f"{{{OAI_NS}}}metadata"
_IDENTIFIER, _DATESTAMP, _SET_SPEC = f"{{{OAI_NS}}}identifier", f"{{{OAI_NS}}}datestamp", f"{{{OAI_NS}}}setSpec"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class ListGuard:
    """Ends a list that repeats a token or a page, or sends too many empty pages in a row."""

    def __init__(self, max_empty_pages: int = 5) -> None:
        self.max_empty_pages = max_empty_pages
        self.tokens: set[str] = set()
        self.pages: set[str] = set()
        self.empty_run = 0

    def stop_before_storing(self, page: ListPage) -> str | None:
        """A reason to discard ``page`` and end the list (it repeats an earlier page)."""
        if page.records:
            fingerprint = page.fingerprint()
            if fingerprint in self.pages:
                return "repeated page: the partner sent the same records again"
            self.pages.add(fingerprint)
        return None

    def stop_after_storing(self, page: ListPage) -> str | None:
        """A reason not to follow ``page.token`` (repeated token, too many empty pages)."""
        self.empty_run = 0 if page.records or page.broken else self.empty_run + 1
        if page.token and self.empty_run >= self.max_empty_pages:
            return f"{self.empty_run} empty pages in a row"
        if page.token in self.tokens:
            return f"repeated resumption token {page.token!r}"
        if page.token:
            self.tokens.add(page.token)
        return None
