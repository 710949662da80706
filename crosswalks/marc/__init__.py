"""MARC 21: a light record type, MARCXML and ISO 2709 codecs, and the crosswalk to and from canonical."""
