"""`gamestats lol`: `query`, a compound query (`sources/riot/compound.py`) over the warehouse's participant fact
table, and `reference` (`reference.py`), the Data Dragon reference rebuilt from a folder of its files."""

from __future__ import annotations

from pathlib import Path

import click
import duckdb
import polars as pl

from gamestats_assets.defs.lol.reference import reference_command
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.sources.riot.compound import (
    METRICS,
    OBJECTIVES,
    UnknownName,
    champion_id_of,
    compound_query,
    known_champions,
)
from gamestats_assets.sources.riot.queues import OTHER, QUEUES

FACTS_TABLE = ("lol", "participant_facts")


def read_facts(warehouse_path: Path, champion_id: int | None = None) -> pl.DataFrame:
    """The participant fact table from the DuckDB warehouse, opened read-only (only one champion's rows
    when `champion_id` is given)."""
    if not warehouse_path.exists():
        raise click.ClickException(f"no warehouse at {warehouse_path}: run the lol pipeline first (gamestats demo)")
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        table = ".".join(f'"{part}"' for part in FACTS_TABLE)
        exists = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                              list(FACTS_TABLE)).fetchall()[0][0]
        if not exists:
            raise click.ClickException(f"{warehouse_path} has no {'.'.join(FACTS_TABLE)}: materialize lol first")
        if champion_id is None:
            return conn.sql(f"SELECT * FROM {table}").pl()
        return conn.sql(f"SELECT * FROM {table} WHERE champion_id = ?", params=[champion_id]).pl()


def champions_with_games(warehouse_path: Path, limit: int = 10) -> list[tuple[str, int]]:
    """The `limit` champions with the most rows in the participant fact table, by name, with their rows."""
    with duckdb.connect(str(warehouse_path), read_only=True) as conn:
        table = ".".join(f'"{part}"' for part in FACTS_TABLE)
        counts = conn.sql(f"SELECT champion_id, count(*) AS games FROM {table} GROUP BY champion_id "
                          f"ORDER BY games DESC, champion_id LIMIT {int(limit)}").pl()
    names = dict(known_champions().select("champion_id", "champion_name").unique("champion_id").iter_rows())
    return [(names.get(champion_id, str(champion_id)), games) for champion_id, games in counts.iter_rows()]


@click.group(name="lol")
def lol_cli() -> None:
    """League of Legends analytics."""


@lol_cli.command("query")
@click.option("--champion", required=True, help="Champion name (Data Dragon), e.g. Ezreal.")
@click.option("--completed", default="", help="Comma-separated item names that must all be completed.")
@click.option("--first-item", default=None, help="The first core (legendary or mythic) item completed.")
@click.option("--max-order", default=None, help="Skill max order, e.g. Q>E>W.")
@click.option("--first-objective", default=None, help=f"An objective the team took first: {', '.join(OBJECTIVES)}.")
@click.option("--against", default=None, help="The lane opponent's champion (same position, other team).")
@click.option("--minutes", default=None, help="Game length FROM-TO in minutes (TO excluded), e.g. 25-35 or 40-.")
@click.option("--metric", default="dpm", show_default=True, help=f"One of: {', '.join(METRICS)}.")
@click.option("--queue", default="", help=f"Comma-separated queues ({', '.join(sorted({*QUEUES.values(), OTHER}))}); "
                                          "every queue by default.")
@click.option("--patch", default="", help="Comma-separated patches (major.minor, e.g. 14.9,14.10); every patch by "
                                          "default.")
def query_command(champion: str, completed: str, first_item: str | None, max_order: str | None,
                  first_objective: str | None, against: str | None, minutes: str | None, metric: str, queue: str,
                  patch: str) -> None:
    """Mean, n and 95 % CI of METRIC for CHAMPION's games meeting every condition given, against its other
    games, within QUEUE and PATCH."""
    def listed(text: str) -> list[str]:
        return [name.strip() for name in text.split(",") if name.strip()]
    try:
        _, champion_id = champion_id_of(champion)
        facts = read_facts(Settings.from_env().warehouse_path, champion_id)
        result = compound_query(facts, champion,
                                listed(completed), metric, listed(queue), listed(patch), first_item=first_item,
                                max_order=max_order, first_objective=first_objective, against=against,
                                minutes=minutes)
    except UnknownName as error:
        raise click.ClickException(str(error)) from error
    except pl.exceptions.ColumnNotFoundError as error:
        raise click.ClickException(f"{'.'.join(FACTS_TABLE)} has no column for this condition ({error}): it was "
                                   "built by an older version; materialize lol again") from error
    for line in result.lines():
        click.echo(line)
    if facts.is_empty():
        ranked = champions_with_games(Settings.from_env().warehouse_path)
        click.echo(f"{result.champion} has no game in {'.'.join(FACTS_TABLE)}; the champions with the most: "
                   + (", ".join(f"{name} ({games})" for name, games in ranked) or "none, the table is empty"))


lol_cli.add_command(reference_command)
