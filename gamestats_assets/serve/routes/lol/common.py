"""What the League of Legends routes share (base `/api/v1/lol`): the parameters naming a queue, a patch, a slice of
ranked tiers, a role, a champion and a page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.models import field
from gamestats_assets.sources.riot.league import SLICES

PREFIX = "/api/v1/lol"
TAGS = ["league of legends"]
CHAMPION_UNKNOWN = unknown("a champion, queue, patch or slice of ranked tiers asked")
"""The 404 of an answer about a champion or a champion's statistics."""


def named(description: str) -> Any:
    """An optional query parameter holding a name (printable, at most 40 characters), described."""
    return Annotated[str | None, Query(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$",
                                       description=description)]


Queue = named("a queue: `ranked_solo`, `ranked_flex`, `normal`, `swiftplay`, `aram`, `clash` or `other` (default: "
              "every queue)")
Patch = Annotated[str | None, Query(pattern=r"^\d{1,2}\.\d{1,2}$", description="major.minor, e.g. 14.9")]
PAGE = "the most rows of the page"
Limit = Annotated[int, Query(ge=1, le=100, description=PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="the rows skipped before the page")]
TOTAL = field(int, "the rows in all, on every page (past the last page too)")
MinGames = Annotated[int, Query(ge=1, le=1_000_000, description="the fewest games a row listed has")]
Tier = Annotated[str, Query(pattern=f"^({'|'.join(SLICES)})$",
                            description="a slice of ranked tiers: all games, one tier (`emerald`) or a band "
                                        "(`emerald_plus`: Emerald and above)")]
Role = Annotated[str | None, Query(pattern=r"^(TOP|JUNGLE|MIDDLE|BOTTOM|UTILITY)$",
                                   description="one role (default: every role)")]
Champion = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f/]+$",
                               description="a Data Dragon name, any case")]

