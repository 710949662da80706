"""Changing a partner's levels (its default and its rules): explicit, reported, recorded.

A partner agreement decides who may read a partner's records, so a change of level is
never a side effect: ``kazneb partner set --access`` and ``kazneb partner sync`` (for
partners.toml) are the only ways, and each says the levels before and after and how many
records it republished, and appends who and when to the partner's history (shown by
``kazneb partner show``).  Records are republished at once under the rule of
``repository/levels.py`` (a record's own level still wins), not at the next harvest.
"""

from __future__ import annotations

import getpass
import json
import socket
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from harvester.partners import PartnerConfig, levels_of, load_partner, save_partner
from repository.levels import partner_level
from repository.models import HubRecord, Partner, SourceRecord
from repository.store import Store

HISTORY = "_level_history"


@dataclass
class LevelChange:
    """One change of a partner's levels, as recorded."""

    partner_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    republished: int
    by: str
    at: int

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.at))
        return (f"partner {self.partner_id}: levels changed by {self.by} at {when}\n"
                f"  before: {_levels_text(self.before)}\n  after:  {_levels_text(self.after)}\n"
                f"  {self.republished} record(s) republished under the new level")


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
                  origin: str | None = None) -> LevelChange | None:
    """Save ``config`` (whose levels differ from the stored ones) and republish the partner's
    records whose level changes; None when its levels are the ones in force already."""
    with store.session() as session:
        before = levels_of(load_partner(session, config.id))
        after = levels_of(config)
        if before == after:
            save_partner(store, session, config, origin)
            return None
        save_partner(store, session, config, origin)
        change = LevelChange(config.id, before, after, republish(store, session, config), by or operator(),
                             int(time.time()))
        row = session.get(Partner, config.id)
        history = list((row.settings or {}).get(HISTORY, []))
        history.append({"at": change.at, "by": change.by, "before": before, "after": after,
                        "republished": change.republished})
        row.settings = {**(row.settings or {}), HISTORY: history}
        return change


def republish(store: Store, session, config: PartnerConfig) -> int:  # type: ignore[no-untyped-def]
    """Give each live record of the partner the level the rule now gives it; how many changed."""
    rows = session.execute(select(HubRecord.local_id, HubRecord.access, HubRecord.canonical,
                                  SourceRecord.source_sets, SourceRecord.own_access)
                           .join(SourceRecord, SourceRecord.hub_record_id == HubRecord.id)
                           .where(SourceRecord.partner_id == config.id, SourceRecord.deleted.is_(False))
                           .order_by(HubRecord.id)).all()
    changed = 0
    for local_id, access, canonical, sets, own in rows:
        canonical = json.loads(canonical) if isinstance(canonical, str) else (canonical or {})
        level = partner_level(config.access_for, sets or [], canonical.get("rights") or [], own)
        if level != access and store.set_access(session, local_id, level):
            changed += 1
    return changed


def history(session, partner_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The partner's recorded level changes, oldest first."""
    row = session.get(Partner, partner_id)
    return list(((row.settings or {}) if row is not None else {}).get(HISTORY, []))
