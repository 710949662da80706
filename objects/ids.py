"""Identifiers of objects and agreements: short, URL-safe, used as they are in commands and routes.

Inside the OCFL storage root every object needs a URI, so ``k7m2x9qd4a`` is stored as
``urn:kazneb:object:k7m2x9qd4a`` and an agreement ``nab-2024-15`` as
``urn:kazneb:agreement:nab-2024-15``.
"""

from __future__ import annotations

import re
import secrets

from objects.errors import DepositRefused

#: Lower-case letters and digits without the ones read as each other (0/o, 1/l/i).
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
OBJECT_URN = "urn:kazneb:object:"
AGREEMENT_URN = "urn:kazneb:agreement:"


def new_object_id() -> str:
    """A random object id: ten characters, about 49 bits, so workers never need to agree on one."""
    return "".join(secrets.choice(ALPHABET) for _ in range(10))


def agreement_id(partner_id: str, number: str) -> str:
    """A readable agreement id from the partner and the agreement's number (``nab`` + ``№ 15/2024``
    → ``nab-15-2024``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{partner_id} {number}".lower()).strip("-")
    return slug[:64].strip("-")


def check_id(value: str, what: str = "object") -> str:
    """``value`` if it is a well-formed id, else the refusal naming it."""
    if not ID_PATTERN.fullmatch(value or ""):
        raise DepositRefused(what, f"{value!r} is not an id (lower-case letters, digits and '-')")
    return value


def object_urn(object_id: str) -> str:
    return OBJECT_URN + object_id


def agreement_urn(agreement: str) -> str:
    return AGREEMENT_URN + agreement


def id_of_urn(urn: str) -> tuple[str, str]:
    """``("object", id)`` or ``("agreement", id)`` for an OCFL object's URI."""
    for kind, prefix in (("object", OBJECT_URN), ("agreement", AGREEMENT_URN)):
        if urn.startswith(prefix):
            return kind, urn[len(prefix):]
    raise ValueError(f"{urn!r} is not a KazNEB object or agreement URI")
