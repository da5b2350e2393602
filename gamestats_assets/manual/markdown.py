"""Markdown pieces the generated pages share."""

import re


def cell(text: str | None) -> str:
    """`text` as one cell of a Markdown table: its lines joined, its pipes escaped."""
    return re.sub(r"\s*\n\s*", " ", (text or "").strip()).replace("|", "\\|")


def codes(names) -> str:
    """`names` as inline code, comma-separated."""
    return ", ".join(f"`{name}`" for name in names)


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table of `rows` under `header`, each value already a cell."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
