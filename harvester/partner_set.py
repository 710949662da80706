"""Adding and changing partners (``kazneb partner add/set/sync/enable/disable``): only the settings named.

``partner add`` once replaced every setting with its defaults, so changing a schedule put
the partner's access back to ``open``.  Here a change names the settings it changes and
leaves the others as they are; a partner defined in partners.toml is changed in that file
(the one source of its settings) and applied by ``partner sync``.  While a partner has an
agreement in force (``offer_of``, looked up by the caller), its levels must be ones it offers.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from harvester.errors import HarvestError
from harvester.partner_levels import OfferOf, change_levels, check_offered
from harvester.partners import (
    PartnerConfig,
    defined_in,
    entry_digest,
    levels_of,
    load_partner,
    read_registry,
    save_partner,
    sync_registry,
)
from repository.models import Partner


class PartnerSetError(HarvestError):
    """A change the command refuses (and why)."""


def add_partner(store, config: PartnerConfig) -> None:  # type: ignore[no-untyped-def]
    """Register a new partner; one that exists is refused (``set_partner`` changes it without resetting the rest)."""
    with store.session() as session:
        if session.get(Partner, config.id) is not None:
            raise PartnerSetError(f"partner {config.id} exists; change only what you name with "
                                  f"`kazneb partner set {config.id} --schedule ... --access ...`")
        save_partner(store, session, config)


def set_enabled(store, partner_id: str, enabled: bool) -> None:  # type: ignore[no-untyped-def]
    """Stop (or resume) harvesting a partner; its records stay either way."""
    with store.session() as session:
        row = session.get(Partner, partner_id)
        if row is None:
            raise PartnerSetError(f"no partner {partner_id!r}")
        row.enabled = enabled


def set_partner(store, registry: Path, partner_id: str, changes: dict[str, Any],  # type: ignore[no-untyped-def]
                offer_of: OfferOf | None = None) -> list[str]:
    """Apply ``changes`` (PartnerConfig field → value) to one partner; what was done, line by line."""
    if defined_in(registry, partner_id):
        raise PartnerSetError(f"partner {partner_id} is defined in {registry}: edit it there, then run "
                              "`kazneb partner sync`")
    if not changes:
        raise PartnerSetError("nothing to change: name at least one setting (see `kazneb partner set --help`)")
    with store.session() as session:
        before = load_partner(session, partner_id)
    after = dataclasses.replace(before, **changes)  # validates
    lines = [f"partner {partner_id}: {name} {_shown(getattr(before, name))} -> {_shown(value)}"
             for name, value in changes.items() if getattr(before, name) != value and name != "access"]
    if levels_of(after) != levels_of(before):
        change = change_levels(store, after, offer_of=offer_of)
        lines.append(change.describe() if change else "")
    else:
        with store.session() as session:
            save_partner(store, session, after)
    return [line for line in lines if line] or [f"partner {partner_id}: nothing changed"]


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str | list) else str(value)


def sync_levels(store, registry: Path, offer_of: OfferOf | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """Apply partners.toml: new and changed entries, then levels the file changed; what was done.

    Levels an agreement in force does not offer refuse the file's levels as a whole, before
    any is applied: the file is the one source, and half of it in force would be neither."""
    lines = [f"partner {pid}: applied from {registry}" for pid in sync_registry(store, registry)]
    changed = []
    for config in read_registry(registry):
        with store.session() as session:
            current = load_partner(session, config.id)
        if levels_of(current) != levels_of(config):
            changed.append((dataclasses.replace(current, access=config.access, access_rules=config.access_rules),
                            entry_digest(config)))
    for applied, _ in changed:
        if offer_of is not None:
            try:
                check_offered(applied, offer_of(applied.id))
            except HarvestError as exc:
                raise PartnerSetError(f"{registry}: no level applied: {exc}") from exc
    for applied, origin in changed:
        change = change_levels(store, applied, origin=origin)
        if change:
            lines.append(change.describe())
    return lines


__all__ = ["PartnerConfig", "PartnerSetError", "add_partner", "set_enabled", "set_partner", "sync_levels"]
