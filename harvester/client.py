"""The OAI-PMH client: sickle's verbs over the harvester's own HTTP and XML hygiene.

:class:`PartnerClient` is a :class:`sickle.Sickle` whose ``harvest`` goes through a
:class:`~harvester.fetch.Fetcher` (retries, Retry-After, rate limit) and
:func:`~harvester.xmlclean.parse_document` (repair, strict parsing, no entities), so
sickle's ``Identify`` and ``ListMetadataFormats`` work unchanged on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from sickle import Sickle
from sickle.response import OAIResponse

from crosswalks.namespaces import OAI_NS, READABLE_FORMATS
from harvester.errors import PartnerOAIError, PermanentHttpError, TransientError
from harvester.fetch import Fetcher, Reply
from harvester.xmlclean import CleanDocument, parse_document

NS = {"oai": OAI_NS}


class CleanResponse(OAIResponse):
    """A sickle response whose XML was repaired and parsed once, strictly."""

    def __init__(self, reply: Reply, params: dict, document: CleanDocument) -> None:
        super().__init__(reply, params)
        self.reply = reply
        self.document = document

    @property
    def raw(self) -> str:
        return etree.tostring(self.document.root, encoding="unicode")

    @property
    def xml(self) -> etree._Element:
        return self.document.root


@dataclass(frozen=True)
class PartnerInfo:
    """What Identify tells the harvester about a partner."""

    repository_name: str
    granularity: str
    earliest_datestamp: str
    deleted_record: str  # no, transient, persistent


class PartnerClient(Sickle):
    """A sickle client whose requests obey the partner's retry policy and XML repair."""

    def __init__(self, endpoint: str, fetcher: Fetcher | None = None) -> None:
        super().__init__(endpoint)
        self.fetcher = fetcher or Fetcher()

    def harvest(self, **kwargs: str) -> CleanResponse:
        params = {k: v for k, v in kwargs.items() if v is not None}
        return self.fetcher.fetch(self.endpoint, params, lambda reply: interpret(reply, params))

    def identify(self) -> PartnerInfo:
        """Identify, reduced to what harvesting needs (defaults where the partner is silent)."""
        found = self.Identify()
        return PartnerInfo(
            repository_name=getattr(found, "repositoryName", "") or "",
            granularity=getattr(found, "granularity", "YYYY-MM-DD") or "YYYY-MM-DD",
            earliest_datestamp=getattr(found, "earliestDatestamp", "") or "",
            deleted_record=(getattr(found, "deletedRecord", "no") or "no").strip().lower(),
        )

    def metadata_formats(self) -> dict[str, str]:
        """Offered metadata formats: prefix → namespace."""
        return {f.metadataPrefix: getattr(f, "metadataNamespace", "") for f in self.ListMetadataFormats()}


def interpret(reply: Reply, params: dict) -> CleanResponse:
    """Judge one reply by its body first, then by its status."""
    try:
        document = parse_document(reply.body, reply.charset)
    except ValueError as exc:
        if 400 <= reply.status < 500:
            raise PermanentHttpError(f"HTTP {reply.status} from {reply.url}: {exc}") from exc
        raise TransientError(f"{exc} (from {reply.url})") from exc
    error = document.root.find("oai:error", NS)
    if error is not None:
        raise PartnerOAIError(error.get("code", "unknown"), (error.text or "").strip(),
                       document.root.findtext("oai:responseDate", None, NS))
    if reply.status >= 400:
        raise PermanentHttpError(f"HTTP {reply.status} from {reply.url}")
    return CleanResponse(reply, params, document)


def choose_format(offered: dict[str, str], preferred: str | None = None) -> tuple[str, str]:
    """(prefix, namespace) to harvest: the partner's configured choice, else MARCXML, oai_dc, MODS."""
    if preferred:
        if preferred not in offered:
            raise PartnerOAIError("cannotDisseminateFormat", f"partner does not offer {preferred!r}")
        return preferred, offered[preferred]
    for prefix, namespace in READABLE_FORMATS:
        for offered_prefix, offered_ns in offered.items():
            if offered_ns.rstrip("/") == namespace.rstrip("/"):
                return offered_prefix, offered_ns
        if prefix in offered:
            return prefix, offered[prefix]
    raise PartnerOAIError("cannotDisseminateFormat", f"no readable format among {sorted(offered)}")
