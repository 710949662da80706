"""``kazneb partner``: the partner registry (also loaded from config/partners.toml)."""

from __future__ import annotations

import json

import click

from crosswalks.model import ACCESS_LEVELS
from harvester.errors import HarvestError
from harvester.partner_levels import OfferOf, history
from harvester.partner_set import PartnerSetError, add_partner, set_enabled, set_partner, sync_levels
from harvester.partners import PartnerConfig, all_partners
from kazneb.commands.context import open_store, partner, partners_file, pass_settings, when
from kazneb.commands.depository import today
from kazneb.commands.follow import update_search_index
from kazneb.config import Settings


@click.group("partner")
def partner_group() -> None:
    """Manage the partner registry (also loaded from config/partners.toml)."""


@partner_group.command("add")
@click.option("--id", "partner_id", required=True, help="Short id: a-z, 0-9, '-', '_', '.'.")
@click.option("--name", required=True, help="Name (English, or the only one known).")
@click.option("--name-kk", help="Name in Kazakh.")
@click.option("--name-ru", help="Name in Russian.")
@click.option("--url", default="", help="OAI-PMH base URL (none: the partner delivers files only).")
@click.option("--access", type=click.Choice(ACCESS_LEVELS), default="open", show_default=True)
@click.option("--format", "prefix", help="Metadata prefix (default: marcxml where offered, else oai_dc).")
@click.option("--set", "sets", multiple=True, help="Set to harvest (repeatable; default: all).")
@click.option("--schedule", default="1d", show_default=True, help="Cron expression or interval (6h, 1d).")
@click.option("--contact", default="", help="Contact e-mail.")
@click.option("--rate-limit", type=float, default=2.0, show_default=True, help="Requests per second.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per request.")
@pass_settings
def partner_add(settings: Settings, partner_id: str, name: str, name_kk: str | None, name_ru: str | None,
                url: str, access: str, prefix: str | None, sets: tuple[str, ...], schedule: str, contact: str,
                rate_limit: float, timeout: float) -> None:
    """Add a new partner (an existing one is changed with `kazneb partner set`)."""
    try:
        config = PartnerConfig(id=partner_id, base_url=url, name_en=name, name_kk=name_kk, name_ru=name_ru,
                               access=access, format=prefix, sets=list(sets), schedule=schedule,
                               contact=contact, rate_limit=rate_limit, timeout=timeout)
    except HarvestError as exc:
        raise click.BadParameter(str(exc)) from exc
    try:
        add_partner(open_store(settings), config)
    except PartnerSetError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"partner {partner_id} added ({access}{', files only' if not url else ''})")


#: ``partner set`` options → PartnerConfig fields (names joined into ``names``).
SETTABLE = {"name": "name_en", "name_kk": "name_kk", "name_ru": "name_ru", "url": "base_url", "access": "access",
            "prefix": "format", "sets": "sets", "schedule": "schedule", "contact": "contact",
            "rate_limit": "rate_limit", "timeout": "timeout"}


@partner_group.command("set")
@click.argument("partner_id")
@click.option("--name", help="Name (English).")
@click.option("--name-kk", help="Name in Kazakh.")
@click.option("--name-ru", help="Name in Russian.")
@click.option("--url", help='OAI-PMH base URL ("" : the partner delivers files only).')
@click.option("--access", type=click.Choice(ACCESS_LEVELS), help="Default level (republishes its records; "
              "one its agreement in force offers).")
@click.option("--format", "prefix", help="Metadata prefix.")
@click.option("--set", "sets", multiple=True, help="Set to harvest (repeatable; replaces the list).")
@click.option("--all-sets", is_flag=True, help="Harvest the whole repository again (no sets).")
@click.option("--schedule", help="Cron expression or interval (6h, 1d).")
@click.option("--contact", help="Contact e-mail.")
@click.option("--rate-limit", type=float, help="Requests per second.")
@click.option("--timeout", type=float, help="Seconds per request.")
@pass_settings
def partner_set(settings: Settings, partner_id: str, all_sets: bool, **given: object) -> None:
    """Change only the settings named; a change of level says what it republished."""
    changes = {SETTABLE[k]: v for k, v in given.items() if v is not None and v != ()}
    if all_sets:
        changes["sets"] = []
    if "sets" in changes:
        changes["sets"] = list(changes["sets"])  # type: ignore[call-overload]
    store = open_store(settings)
    try:
        lines = set_partner(store, partners_file(settings), partner_id, changes, agreement_offers(store))
    except HarvestError as exc:  # PartnerSetError included
        raise click.ClickException(str(exc)) from exc
    for line in lines:
        click.echo(line)
    update_search_index(settings, store, click.echo)


@partner_group.command("sync")
@pass_settings
def partner_sync(settings: Settings) -> None:
    """Apply partners.toml, levels included (each change of level is shown and recorded)."""
    store = open_store(settings)
    try:
        lines = sync_levels(store, partners_file(settings), agreement_offers(store))
    except HarvestError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in lines or [f"{partners_file(settings)}: every partner is as the file says"]:
        click.echo(line)
    update_search_index(settings, store, click.echo)


def agreement_offers(store) -> OfferOf:  # type: ignore[no-untyped-def]
    """The levels each partner's agreement in force offers today: its default and rules must be
    among them (the agreements are the depository's, loaded only here)."""
    from objects.agreements import offer_of

    return offer_of(store, today())


@partner_group.command("list")
@pass_settings
def partner_list(settings: Settings) -> None:
    """All partners, one line each."""
    with open_store(settings).session() as session:
        for p in all_partners(session):
            flag = "" if p.enabled else " (disabled)"
            click.echo(f"{p.id:16} {p.access:10} {p.schedule:12} {p.base_url or '-'}  {p.display_name}{flag}")


@partner_group.command("show")
@click.argument("partner_id")
@pass_settings
def partner_show(settings: Settings, partner_id: str) -> None:
    """Every setting of one partner."""
    with open_store(settings).session() as session:
        config = partner(session, partner_id)
        changes = history(session, partner_id)
    for key, value in {"id": config.id, "url": config.base_url, "names": config.names,
                       "access": config.access, "enabled": config.enabled, **config.options()}.items():
        click.echo(f"{key:18} {json.dumps(value, ensure_ascii=False)}")
    for change in changes:
        click.echo(f"{'level change':18} {when(change['at'])} by {change['by']}: {change['before']['access']} -> "
                   f"{change['after']['access']}, {change['republished']} record(s) republished")


@partner_group.command("disable")
@click.argument("partner_id")
@pass_settings
def partner_disable(settings: Settings, partner_id: str) -> None:
    """Stop harvesting a partner (its records stay)."""
    _set_enabled(settings, partner_id, False)


@partner_group.command("enable")
@click.argument("partner_id")
@pass_settings
def partner_enable(settings: Settings, partner_id: str) -> None:
    """Harvest a disabled partner again."""
    _set_enabled(settings, partner_id, True)


def _set_enabled(settings: Settings, partner_id: str, enabled: bool) -> None:
    try:
        set_enabled(open_store(settings), partner_id, enabled)
    except PartnerSetError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"partner {partner_id} {'enabled' if enabled else 'disabled'}")
