"""``/`` (search with facets and paging) and ``/record/<id>`` (the full record), in three languages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select

from crosswalks.model import CanonicalRecord
from repository.levels import record_own_level
from repository.publishing import without_partner_files
from search.engine import BadRequest, SearchError
from web import i18n
from web.offers import Offer, copy_offers, live_copies, partner_offers
from web.params import search_request
from web.records import ACTIONS, record_json, related_editions
from web.redirects import local_target
from web.services import search_engine, store

pages_blueprint = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                            static_url_path="/static/web")
PAGE_SIZE = 10


@pages_blueprint.get("/")
def search_page():  # type: ignore[no-untyped-def]
    args = request.args.copy()
    args.pop("lang", None)
    error = page = None
    try:
        search = search_request(args, default_size=PAGE_SIZE, strict=False)
        page = search_engine().search(search)
    except BadRequest as exc:
        error, search = exc, None
    except SearchError:
        abort(503)
    status = 400 if error else 200
    hits = page.hits if page else []
    return render_template("search.html", page=page, search=search, error=error, args=args,
                           offers=_hit_offers(hits), merged=_hit_holdings(hits),
                           facet_link=lambda name, value: _toggle(args, name, value),
                           page_link=lambda cursor: _page(args, cursor),
                           highlight=lambda text: Markup(text)), status


@pages_blueprint.get("/record/<path:record_id>")
def record_page(record_id: str):  # type: ignore[no-untyped-def]
    view = store().find_hub_record(record_id)
    if view is not None and view.successor is not None:  # merged into another record's cluster
        return redirect(url_for("pages.record_page", record_id=view.successor), 301)
    if view is None or view.deleted:
        abort(404)
    data = record_json(view, request.url_root, related_editions(store(), view))
    # a merged record (one work from several partners): no action stands for the whole record, each
    # holding offers its own copy at its own level
    return render_template("record.html", record=data, canonical=without_partner_files(view.canonical, view.access),
                           holdings=_holdings(view.partner_ids), actions=[] if view.merged else _actions(view),
                           merged=_merged_holdings(view) if view.merged else [])


@pages_blueprint.get("/lang/<code>")
def switch_language(code: str):  # type: ignore[no-untyped-def]
    """Remember the chosen language in a cookie and go back (no JavaScript needed)."""
    response = redirect(local_target(request.args.get("next"), url_for("pages.search_page")))
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@pages_blueprint.app_context_processor
def page_helpers():  # type: ignore[no-untyped-def]
    return {"languages": i18n.LANGUAGES, "current_language": str(get_locale() or i18n.DEFAULT_LANGUAGE),
            "facet_title": lambda name: i18n.FACET_TITLES.get(name, name), "label": i18n.label,
            "here": request.full_path.rstrip("?")}


def _toggle(args, name: str, value: object) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    """The link that adds (or, when active, removes) a facet value, and whether it is active."""
    query = [(k, v) for k, v in args.items(multi=True) if k != "cursor"]
    if name == "year":
        low, high = str(value), str(int(value) + 9)  # type: ignore[call-overload]
        active = args.get("year_from") == low and args.get("year_to") == high
        query = [(k, v) for k, v in query if k not in ("year_from", "year_to")]
        if not active:
            query += [("year_from", low), ("year_to", high)]
    else:
        active = str(value) in args.getlist(name)
        query = [(k, v) for k, v in query if not (k == name and v == str(value))]
        if not active:
            query.append((name, str(value)))
    return url_for("pages.search_page") + ("?" + urlencode(query) if query else ""), active


def _page(args, cursor: str | None) -> str:  # type: ignore[no-untyped-def]
    query = [(k, v) for k, v in args.items(multi=True) if k != "cursor"]
    if cursor:
        query.append(("cursor", cursor))
    return url_for("pages.search_page") + ("?" + urlencode(query) if query else "")


def _holdings(partner_ids: list[str]) -> list[dict[str, str]]:
    with store().reading() as session:
        names = _partner_names(session, partner_ids)
    return [{"id": partner_id, "name": names[partner_id],
             "search": url_for("pages.search_page", partner=partner_id)} for partner_id in partner_ids]


def _partner_names(session, partner_ids: Iterable[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """partner id → its name in the page's language (another of its names, else its id)."""
    from repository.models import Partner

    language = str(get_locale() or "kk")
    found = {}
    for partner_id in dict.fromkeys(partner_ids):
        partner = session.get(Partner, partner_id)
        names = {"kk": partner.name_kk, "ru": partner.name_ru, "en": partner.name_en} if partner else {}
        found[partner_id] = names.get(language) or next((n for n in names.values() if n), None) or partner_id
    return found


