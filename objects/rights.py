"""The rights a copy is deposited under: its copyright status, and who or what grants its use."""

from __future__ import annotations

from objects.errors import DepositRefused

COPYRIGHT_STATUSES = ("public-domain", "in-copyright", "in-copyright-licensed", "not-evaluated")
#: Statuses under which someone holds the rights, and must be named.
HELD_RIGHTS = ("in-copyright", "in-copyright-licensed")


def check_rights(copyright: str, rights_holder: str | None, licence: str | None) -> None:
    """The same rule for loose files and bags (``objects/bagprofile.py`` checks a bag's tags)."""
    if copyright not in COPYRIGHT_STATUSES:
        raise DepositRefused("--copyright", f"{copyright!r} is not one of {', '.join(COPYRIGHT_STATUSES)}")
    if copyright in HELD_RIGHTS and not (rights_holder or "").strip():
        raise DepositRefused("--rights-holder", f"a copy {copyright} needs the rights holder's name")
    if copyright == "in-copyright-licensed" and not (licence or "").startswith(("http://", "https://")):
        raise DepositRefused("--licence", "a copy in copyright with a licence needs the licence's http(s) URI")
