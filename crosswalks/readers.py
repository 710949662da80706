"""Entry points for turning source metadata into canonical records.

The harvester calls :func:`read_metadata` with the element inside an OAI
``<metadata>``; files go through :func:`read_file` (streamed, one
:class:`ReadResult` per record).
"""

from crosswalks.dc.reader import read_oai_dc
from crosswalks.errors import CrosswalkError
from crosswalks.files import ReadResult, read_bytes, read_file
from crosswalks.metadata import namespace_of, read_marcxml, read_metadata, read_mods

__all__ = ["CrosswalkError", "ReadResult", "namespace_of", "read_bytes", "read_file", "read_marcxml",
           "read_metadata", "read_mods", "read_oai_dc"]
