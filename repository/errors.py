"""The store's error: a write it refused."""

from __future__ import annotations


class StoreError(Exception):
    """A write was refused; the message names the record or partner at fault."""