def _merged_holdings(view) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A merged record's holdings as its page shows them: each partner's name, its own level and the
    actions for its own copy (:func:`_holding_offers`)."""
    holdings = view.canonical.holdings
    local_ids = [store().local_id_of(h.identifier) or "" for h in holdings]
    with store().reading() as session:
        names = _partner_names(session, [h.partner for h in holdings])
        copies = live_copies(session, [i for i in local_ids if i])
        own = _own_records(session, [i for i in local_ids if i])
    shown = []
    for holding, local_id in zip(holdings, local_ids, strict=True):
        level, offers = _holding_offers(holding.access, copies.get(local_id), own.get(local_id))
        shown.append({"id": holding.partner, "name": names[holding.partner], "access": level, "actions": offers,
                      "search": url_for("pages.search_page", partner=holding.partner)})
    return shown


def _own_records(session, local_ids: list[str]) -> dict[str, tuple[str, CanonicalRecord | None]]:  # type: ignore[no-untyped-def]
    """local id → (its own level now, its own record unless deleted) for a cluster's members: the level
    consolidation merges (its live copy's, else its record's)."""
    from repository.models import HubRecord

    rows = session.execute(select(HubRecord.local_id, HubRecord.canonical, HubRecord.access, HubRecord.copy_access,
                                  HubRecord.deleted).where(HubRecord.local_id.in_(local_ids))).all()
    found = {}
    for local_id, canonical, access, copy_access, deleted in rows:
        record = CanonicalRecord.from_dict(canonical or {})
        found[local_id] = (record_own_level(copy_access, record.access, access), None if deleted else record)
    return found


def _holding_offers(published: str | None, copy: tuple[str, str] | None,
                    own: tuple[str, CanonicalRecord | None] | None) -> tuple[str, list[Offer]]:
    """One holding's level and actions: the hub's routes of its live copy at the copy's level, else what
    its own level allows, linked to its partner's file only when that level is open (a read-only or
    preview-24 holding's partner file is never shown).  Its level is what the store holds now, else
    what was published."""
    if copy is not None:
        return copy[1], copy_offers(*copy)
    level, record = own if own is not None else (published or "read-only", None)
    partner_url = next((o.url for o in record.objects if o.url and not o.in_context), None) if record else None
    return level, partner_offers(ACTIONS.get(level, ()), level, partner_url)


def _hit_holdings(hits: list[dict]) -> dict[str, list[dict[str, Any]]]:  # type: ignore[type-arg]
    """hit id → its holdings as the result shows them (name, level, the hub's routes of its live copy), for
    the hits that publish several partners' records (their live copies: one query a page)."""
    merged = [hit for hit in hits if len(hit.get("holdings") or []) > 1]
    if not merged:
        return {}
    local_of = {h["identifier"]: store().local_id_of(h["identifier"]) or "" for hit in merged for h in hit["holdings"]}
    with store().reading() as session:
        names = _partner_names(session, [h["partner"] for hit in merged for h in hit["holdings"]])
        copies = live_copies(session, [i for i in local_of.values() if i])
    shown: dict[str, list[dict[str, Any]]] = {}
    for hit in merged:
        for holding in hit["holdings"]:
            copy = copies.get(local_of[holding["identifier"]])
            shown.setdefault(str(hit["id"]), []).append({
                "id": holding["partner"], "name": names[holding["partner"]],
                "access": copy[1] if copy else holding.get("access"),
                "actions": copy_offers(*copy) if copy else []})
    return shown


def _hit_offers(hits: list[dict]) -> dict[str, list[Offer]]:  # type: ignore[type-arg]
    """local id → the hub's routes of its live copy, for the hits that have one (one query a page)."""
    if not hits:
        return {}
    with store().reading() as session:
        copies = live_copies(session, [str(hit["id"]) for hit in hits])
    return {local_id: copy_offers(*copy) for local_id, copy in copies.items()}


def _actions(view) -> list[Offer]:  # type: ignore[no-untyped-def]
    """The reader actions the record's level allows, as links to the hub's routes of its live copy
    (:mod:`web.offers`); never a partner's file with ``?pages=1-24`` appended."""
    with store().reading() as session:
        copy = live_copies(session, [view.local_id]).get(view.local_id)
    if copy is not None:
        return copy_offers(*copy)
    partner_url = next((o.url for o in view.canonical.objects if o.url), None)
    return partner_offers(ACTIONS.get(view.access, ()), view.access, partner_url)
