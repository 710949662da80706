"""The crosswalks' errors: one base, so a caller catches every refusal of a record at once.

Each derives from ``ValueError`` too (a record's content is at fault, not the program), and
lives here rather than in the module that raises it: several of those are compiled by mypyc,
and an interpreted module is where an exception hierarchy can be shared by both builds.
"""

from __future__ import annotations


class CrosswalkError(ValueError):
    """A record the crosswalks cannot turn into a canonical record or write; the message says why."""


class MarcXmlError(CrosswalkError):
    """The element is not a usable MARCXML record."""


class MarcDecodeError(CrosswalkError):
    """A MARC 21 (ISO 2709) record whose bytes cannot be decoded; the message says what is wrong."""


class XmlSplitError(CrosswalkError):
    """The file is not XML the splitter can find records in."""
