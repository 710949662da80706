"""Changing a partner's levels (its default and its rules): explicit, reported, recorded.

A partner agreement decides who may read a partner's records, so a change of level is
never a side effect: ``kazneb partner set --access`` and ``kazneb partner sync`` (for
partners.toml) are the only ways, and each says the levels before and after and how many
records it republished, and appends who and when to the partner's history (shown by
``kazneb partner show``).  Records are republished at once under the rule of
``repository/levels.py`` (a record's own level still wins, and a record with a deposited
copy keeps its copy's level), not at the next harvest.

While the partner has a cooperation agreement in force, its default and its rules may only
use levels the agreement offers.  The agreements are the depository's (``objects``, a floor
above this one), so the caller looks the agreement up and passes it in as an :class:`Offer`.
"""

from __future__ import annotations

import getpass
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from harvester.errors import PartnerConfigError
from harvester.partners import PartnerConfig, levels_of, load_partner, save_partner
from repository.levels import partner_level
from repository.models import HubRecord, Partner, SourceRecord
from repository.store import Store

HISTORY = "_level_history"


@dataclass(frozen=True)
class Offer:
    """The levels a partner's cooperation agreement in force offers (its number, for messages)."""

    agreement: str
    levels: tuple[str, ...]


#: Partner id → the offer of its agreement in force, None when it has none (any level then).
OfferOf = Callable[[str], Offer | None]


def check_offered(config: PartnerConfig, offer: Offer | None) -> None:
    """Refuse a default or a rule whose level the partner's agreement in force does not offer."""
    if offer is None:
        return
    used = [("default", config.access)] + [(_rule_text(rule.set, rule.rights), rule.access)
                                           for rule in config.access_rules]
    wrong = [f"{what} {level}" for what, level in used if level not in offer.levels]
    if wrong:
        raise PartnerConfigError(
            f"partner {config.id}: its agreement {offer.agreement} in force offers {', '.join(offer.levels)} only, "
            f"so its levels cannot be {'; '.join(wrong)}")


def _rule_text(set_spec: str | None, rights: str | None) -> str:
    return f"rule for set {set_spec}" if set_spec else f"rule for rights {rights!r}"


@dataclass
class LevelChange:
    """One change of a partner's levels, as recorded."""

    partner_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    republished: int
    by: str
    at: int
    #: Records left at their deposited copy's level (not recorded in the history: it says what changed).
    kept_by_copy: int = 0

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.at))
        text = (f"partner {self.partner_id}: levels changed by {self.by} at {when}\n"
                f"  before: {_levels_text(self.before)}\n  after:  {_levels_text(self.after)}\n"
                f"  {self.republished} record(s) republished under the new level")
        if self.kept_by_copy:
            text += f"\n  {self.kept_by_copy} record(s) with a deposited copy keep their copy's level"
        return text


def _levels_text(levels: dict[str, Any]) -> str:
    rules = ", ".join(f"{'set ' + r['set'] if r.get('set') else 'rights ' + repr(r.get('rights'))} -> {r['access']}"
                      for r in levels["access_rules"])
    return f"default {levels['access']}" + (f"; rules: {rules}" if rules else "")


def operator() -> str:
    """Who is making a change: the login name and host of the process."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def change_levels(store: Store, config: PartnerConfig, by: str | None = None,
                  origin: str | None = None, offer_of: OfferOf | None = None) -> LevelChange | None:
    """Save ``config`` (whose levels differ from the stored ones) and republish the partner's
    records whose level changes; None when its levels are the ones in force already.
    ``offer_of``: the partner's agreement in force, whose levels the new ones must be."""
    if offer_of is not None:
        check_offered(config, offer_of(config.id))
    with store.session() as session:
        before = levels_of(load_partner(session, config.id))
        after = levels_of(config)
        if before == after:
            save_partner(store, session, config, origin)
            return None
        save_partner(store, session, config, origin)
        republished, kept = republish(store, session, config)
        change = LevelChange(config.id, before, after, republished, by or operator(), int(time.time()), kept)
        row = session.get(Partner, config.id)
        history = list((row.settings or {}).get(HISTORY, []))
        history.append({"at": change.at, "by": change.by, "before": before, "after": after,
                        "republished": change.republished})
        row.settings = {**(row.settings or {}), HISTORY: history}
        return change


def republish(store: Store, session, config: PartnerConfig) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Give each live record of the partner the level the rule now gives it: how many changed,
    and how many kept their deposited copy's level instead."""
    rows = session.execute(select(HubRecord.local_id, HubRecord.access, HubRecord.copy_access, HubRecord.canonical,
                                  SourceRecord.source_sets, SourceRecord.own_access)
                           .join(SourceRecord, SourceRecord.hub_record_id == HubRecord.id)
                           .where(SourceRecord.partner_id == config.id, SourceRecord.deleted.is_(False))
                           .order_by(HubRecord.id)).all()
    changed = kept = 0
    for local_id, access, copy_access, canonical, sets, own in rows:
        canonical = json.loads(canonical) if isinstance(canonical, str) else (canonical or {})
        level = partner_level(config.access_for, sets or [], canonical.get("rights") or [], own)
        if copy_access is not None:
            kept += level != access
        elif level != access and store.set_access(session, local_id, level):
            changed += 1
    return changed, kept


def history(session, partner_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The partner's recorded level changes, oldest first."""
    row = session.get(Partner, partner_id)
    return list(((row.settings or {}) if row is not None else {}).get(HISTORY, []))
