"""MkDocs hook: pages generated from the code, so they cannot drift from it.

* ``<!-- settings-table -->`` in a page becomes the table of :data:`kazneb.config.SETTINGS`
  (key, default, help);
* ``<!-- commands-reference -->`` becomes the help of every ``kazneb`` command and subcommand,
  exactly as ``kazneb COMMAND --help`` prints it (click renders it), one section each.

Used by mkdocs.yml (``hooks:``); ``python scripts/docs_hooks.py`` prints both.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout
if str(ROOT) not in sys.path:  # this checkout's code, not another installed copy
    sys.path.insert(0, str(ROOT))

SETTINGS_MARKER = "<!-- settings-table -->"
COMMANDS_MARKER = "<!-- commands-reference -->"
HELP_WIDTH = 78  # fits the content column of the site without scrolling


def settings_table() -> str:
    """The Markdown table of every setting, from ``kazneb.config.SETTINGS``."""
    from kazneb.config import SETTINGS

    def default(value: object) -> str:
        if value == "":
            return "(empty)"
        if isinstance(value, bool):
            return "`true`" if value else "`false`"
        return f"`{value}`"

    def cell(text: str) -> str:  # <namespace> is text, not a tag; | would end the cell
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|") \
            .replace("\n", " ")

    rows = ["| setting | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.key}` | {default(s.default)} | {cell(s.help)} |" for s in SETTINGS]
    return "\n".join(rows)


def command_helps() -> list[tuple[str, str]]:
    """(``kazneb harvest run``, its ``--help`` text) for the main group and every command under it."""
    import click

    from kazneb.cli import main

    found: list[tuple[str, str]] = []

    def walk(command: click.Command, name: str, parent: click.Context | None) -> None:
        ctx = click.Context(command, info_name=name, parent=parent,
                            terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH)
        found.append((ctx.command_path, command.get_help(ctx)))
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                subcommand = command.get_command(ctx, sub)
                if subcommand is not None and not subcommand.hidden:
                    walk(subcommand, sub, ctx)

    walk(main, "kazneb", None)
    return found


def commands_reference() -> str:
    """One section per command: ``## kazneb harvest``, ``### kazneb harvest run``, each with its help."""
    sections = []
    for path, text in command_helps():
        level = "##" if len(path.split()) <= 2 else "###"
        sections.append(f"{level} {path}\n\n```text\n{text}\n```\n")
    return "\n".join(sections)


def on_page_markdown(markdown: str, page, config, files) -> str:  # type: ignore[no-untyped-def]
    if SETTINGS_MARKER in markdown:
        markdown = markdown.replace(SETTINGS_MARKER, SETTINGS_MARKER + "\n\n" + settings_table() + "\n")
    if COMMANDS_MARKER in markdown:
        markdown = markdown.replace(COMMANDS_MARKER, COMMANDS_MARKER + "\n\n" + commands_reference())
    return markdown


if __name__ == "__main__":
    print(settings_table(), commands_reference(), sep="\n\n")
