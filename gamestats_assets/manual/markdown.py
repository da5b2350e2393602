"""Markdown pieces the generated pages share."""

import re


def cell(text: str | None) -> str:
    """`text` as one cell of a Markdown table: its lines joined, its pipes escaped."""
    return re.sub(r"\s*\n\s*", " ", (text or "").strip()).replace("|", "\\|")


def paragraphs(text: str) -> str:
    """A docstring's Markdown as Python-Markdown reads it: a list that follows a line of text without a blank line
    between them (as GitHub renders it) is given one."""
    lines = text.strip().split("\n")
    out = lines[:1]
    for line in lines[1:]:
        if re.match(r"\s*[-*] ", line) and out[-1].strip() and not re.match(r"\s*[-*] |\s{2,}\S", out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


def codes(names) -> str:
    """`names` as inline code, comma-separated."""
    return ", ".join(f"`{name}`" for name in names)


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A Markdown table of `rows` under `header`, each value already a cell."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
