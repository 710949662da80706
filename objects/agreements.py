"""Cooperation agreements: recorded, listed with their terms, terminated by notice.

A partner deposits copies only under an agreement in force, and only at a level the agreement
offers.  The agreement's scan is kept in the depository as its own OCFL object; a notice is a
state change in the event log (the stored version never changes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosswalks.model import ACCESS_LEVELS
from harvester.errors import PartnerConfigError
from harvester.partner_levels import Offer, OfferOf, check_offered
from harvester.partners import load_partner
from objects import events
from objects.catalogue import METADATA, apply_event, catalogue_version, remember_head, utc_stamp
from objects.content import inspect_file
from objects.errors import DepositRefused
from objects.ids import agreement_id, agreement_urn
from objects.models import Agreement
from objects.storage import Depository
from objects.terms import TERM_YEARS, Term, ends_on, state_on, term_on
from repository.models import Partner
from repository.store import Store


@dataclass(frozen=True)
class AgreementStatus:
    """An agreement as ``kazneb agreement list`` shows it on a given day."""

    agreement: Agreement
    state: str
    term: Term
    ends: date | None
    today: date

    @property
    def notice_due(self) -> bool:
        """In the last three months of its term, with no notice given: now is the time to decide."""
        return self.state == "in force" and self.ends is None and self.term.in_notice_window(self.today)


def levels_of(text: str) -> list[str]:
    """``open,read-only`` → the levels, each checked."""
    levels = [level.strip() for level in text.split(",") if level.strip()]
    unknown = [level for level in levels if level not in ACCESS_LEVELS]
    if not levels or unknown:
        raise DepositRefused("--levels", f"{text!r}: each level must be one of {', '.join(ACCESS_LEVELS)}")
    return list(dict.fromkeys(levels))


def in_force(session: Session, partner_id: str, day: date) -> Agreement | None:
    """The partner's agreement in force on ``day`` (the latest signed, if several were)."""
    rows = session.execute(select(Agreement).where(Agreement.partner_id == partner_id)
                           .order_by(Agreement.signed.desc())).scalars()
    for row in rows:
        if _state(row, day) == "in force":
            return row
    return None


def require_level(session: Session, partner_id: str, level: str, day: date, doing: str = "deposit",
                  subject: str = "--access") -> Agreement:
    """The agreement that lets ``partner_id`` deposit (or do what ``doing`` says) at ``level``
    today, or the refusal (``subject``: the parameter that names the level)."""
    agreement = in_force(session, partner_id, day)
    if agreement is None:
        latest = session.execute(select(Agreement).where(Agreement.partner_id == partner_id)
                                 .order_by(Agreement.signed.desc())).scalars().first()
        why = (f"its agreement {latest.number} is {_state(latest, day)}" if latest is not None
               else "it has no cooperation agreement on record (kazneb agreement add)")
        raise DepositRefused("--partner", f"partner {partner_id} cannot {doing}: {why}")
    if level not in agreement.levels:
        raise DepositRefused(subject, f"partner {partner_id}'s agreement {agreement.number} offers "
                             f"{', '.join(agreement.levels)}, not {level}")
    return agreement


def offer_of(store: Store, day: date) -> OfferOf:
    """Partner id → the levels its agreement in force on ``day`` offers (None: no agreement in
    force): what ``kazneb partner set/sync`` holds a partner's default and rules to."""
    def offer(partner_id: str) -> Offer | None:
        with store.reading() as session:
            agreement = in_force(session, partner_id, day)
            return Offer(agreement.number, tuple(agreement.levels)) if agreement is not None else None
    return offer


def add(store: Store, depository: Depository, partner_id: str, number: str, signed: date, levels: list[str],
        scan: Path, by: str, today: date) -> Agreement:
    """Record a signed agreement and keep its scan in the depository."""
    with store.reading() as session:
        if session.get(Partner, partner_id) is None:
            raise DepositRefused("--partner", f"unknown partner {partner_id}")
        current = in_force(session, partner_id, max(today, signed))
        if current is not None:
            raise DepositRefused("--partner", f"partner {partner_id} already has agreement {current.number} in force; "
                                 "record its termination first (kazneb agreement terminate)")
        _require_partner_levels(session, partner_id, number, levels)
    identifier = agreement_id(partner_id, number)
    urn = agreement_urn(identifier)
    if depository.exists(urn):
        raise DepositRefused("--number", f"agreement {number} of partner {partner_id} is already recorded")
    inspect_file(scan, scan.name)
    metadata = {"kind": "agreement", "agreement": identifier, "partner": partner_id, "number": number,
                "signed": signed.isoformat(), "term_years": TERM_YEARS, "levels": levels,
                "scan": f"agreement/{scan.name}", "recorded_by": by, "recorded_at": utc_stamp()}
    with depository.new_version(urn) as writer:
        writer.add_file(scan, f"agreement/{scan.name}", name=scan.name)
        writer.add_bytes(json.dumps(metadata, ensure_ascii=False, indent=1).encode(), METADATA)
        pending = writer.publish(f"agreement {number} of partner {partner_id}", by)
        entry = events.append(depository.root, "agreement-add", agreement=identifier, partner=partner_id,
                              number=number, version=1, by=by)
        with store.session() as session:
            catalogue_version(session, depository, urn, 1)
            remember_head(session, events.Head(entry["seq"], entry["hash"]))
        depository.settle(pending)
    with store.reading() as session:
        return session.get(Agreement, identifier)  # type: ignore[return-value]


def _require_partner_levels(session: Session, partner_id: str, number: str, levels: list[str]) -> None:
    """Refuse an agreement that does not offer a level the partner's default or rules use: its
    records would be published at a level it never agreed to.  The levels are changed first."""
    config = load_partner(session, partner_id)
    try:
        check_offered(config, Offer(number, tuple(levels)))
    except PartnerConfigError as exc:
        raise DepositRefused("--levels", f"{exc}: change them first (kazneb partner set {partner_id} --access "
                             "LEVEL, or its entry in partners.toml and kazneb partner sync), then record "
                             "the agreement") from exc


def terminate(store: Store, depository: Depository, partner_id: str, notice: date, by: str) -> AgreementStatus:
    """Record a written notice: the agreement ends with the term the notice falls in."""
    with store.session() as session:
        agreement = in_force(session, partner_id, notice)
        if agreement is None:
            raise DepositRefused("--partner", f"partner {partner_id} has no agreement in force on {notice}")
        if agreement.notice:
            raise DepositRefused("--notice", f"agreement {agreement.number} already has a notice of {agreement.notice} "
                                 "on record")
        entry = events.append(depository.root, "agreement-terminate", agreement=agreement.id, partner=partner_id,
                              notice=notice.isoformat(), by=by)
        apply_event(session, entry)
        remember_head(session, events.Head(entry["seq"], entry["hash"]))
        return status(agreement, notice)


def statuses(session: Session, today: date) -> list[AgreementStatus]:
    rows = session.execute(select(Agreement).order_by(Agreement.partner_id, Agreement.signed)).scalars()
    return [status(row, today) for row in rows]


def status(agreement: Agreement, today: date) -> AgreementStatus:
    signed = date.fromisoformat(agreement.signed)
    notice = date.fromisoformat(agreement.notice) if agreement.notice else None
    return AgreementStatus(agreement, _state(agreement, today), term_on(signed, today, agreement.term_years),
                           ends_on(signed, notice, agreement.term_years), today)


def _state(agreement: Agreement, day: date) -> str:
    notice = date.fromisoformat(agreement.notice) if agreement.notice else None
    return state_on(date.fromisoformat(agreement.signed), notice, day, agreement.term_years)
