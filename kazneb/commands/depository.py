"""What the depository commands share: the storage root the settings name, and today's date."""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import click

from kazneb.config import Settings
from objects.errors import DepositRefused, StorageError

if TYPE_CHECKING:
    from objects.storage import Depository

BY_HELP = "Who does this (default: the system user; accounts come with the console)."


def open_depository(settings: Settings) -> Depository:
    """The storage root the settings name, created if new (ocfl-py is loaded only here)."""
    from objects.storage import Depository

    try:
        return Depository.from_settings(settings).open()
    except StorageError as exc:
        raise click.ClickException(str(exc)) from exc


def today() -> date:
    return datetime.now(UTC).date()


def who(by: str | None) -> str:
    return by or getpass.getuser()


def refused(exc: DepositRefused) -> click.ClickException:
    """The command's error for a refusal: ``refused: <what>: <why>``, exit status 1."""
    return click.ClickException(f"refused: {exc}")
