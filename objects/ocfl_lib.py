"""ocfl-py, imported without its side effect.

One of its dependencies (``pairtree``) calls ``logging.basicConfig(level=INFO)`` when it is
imported, which would make every later library log line (alembic's migrations, pikepdf's
start-up) print on the hub's commands.  The root logger is put back as it was.
"""

from __future__ import annotations

import logging

_root = logging.getLogger()
_handlers, _level = list(_root.handlers), _root.level

import ocfl  # noqa: E402

for _handler in list(_root.handlers):
    if _handler not in _handlers:
        _root.removeHandler(_handler)
_root.setLevel(_level)

__all__ = ["ocfl"]
