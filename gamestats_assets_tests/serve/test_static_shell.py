"""Every page is a static shell that shows its headings before any script runs: its title and section headings are
in its HTML, nothing but its stylesheet blocks the first paint (a classic script is deferred), and every module its
scripts import is asked for at once beside them (`modulepreload`), so that on a slow link the page waits one round
trip for its code, not one per level of imports."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gamestats_assets.serve.core.site import PAGES

IMPORT = re.compile(r'^import\s[^;]*?from\s+"\./([\w.]+)";', re.M | re.S)


class Head(HTMLParser):
    """A page's scripts, preloaded modules and headings."""

    def __init__(self) -> None:
        super().__init__()
        self.classic, self.modules, self.preloaded, self.headings, self._in = [], [], set(), [], None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "module":
            self.modules.append(attributes["src"].removeprefix("js/"))
        elif tag == "script":
            self.classic.append(attributes)
        elif tag == "link" and attributes.get("rel") == "modulepreload":
            self.preloaded.add(attributes["href"].removeprefix("js/"))
        elif tag in ("h1", "h2"):
            self._in = tag

    def handle_data(self, data):
        if self._in and data.strip():
            self.headings.append((self._in, data.strip()))
            self._in = None


def imported(module: str, seen: set[str] | None = None) -> set[str]:
    """Every module `module` imports, at any depth."""
    seen = set() if seen is None else seen
    for name in IMPORT.findall((PAGES / "js" / module).read_text()):
        if name not in seen:
            seen.add(name)
            imported(name, seen)
    return seen


@pytest.mark.parametrize("page", sorted(path.name for path in PAGES.glob("*.html")))
def test_a_page_paints_its_headings_before_its_scripts_and_asks_for_its_modules_at_once(page):
    head = Head()
    head.feed((PAGES / page).read_text())
    assert head.modules, "a page's code is a module"
    assert all("defer" in script or "async" in script for script in head.classic), head.classic
    wanted = set().union(*(imported(module) for module in head.modules)) - set(head.modules)
    assert wanted <= head.preloaded, f"{page} imports {sorted(wanted - head.preloaded)} without preloading them"
    assert [tag for tag, _ in head.headings][:1] == ["h1"], "the page's title is in its HTML"
