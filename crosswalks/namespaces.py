"""Every XML namespace URI and schema location the hub reads or writes, spelt once.

A namespace misspelt in one module (a missing trailing slash on oai_dc's, say) makes
records silently unreadable or invalid there only; readers, writers, the OAI provider and
the harvester therefore all take their URIs from this table.
"""

from __future__ import annotations

from typing import Final

#: OAI-PMH and its containers (the envelope, provenance, oai-identifier, friends).
OAI_NS: Final = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA: Final = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
PROVENANCE_NS: Final = "http://www.openarchives.org/OAI/2.0/provenance"
PROVENANCE_SCHEMA: Final = "http://www.openarchives.org/OAI/2.0/provenance.xsd"
OAI_IDENTIFIER_NS: Final = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA: Final = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
FRIENDS_NS: Final = "http://www.openarchives.org/OAI/2.0/friends/"
FRIENDS_SCHEMA: Final = "http://www.openarchives.org/OAI/2.0/friends.xsd"

#: Simple Dublin Core and its OAI container.
DC_NS: Final = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS: Final = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA: Final = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

#: MARC 21 in XML.
MARC_NS: Final = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA: Final = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"

#: MODS 3.x (the hub writes 3.8) and the XLink attributes it uses.
MODS_NS: Final = "http://www.loc.gov/mods/v3"
MODS_SCHEMA: Final = "http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"
XLINK_NS: Final = "http://www.w3.org/1999/xlink"

#: W3C: schema instances (``xsi:schemaLocation``) and the ``xml:`` prefix (``xml:lang``).
XSI_NS: Final = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"

#: The formats the crosswalks read, by OAI metadata prefix, in the harvester's order of preference.
READABLE_FORMATS: Final[tuple[tuple[str, str], ...]] = (
    ("marcxml", MARC_NS),
    ("oai_dc", OAI_DC_NS),
    ("mods", MODS_NS),
)
