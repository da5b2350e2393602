"""The ``gamestats`` command: run the demo, open the Dagster UI, manage the embedded PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter

import click
from rich.console import Console
from rich.table import Table

from gamestats_assets.generator.cli import generate
from gamestats_assets.lib import embedded_postgres
from gamestats_assets.lib.instance import prepare, release
from gamestats_assets.lib.postgres import PostgresUnavailable, apply_migrations, connect, redact, resolve_url
from gamestats_assets.lib.publisher import partition_totals
from gamestats_assets.lib.runner import RunOutcome
from gamestats_assets.lib.settings import PROJECT_ROOT, Settings

console = Console()


@click.group()
def main() -> None:
    """gamestats: a game-analytics lakehouse on Dagster, Delta Lake, DuckDB and PostgreSQL."""


def recent_days(count: int, end: dt.date) -> list[str]:
    """The ``count`` days ending with ``end``, oldest first, as partition keys."""
    return [(end - dt.timedelta(days=offset)).isoformat() for offset in range(count - 1, -1, -1)]


@main.command()
@click.option("--days", default=3, show_default=True, help="How many recent days to materialize.")
@click.option("--end", "end_date", default=None, help="Last day (YYYY-MM-DD); default yesterday.")
@click.option("--users", default=None, type=int, help="Synthetic users per source (GAMESTATS_USERS).")
@click.option("--seed", default=None, type=int, help="Seed of the synthetic sources (GAMESTATS_SEED).")
def demo(days: int, end_date: str | None, users: int | None, seed: int | None) -> None:
    """Generate data, materialize every domain for the last few days, publish, and summarize.

    The synthetic populations are anchored on the first day shown (unless GAMESTATS_ANCHOR_DATE is set),
    so new users install during the days the demo covers and their retention can be measured.
    """
    end = dt.date.fromisoformat(end_date) if end_date else dt.date.today() - dt.timedelta(days=1)
    keys = recent_days(days, end)
    os.environ.setdefault("GAMESTATS_ANCHOR_DATE", keys[0])
    if users is not None:
        os.environ["GAMESTATS_USERS"] = str(users)
    if seed is not None:
        os.environ["GAMESTATS_SEED"] = str(seed)
    settings = Settings.from_env()
    prepared = _prepare_or_exit(settings)
    try:
        import dagster as dg

        from gamestats_assets.definitions import defs
        from gamestats_assets.lib.runner import materialize_recent

        console.print(f"[bold]gamestats demo[/]: {keys[0]} .. {keys[-1]}, data in {settings.data_dir}, "
                      f"PostgreSQL {redact(prepared.pg_url)}")
        with dg.DagsterInstance.get() as instance, console.status("materializing") as status:
            def report(outcome: RunOutcome) -> None:
                mark = "[green]ok[/]" if outcome.success else "[red]failed[/]"
                failed_checks = sum(1 for passed in outcome.checks.values() if not passed)
                console.print(f"  {outcome.label:<12} {mark} in {outcome.seconds:5.1f}s  "
                              f"checks {len(outcome.checks) - failed_checks}/{len(outcome.checks)} passed"
                              + (f"  failed steps: {', '.join(outcome.failed_steps)}" if outcome.failed_steps else ""))
                status.update(f"materializing (last: {outcome.label})")

            outcomes = materialize_recent(defs, instance, keys, on_run=report)
        _print_summary(defs, prepared.pg_url, outcomes)
    finally:
        release(prepared)
    if not all(o.success and all(o.checks.values()) for o in outcomes):
        sys.exit(1)


def _print_summary(defs, pg_url: str, outcomes: list[RunOutcome]) -> None:
    """A table of every published table: its rows in PostgreSQL and its checks passed/failed."""
    checks = Counter()
    for outcome in outcomes:
        for key, passed in outcome.checks.items():
            checks[(key.asset_key, passed)] += 1
    graph = defs.resolve_asset_graph()
    table = Table(title="Published tables")
    for column in ("table", "rows", "checks passed", "checks failed"):
        table.add_column(column, justify="left" if column == "table" else "right")
    with connect(pg_url) as conn:
        for key in sorted(graph.materializable_asset_keys):
            node = graph.get(key)
            if "postgres" not in node.kinds:
                continue
            name = node.metadata["table"]
            rows, _ = partition_totals(conn, name, None, None, None)
            lake_key = next(iter(node.parent_keys))
            passed = checks[(key, True)] + checks[(lake_key, True)]
            failed = checks[(key, False)] + checks[(lake_key, False)]
            table.add_row(name, f"{rows:,}", str(passed), f"[red]{failed}[/]" if failed else "0")
    console.print(table)
    console.print("Open the Dagster UI on the same instance with [bold]gamestats dev[/].")


@main.command()
@click.option("--port", default=3000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def dev(port: int, host: str) -> None:
    """Open the Dagster UI (webserver and daemon) on the gamestats instance."""
    prepared = _prepare_or_exit(Settings.from_env())
    command = [sys.executable, "-m", "dagster", "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"),
               "-h", host, "-p", str(port)]
    try:
        subprocess.run(command, cwd=prepared.settings.dagster_home, check=False)
    except KeyboardInterrupt:
        pass
    finally:
        release(prepared)


@main.group()
def db() -> None:
    """The PostgreSQL server: GAMESTATS_PG_URL, or the embedded one under the data folder."""


@db.command("start")
def db_start() -> None:
    """Start the embedded server (or check GAMESTATS_PG_URL) and apply the DDL in sql/."""
    settings = Settings.from_env()
    try:
        url = resolve_url(settings)
        applied = apply_migrations(url)
    except PostgresUnavailable as error:
        raise click.ClickException(str(error)) from None
    console.print(f"PostgreSQL ready at {redact(url)}; applied {applied or 'nothing new'}")


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded server cleanly."""
    stopped = embedded_postgres.stop(Settings.from_env().postgres_dir)
    console.print("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")


@db.command("status")
def db_status() -> None:
    """Say which server is in use and whether it answers."""
    settings = Settings.from_env()
    if settings.pg_url:
        try:
            with connect(settings.pg_url) as conn:
                version = conn.execute("SHOW server_version").fetchone()[0]
            console.print(f"GAMESTATS_PG_URL {redact(settings.pg_url)}: up, PostgreSQL {version}")
        except PostgresUnavailable as error:
            raise click.ClickException(str(error)) from None
    else:
        running = embedded_postgres.is_running(settings.postgres_dir)
        console.print(f"embedded PostgreSQL in {settings.postgres_dir}: {'running' if running else 'stopped'}")


main.add_command(generate)


def _prepare_or_exit(settings: Settings):
    try:
        return prepare(settings)
    except PostgresUnavailable as error:
        raise click.ClickException(str(error)) from None
