"""The KazNEB deposit profile: what a bag's ``bag-info.txt`` must say, checked from the JSON file.

``profiles/kazneb-deposit.json`` is the source of truth and what partners are given: the
required tags, the values each may take and whether it may repeat are read from it, so the
file and the checks cannot drift apart.  The rules a bagit-profile cannot express (a licence
URI for a licensed copy, a rights holder for a copy in copyright) are checked here in code.
The ``bagit-profile`` library then validates the bag against the same file, as a partner's
own validator would.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import bagit
import bagit_profile

from objects.errors import DepositRefused
from objects.rights import HELD_RIGHTS

PROFILE_PATH = Path(__file__).parent / "profiles" / "kazneb-deposit.json"
PROFILE: dict = json.loads(PROFILE_PATH.read_text(encoding="utf-8"))
PROFILE_IDENTIFIER: str = PROFILE["BagIt-Profile-Info"]["BagIt-Profile-Identifier"]

PARTNER = "KazNEB-Partner"
RECORD = "KazNEB-Record"
ACCESS = "KazNEB-Access-Level"
RIGHTS_HOLDER = "KazNEB-Rights-Holder"
COPYRIGHT = "KazNEB-Copyright-Status"
LICENCE = "KazNEB-Licence-URI"
PAGE_ORDER = "KazNEB-Page-Order"
DEPOSITED_BY = "KazNEB-Deposited-By"
PROFILE_TAG = "BagIt-Profile-Identifier"



@dataclass(frozen=True)
class DepositInfo:
    """The KazNEB tags of one bag, checked."""

    partner: str
    record: str
    access: str
    copyright: str
    rights_holder: str | None
    licence: str | None
    page_order: str
    deposited_by: str | None


def info_tags(partner: str, record: str, access: str, copyright: str, rights_holder: str | None = None,
              licence: str | None = None, deposited_by: str | None = None) -> dict[str, str]:
    """The bag-info tags for these values (what a restore passes to ``write_bag``)."""
    tags = {PARTNER: partner, RECORD: record, ACCESS: access, COPYRIGHT: copyright,
            RIGHTS_HOLDER: rights_holder, LICENCE: licence, DEPOSITED_BY: deposited_by}
    return {tag: value for tag, value in tags.items() if value}


def deposit_info(bag: bagit.Bag, source: Path, subject: str) -> DepositInfo:
    """The bag's KazNEB tags, or :class:`DepositRefused` naming the first tag at fault.

    Our own checks run first because their messages name the tag plainly; bagit-profile
    runs last as the backstop for what the file says beyond the tags (allowed manifests,
    no fetch.txt, BagIt versions, serialisation).
    """
    where = f"{subject}: bag-info.txt"
    tags = _checked_tags(bag.info, where)
    status = tags[COPYRIGHT]
    if status == "in-copyright-licensed" and LICENCE not in tags:
        raise DepositRefused(where, f"{LICENCE} is required when {COPYRIGHT} is in-copyright-licensed")
    if LICENCE in tags and not _is_web_uri(tags[LICENCE]):
        raise DepositRefused(where, f"{LICENCE} {tags[LICENCE]!r} is not an http or https URI")
    if status in HELD_RIGHTS and RIGHTS_HOLDER not in tags:
        raise DepositRefused(where, f"{RIGHTS_HOLDER} is required when {COPYRIGHT} is {status}")
    _validate_with_bagit_profile(bag, source, subject)
    return DepositInfo(partner=tags[PARTNER], record=tags[RECORD], access=tags[ACCESS], copyright=status,
                       rights_holder=tags.get(RIGHTS_HOLDER), licence=tags.get(LICENCE),
                       page_order=tags.get(PAGE_ORDER, "name"), deposited_by=tags.get(DEPOSITED_BY))


def _checked_tags(info: dict, where: str) -> dict[str, str]:
    """The profile's tags present in ``info``: required ones there and non-empty, each once, allowed values.

    Labels match whatever their case: ``bagit.py --bagit-profile-identifier`` writes
    ``Bagit-Profile-Identifier``, and a partner should not be refused for a tool's spelling.
    """
    labels = _values_by_label(info)
    given = labels.get(PROFILE_TAG.lower(), [])
    if given != [PROFILE_IDENTIFIER]:
        raise DepositRefused(where, f"{PROFILE_TAG} must be {PROFILE_IDENTIFIER} (found {', '.join(given) or 'none'})")
    tags = {}
    for tag, rule in PROFILE["Bag-Info"].items():
        values = labels.get(tag.lower(), [])
        if len(values) > 1:
            raise DepositRefused(where, f"{tag} is given {len(values)} times; it may be given once")
        value = values[0].strip() if values else ""
        if not value:
            if rule.get("required"):
                raise DepositRefused(where, f"the required tag {tag} is missing or empty")
            continue
        if rule.get("values") and value not in rule["values"]:
            raise DepositRefused(where, f"{tag} {value!r} is not one of {', '.join(rule['values'])}")
        tags[tag] = value
    return tags


def _values_by_label(info: dict) -> dict[str, list[str]]:
    """Lower-case label → every value given under it (bagit keeps a repeated label's values as a list)."""
    labels: dict[str, list[str]] = {}
    for label, value in info.items():
        labels.setdefault(label.lower(), []).extend(value if isinstance(value, list) else [value])
    return labels


def _validate_with_bagit_profile(bag: bagit.Bag, source: Path, subject: str) -> None:
    profile = bagit_profile.Profile(PROFILE_IDENTIFIER, profile=copy.deepcopy(PROFILE), ignore_baginfo_tag_case=True)
    try:
        profile.validate_serialization(str(source))
    except bagit_profile.ProfileValidationError:
        raise DepositRefused(subject, "a bag is accepted as a folder or a .zip file only") from None
    if not profile.validate(bag):
        message = str(profile.report.errors[0].value).removeprefix(f"{bag}: ")
        raise DepositRefused(subject, f"does not follow the KazNEB deposit profile: {message}")


def _is_web_uri(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value
