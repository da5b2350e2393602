"""The generator's public API: taxonomy → rules → users → daily ThinkingData lines and files.

Typical use::

    rules = build_rules("data/taxonomies/mobile_rpg.xlsx", ProductInfo("game", "mobile"))
    users = build_users(rules, PopulationConfig(users=10_000, seed=7, anchor=date(2024, 1, 1)))
    lines = generate_day(rules, users, date(2024, 1, 3), seed=7, anchor=date(2024, 1, 1))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from gamestats_assets.generator.analyzer import Analyzer, analyze
from gamestats_assets.generator.context import DayContext
from gamestats_assets.generator.logs import day_lines, generate_lines
from gamestats_assets.generator.taxonomy import read_taxonomy
from gamestats_assets.generator.users import build_users
from gamestats_assets.sources.taxonomy.log_format import day_file_name
from gamestats_assets.sources.taxonomy.population import PopulationConfig
from gamestats_assets.sources.taxonomy.rules import ProductInfo, RuleSet

__all__ = [
    "PopulationConfig",
    "ProductInfo",
    "RuleSet",
    "build_rules",
    "build_users",
    "generate_day",
    "generate_days",
    "with_retention",
    "write_day",
    "write_days",
]


def build_rules(taxonomy_path: str | Path, product: ProductInfo | None = None, provider: Analyzer | None = None) -> RuleSet:
    """The RuleSet of the taxonomy at `taxonomy_path` (XLSX or `_events.csv`), offline unless a provider is given."""
    return analyze(read_taxonomy(taxonomy_path), product, provider)


def with_retention(rules: RuleSet, d1: float, d7: float) -> RuleSet:
    """The same rules with other D1/D7 retention targets for NEW users."""
    return replace(rules, retention_d1=d1, retention_d7=d7)


def generate_day(rules: RuleSet, users: pl.DataFrame, day: date, seed: int, anchor: date) -> list[str]:
    """The ThinkingData lines of one day (track and user_set, sorted by time), independent of other days."""
    return generate_lines(DayContext(rules, users, seed, anchor), day)


def generate_days(
    rules: RuleSet, users: pl.DataFrame, start: date, days: int, seed: int, anchor: date
) -> Iterator[tuple[date, list[str]]]:
    """(day, lines) for `days` consecutive days from `start`; each equals `generate_day` for that day."""
    context = DayContext(rules, users, seed, anchor)
    for offset in range(days):
        day = start + timedelta(days=offset)
        yield day, generate_lines(context, day)


def write_day(rules: RuleSet, users: pl.DataFrame, day: date, seed: int, anchor: date, path: str | Path) -> int:
    """Writes the lines of `generate_day` to `path`, one per line; returns how many."""
    lines = day_lines(DayContext(rules, users, seed, anchor), day)
    _write_lines(lines, Path(path))
    return len(lines)


def write_days(
    rules: RuleSet, users: pl.DataFrame, start: date, days: int, seed: int, anchor: date, out_dir: str | Path
) -> list[tuple[Path, int, int]]:
    """Writes one `YYYYMMDD.jsonl` per day under `out_dir`; returns (path, lines, bytes) per file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = DayContext(rules, users, seed, anchor)
    written = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        path = out_dir / day_file_name(day)
        lines = day_lines(context, day)
        _write_lines(lines, path)
        written.append((path, len(lines), path.stat().st_size))
    return written


def _write_lines(lines: pl.Series, path: Path) -> None:
    """Writes each line followed by a newline, as UTF-8, straight from polars (no per-line Python work)."""
    lines.to_frame("line").write_csv(path, include_header=False, quote_style="never", line_terminator="\n")
