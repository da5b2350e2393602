"""The `gamestats` command: run the demo, open the Dagster UI, manage the embedded PostgreSQL, start a
Celery worker, serve the manual."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Column, Table

from gamestats_assets.lib.core.interrupts import INTERRUPTS
from gamestats_assets.lib.core.settings import PROJECT_ROOT, SAVED_NAMES, Settings, read_saved, save
from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets.lib.publish.postgres import PostgresUnavailable, apply_migrations, connect, redact, resolve_url
from gamestats_assets.serve.core.accounts import ROLES

if TYPE_CHECKING:
    from gamestats_assets.lib.deploy.instance import PreparedEnvironment
    from gamestats_assets.lib.deploy.runner import RunOutcome

def _console() -> Console:
    """The commands' console: where the output goes to a file or a pipe (a log, CI), 160 columns wide unless
    `COLUMNS` says otherwise, where rich would fold it at 80 and cut the summary's table names."""
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160
    return console


console = _console()


class LazyGroup(click.Group):
    """A command group whose `lazy` subcommands (name → (`module:attribute`, one-line help)) are imported when
    run, so that a command that needs none of them (`gamestats db status`, `gamestats --help`) starts without
    loading the domains."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, attribute = self.lazy[name][0].split(":")
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        with formatter.section("Commands"):
            formatter.write_dl([(name, self.lazy[name][1] if name in self.lazy
                                 else self.commands[name].get_short_help_str(limit)) for name in names])


@click.group(cls=LazyGroup, lazy={
    "generate": ("gamestats_assets.generator.cli:generate", "Generate daily ThinkingData JSONL files."),
    "lol": ("gamestats_assets.defs.lol.query:lol_cli", "League of Legends analytics."),
})
def main() -> None:
    """gamestats: a game-analytics lakehouse on Dagster, Delta Lake, DuckDB and PostgreSQL."""


MAX_DEMO_DAYS = 31


def demo_days(count: int, end: dt.date, overrides: dict[str, str]) -> list[str]:
    """The days the demo materializes, oldest first, as partition keys; records the data folder's settings.

    A new data folder begins its history (`GAMESTATS_START_DATE`) and anchors its synthetic population
    on the first of the `count` days ending with `end`, and remembers that in its `settings.json`.
    A folder demoed before keeps its history, so the demo covers every day from its start to `end`:
    tables that carry yesterday into today (cumulative revenue, user profiles) need each day.
    """
    data_dir = Settings.from_env().data_dir
    first = (end - dt.timedelta(days=count - 1)).isoformat()
    recorded = {"GAMESTATS_START_DATE": first, "GAMESTATS_ANCHOR_DATE": first, **read_saved(data_dir)}
    recorded.update({name: os.environ[name] for name in SAVED_NAMES if os.environ.get(name)})
    recorded.update(overrides)
    os.environ.update(overrides)
    save(data_dir, recorded)
    start = dt.date.fromisoformat(Settings.from_env().start_date)
    span = (end - start).days + 1
    if span < 1 or span > MAX_DEMO_DAYS:
        raise click.ClickException(
            f"{data_dir} holds a history starting {start}, {span} days to {end}; the demo builds at most "
            f"{MAX_DEMO_DAYS} days. Use a new GAMESTATS_DATA_DIR, or backfill with gamestats dev."
        )
    return [(start + dt.timedelta(days=offset)).isoformat() for offset in range(span)]


@main.command()
@click.option("--days", default=3, show_default=True, help="How many recent days a new data folder starts with.")
@click.option("--end", "end_date", default=None, help="Last day (YYYY-MM-DD); default yesterday.")
@click.option("--users", default=None, type=int, help="Synthetic users per source (GAMESTATS_USERS).")
@click.option("--seed", default=None, type=int, help="Seed of the synthetic sources (GAMESTATS_SEED).")
@click.option("--lobby-events", default=None, type=click.IntRange(min=0),
              help="Telemetry events filled into each synthetic PUBG lobby; default a full-size match's "
                   "35,000 to 45,000, 0 for the game's own events alone.")
def demo(days: int, end_date: str | None, users: int | None, seed: int | None, lobby_events: int | None) -> None:
    """Generate data, materialize every domain for the last few days, publish, and summarize.

    A new data folder starts its history, and anchors the synthetic populations, on the first day shown,
    so new users install during the days the demo covers and their retention can be measured; later
    demos on the same folder continue that history up to the last day.
    """
    end = dt.date.fromisoformat(end_date) if end_date else dt.date.today() - dt.timedelta(days=1)
    overrides = {name: str(value) for name, value in (("GAMESTATS_USERS", users), ("GAMESTATS_SEED", seed))
                 if value is not None}
    keys = demo_days(days, end, {**overrides, "GAMESTATS_SOURCE": "synthetic"})
    settings = Settings.from_env()
    with _instance(settings) as prepared:
        import dagster as dg

        from gamestats_assets.defs.pubg.assets import synthetic_tournament
        from gamestats_assets.definitions import DISCOVERIES, DOMAINS, LIVE_KEYS, defs
        from gamestats_assets.lib.core.platform import PlatformResource
        from gamestats_assets.lib.deploy.runner import materialize_recent

        lobby = ({synthetic_tournament.key: {"min_events": lobby_events, "max_events": lobby_events}}
                 if lobby_events is not None else {})
        platform = PlatformResource.from_settings(settings, LIVE_KEYS)
        for domain in DOMAINS:
            if domain.prepare_demo:
                domain.prepare_demo(platform, keys)

        event_log = settings.data_dir / "logs" / f"demo-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.log"
        console.print(f"[bold]gamestats demo[/]: {keys[0]} .. {keys[-1]}, data in {settings.data_dir}, "
                      f"PostgreSQL {redact(prepared.pg_url)}")
        console.print(f"Dagster's event log: {event_log}")
        with dg.DagsterInstance.get() as instance, console.status("materializing") as status:
            _fail_dead_runs(instance)

            def report(outcome: RunOutcome) -> None:
                mark = "[green]ok[/]" if outcome.success else "[red]failed[/]"
                failed_checks = sum(1 for passed in outcome.checks.values() if not passed)
                console.print(f"  {outcome.label:<12} {mark} in {outcome.seconds:5.1f}s  "
                              f"checks {len(outcome.checks) - failed_checks}/{len(outcome.checks)} passed"
                              + (f" ({len(outcome.warnings)} warning{'s' * (len(outcome.warnings) > 1)})"
                                 if outcome.warnings else "")
                              + (f"  failed steps: {', '.join(outcome.failed_steps)}" if outcome.failed_steps else ""))
                for key in sorted((k for k, passed in outcome.checks.items() if not passed), key=str):
                    kind = "[yellow]warning[/]" if key in outcome.warnings else "[red]failed[/]"
                    reason = f": {outcome.reasons[key]}" if key in outcome.reasons else ""
                    console.print(f"    {kind} {key.asset_key.to_user_string()}:{key.name}{reason}", highlight=False,
                                  soft_wrap=True)
                for step, error in outcome.errors.items():
                    console.print(f"    [red]{step}[/]: {error}", highlight=False)
                status.update(f"materializing (last: {outcome.label})")

            outcomes = materialize_recent(defs, instance, keys, DISCOVERIES, platform,
                                          on_run=report, event_log=event_log, asset_config=lobby)
        _print_summary(defs, prepared.pg_url, outcomes)
    if not all(o.success and not o.failed_errors for o in outcomes):
        sys.exit(1)


def _print_summary(defs, pg_url: str, outcomes: list[RunOutcome]) -> None:
    """A table of every published table: its rows in PostgreSQL and its checks passed, warned (failed with WARN
    severity: flagged, nothing stopped) and failed."""
    from gamestats_assets.lib.publish.publisher import partition_totals

    checks = Counter()
    for outcome in outcomes:
        for key, passed in outcome.checks.items():
            verdict = "passed" if passed else "warned" if key in outcome.warnings else "failed"
            checks[(key.asset_key, verdict)] += 1
    graph = defs.resolve_asset_graph()
    table = Table(title="Published tables")
    for column in ("table", "rows", "checks passed", "warnings", "checks failed"):
        table.add_column(column, justify="left" if column == "table" else "right")
    with connect(pg_url) as conn:
        for key in sorted(graph.materializable_asset_keys):
            node = graph.get(key)
            if "postgres" not in node.kinds:
                continue
            name = node.metadata["table"]
            rows, _ = partition_totals(conn, name, None, None, None)
            lake_key = next(iter(node.parent_keys))
            passed, warned, failed = (checks[(key, verdict)] + checks[(lake_key, verdict)]
                                      for verdict in ("passed", "warned", "failed"))
            table.add_row(name, f"{rows:,}", str(passed), f"[yellow]{warned}[/]" if warned else "0",
                          f"[red]{failed}[/]" if failed else "0")
    console.print(table)
    console.print("Open the Dagster UI on the same instance with [bold]gamestats dev[/].")


DG = [sys.executable, "-m", "dagster_dg_cli.cli"]
"""The `dg` CLI of this Python environment."""


def run_dg(arguments: list[str], *, stop_group: bool = False) -> int:
    """Run `dg` from the project folder, where `pyproject.toml`'s `[tool.dg]` makes it find the code
    location, on the instance `prepare` set up (`DAGSTER_HOME`, `GAMESTATS_DAGSTER_PG_URL`).

    `dg` runs in a process group of its own: Ctrl-C or SIGTERM (a service manager's stop, `kill`) is passed to the
    whole group as Ctrl-C, so what `dg` started (webserver, daemon, code servers) stops with it. The handlers are
    set before `dg` starts, so that it starts with Ctrl-C at its default even where this command was started
    with it ignored (a script's background job, `gamestats dev &`), and hears it. With `stop_group`, whatever of
    the group outlives `dg` is stopped too, and killed after `GRACE_SECONDS`."""
    started: list[subprocess.Popen] = []

    def forward(signum, frame) -> None:
        for process in started:
            _signal_group(process.pid, signal.SIGINT)

    previous = {number: signal.signal(number, forward) for number in INTERRUPTS}
    try:
        started.append(subprocess.Popen([*DG, *arguments], cwd=PROJECT_ROOT, start_new_session=True))
        return started[0].wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if stop_group and started:
            _end_group(started[0].pid)


GRACE_SECONDS = 30
"""How long the processes `dg dev` started get to stop on their own before they are killed."""


def _signal_group(group: int, number: int) -> bool:
    """Send `number` to process group `group`; False when no process of it is left."""
    try:
        os.killpg(group, number)
        return True
    except ProcessLookupError:
        return False


def _end_group(group: int) -> None:
    """Stop what is left of process group `group`: SIGTERM, then SIGKILL after `GRACE_SECONDS`."""
    if not _signal_group(group, signal.SIGTERM):
        return
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        if not _signal_group(group, 0):
            return
        time.sleep(0.5)
    _signal_group(group, signal.SIGKILL)


@main.command()
@click.option("--port", default=3000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def dev(port: int, host: str) -> None:
    """Open the Dagster UI (webserver and daemon) on the gamestats instance: `dg dev` on it."""
    with _instance(Settings.from_env()):
        run_dg(["dev", "--host", host, "--port", str(port)], stop_group=True)


WORKER_START_SECONDS = 60
"""How long a `gamestats serve` worker may take to answer its supervisor: a worker spawned on a busy machine takes
longer than uvicorn's 5 s to import the platform, and would be killed and spawned again and again."""


SERVE_OPTIONS = (
    click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; loopback unless told."),
    click.option("--port", default=8000, show_default=True),
    click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Server processes."),
    click.option("--access-log/--no-access-log", default=False, show_default=True,
                 help="A line per request on the console (off: a load balancer in front usually logs them)."),
    click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), default=None,
                 help="Serve HTTPS with this PEM certificate (chain); answers then carry Strict-Transport-Security."),
    click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), default=None,
                 help="The certificate's private key (PEM), unless the certificate file holds it."),
    click.option("--forwarded-allow-ips", default=None,
                 help="Comma-separated addresses or networks of the TLS proxies in front whose X-Forwarded-For and "
                      "X-Forwarded-Proto are believed (GAMESTATS_API_TRUSTED_PROXIES)."),
)


def serve_options(command):
    for option in reversed(SERVE_OPTIONS):
        command = option(command)
    return command


@main.command()
@serve_options
def serve(host: str, port: int, workers: int, access_log: bool, ssl_certfile: str | None, ssl_keyfile: str | None,
          forwarded_allow_ips: str | None) -> None:
    """Serve the HTTP API over the published tables (OpenAPI page at /docs), on the same PostgreSQL as every
    other command, without the pipeline: uploads, edits and decisions wait until Dagster's daemon runs elsewhere
    (`gamestats up` runs both). Writes and admin need an account's API key (`gamestats accounts create`) or the
    operator's GAMESTATS_API_TOKEN. The client address is the connection's peer, or what X-Forwarded-For says when
    the peer is one of GAMESTATS_API_TRUSTED_PROXIES (`--forwarded-allow-ips`); request lines and headers past
    GAMESTATS_API_MAX_HEADER_BYTES are refused (431). With `--ssl-certfile` it serves HTTPS, and every answer over
    HTTPS (its own, or a trusted proxy's) carries Strict-Transport-Security."""
    with _instance(Settings.from_env()) as prepared:
        _run_api(prepared, host, port, workers, access_log, Tls(ssl_certfile, ssl_keyfile, forwarded_allow_ips))


@main.command()
@serve_options
@click.option("--ui-port", default=3000, show_default=True, help="Port of the Dagster UI.")
def up(host: str, port: int, workers: int, access_log: bool, ssl_certfile: str | None, ssl_keyfile: str | None,
       forwarded_allow_ips: str | None, ui_port: int) -> None:
    """Run the product: the API and pages (`gamestats serve`) and the pipeline, Dagster's daemon and its UI
    (`gamestats dev`), on one instance. Uploads, schedule edits and organisers' decisions take effect by
    themselves; Ctrl-C or SIGTERM stops everything it started."""
    with _instance(Settings.from_env()) as prepared:
        pipeline = subprocess.Popen([*DG, "dev", "--host", host, "--port", str(ui_port)], cwd=PROJECT_ROOT,
                                    start_new_session=True, preexec_fn=_interrupted_when_parent_dies)
        console.print(f"[bold]gamestats up[/]: the pipeline's UI on http://{host}:{ui_port}", highlight=False)
        try:
            _run_api(prepared, host, port, workers, access_log, Tls(ssl_certfile, ssl_keyfile, forwarded_allow_ips))
        finally:
            previous = {number: signal.signal(number, signal.SIG_IGN) for number in INTERRUPTS}
            _signal_group(pipeline.pid, signal.SIGINT)
            try:
                pipeline.wait(GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            _end_group(pipeline.pid)
            for number, handler in previous.items():
                signal.signal(number, handler)


def _interrupted_when_parent_dies() -> None:
    """Run in the pipeline's process before it starts: on Linux, Ctrl-C (SIGINT) when `gamestats up` ends, however
    it ends, so that a killed `gamestats up` leaves no daemon behind."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGINT)


@dataclass(frozen=True)
class Tls:
    """How `gamestats serve` meets HTTPS: its own certificate and key (uvicorn's `ssl_certfile`, `ssl_keyfile`), or
    the TLS proxies in front whose forwarded headers it believes (`forwarded_allow_ips`)."""

    certfile: str | None = None
    keyfile: str | None = None
    forwarded_allow_ips: str | None = None


def _run_api(prepared: PreparedEnvironment, host: str, port: int, workers: int, access_log: bool,
             tls: Tls = Tls()) -> None:
    """Serve the API and pages on `host:port` (HTTPS with `tls`'s certificate) until SIGTERM or Ctrl-C."""
    import uvicorn

    from gamestats_assets.serve.core.protocol import BoundedHeaders
    from gamestats_assets.serve.core.settings import ServeSettings

    if tls.keyfile and not tls.certfile:
        raise click.UsageError("--ssl-keyfile needs --ssl-certfile")
    if tls.forwarded_allow_ips is not None:
        os.environ["GAMESTATS_API_TRUSTED_PROXIES"] = tls.forwarded_allow_ips
    try:
        serve_settings = ServeSettings.from_env(prepared.pg_url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    scheme = "https" if tls.certfile else "http"
    console.print(f"[bold]gamestats serve[/] on {scheme}://{host}:{port} (OpenAPI: /docs), PostgreSQL "
                  f"{redact(prepared.pg_url)}; writes and admin "
                  + ("need an account's key or the operator's token" if serve_settings.api_token
                     else "need an account's key (GAMESTATS_API_TOKEN unset)"),
                  soft_wrap=True, highlight=False)
    previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        uvicorn.run("gamestats_assets.serve.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, access_log=access_log, timeout_worker_healthcheck=WORKER_START_SECONDS,
                    http=BoundedHeaders, proxy_headers=False, server_header=False, ssl_certfile=tls.certfile,
                    ssl_keyfile=tls.keyfile)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_terminate(number: int, frame) -> None:
    """SIGTERM (a service manager's stop, `kill`) as an exit, so that what a command started is stopped with it:
    uvicorn, having shut down, raises the signal it caught again under this handler."""
    raise SystemExit(128 + number)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def dagster(arguments: tuple[str, ...]) -> None:
    """Run the `dg` CLI on the gamestats instance: `gamestats dagster launch --assets 'group:l2m' --partition DAY`.

    PostgreSQL is started (if embedded) and migrated first, so the runs appear in `gamestats dev`. The
    Dagster commands that `dg` supersedes are run as their `dg` equivalent (see `as_dg`). Before a
    `dg launch`, runs whose process died are marked failed and their pool slots freed (no daemon needed).
    """
    command = as_dg(list(arguments))
    settings = Settings.from_env()
    early = days_before(command, settings.start_date) if command[:1] == ["launch"] else []
    if early:
        raise click.ClickException(
            f"{', '.join(early)}: before the first day of the history, {settings.start_date} (GAMESTATS_START_DATE; "
            f"`gamestats demo` saves its first day in {settings.data_dir / 'settings.json'}): launch days from "
            f"{settings.start_date} on, or set an earlier start")
    if command != list(arguments):
        console.print(f"running dg {shlex.join(command)}", highlight=False, soft_wrap=True)
    with _instance(settings):
        if command[:1] == ["launch"]:
            import dagster as dg

            with dg.DagsterInstance.get() as instance:
                _fail_dead_runs(instance)
        returncode = run_dg(command)
    sys.exit(returncode)


@main.command()
@click.option("--check", is_flag=True, help="Change nothing; fail if a generated file differs from the declarations.")
def ddl(check: bool) -> None:
    """Write the DDL of every published table from its declaration into sql/generated/ (one file per table),
    removing those of tables no longer declared."""
    from gamestats_assets.definitions import DOMAINS
    from gamestats_assets.lib.authoring import ddl as generated

    specs = [spec for domain in DOMAINS for spec in domain.publish_specs]
    changed = generated.stale_files(specs) if check else generated.write(specs)
    for name in changed:
        console.print(f"{'stale' if check else 'wrote'} {generated.GENERATED_DIR / name}", highlight=False)
    console.print(f"{len(specs)} declared tables, {len(changed)} files {'stale' if check else 'changed'}")
    if check and changed:
        sys.exit(1)


@main.command()
@click.option("--build", "build_site", is_flag=True,
              help="Build the manual strictly (a warning fails) instead of serving it.")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where --build writes the site (default: site/).")
@click.option("--port", default=8001, show_default=True, help="Port the manual is served on.")
def docs(build_site: bool, site_dir: Path | None, port: int) -> None:
    """Serve the manual (docs/, MkDocs) on 127.0.0.1, rebuilt as its pages change; --build builds it strictly."""
    from gamestats_assets.manual import site

    if build_site:
        sys.exit(site.build(site_dir or site.SITE))
    site.serve(f"127.0.0.1:{port}")


@main.command()
def env() -> None:
    """Prepare the gamestats instance and print the shell exports that point plain `dg` at it:
    `eval "$(gamestats env)"`, then `dg dev`, `dg launch ...` from the project folder. An embedded
    PostgreSQL is left running for them (`gamestats db stop` stops it). No password is printed: it goes to
    the instance folder's connection service file, named by `PGSERVICEFILE`."""
    from gamestats_assets.lib.deploy.shell_env import shell_exports

    prepared = _prepare_or_exit(Settings.from_env())
    for line in shell_exports(os.environ, prepared.settings.dagster_home):
        click.echo(line)


SUPERSEDED = {
    ("asset", "materialize"): ["launch"],
    ("job", "launch"): ["launch"],
    ("job", "execute"): ["launch"],
    ("asset", "list"): ["list", "defs"],
    ("job", "list"): ["list", "defs"],
    ("definitions", "validate"): ["check", "defs"],
}
"""Dagster CLI commands that `dg` supersedes, and the `dg` command doing the same."""
LAUNCH_OPTIONS = {"--select": "--assets", "-j": "--job"}
"""Options of the superseded run commands under their `dg launch` names."""
LOCATION_OPTIONS = {"-m", "--module-name", "-f", "--python-file", "-w", "--workspace", "-d", "--working-directory"}
"""Code-location options, with their value dropped: `dg` loads the project's code location."""


def as_dg(arguments: list[str]) -> list[str]:
    """`arguments` as `dg` arguments: a superseded Dagster command (`asset materialize --select S`)
    becomes its `dg` command (`launch --assets S`); anything else is passed to `dg` as it is."""
    replacement = SUPERSEDED.get(tuple(arguments[:2]))
    if replacement is None:
        return arguments
    kept: list[str] = []
    rest = iter(arguments[2:])
    for argument in rest:
        if argument in LOCATION_OPTIONS:
            next(rest, None)
        elif replacement == ["launch"]:
            kept.append(LAUNCH_OPTIONS.get(argument, argument))
        else:
            kept.append(argument)
    return [*replacement, *kept]


PARTITION_OPTIONS = ("--partition", "--partition-range")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def days_before(arguments: list[str], start: str) -> list[str]:
    """The days a `dg launch` names (`--partition D`, `--partition-range A...B`, either as `--option=value`) that lie
    before `start`, the first day of every daily calendar: Dagster would refuse them with a traceback."""
    values = [value for option, value in zip(arguments, arguments[1:]) if option in PARTITION_OPTIONS]
    values += [argument.split("=", 1)[1] for argument in arguments if argument.split("=", 1)[0] in PARTITION_OPTIONS
               and "=" in argument]
    return [day for value in values for day in value.split("...") if DAY.fullmatch(day) and day < start]


def _fail_dead_runs(instance) -> None:
    """Runs whose process died are marked failed and their pool slots freed, so a new run never waits
    for them (`gamestats dev`'s daemon does the same through run monitoring)."""
    from gamestats_assets.lib.deploy.run_health import fail_dead_runs

    for run_id in fail_dead_runs(instance):
        console.print(f"run {run_id} had lost its process: marked failed, its pool slots freed")


@main.command()
@click.option("--name", default="gamestats@%h", show_default=True, help="Worker node name (%h: host name).")
@click.option("--concurrency", default=1, show_default=True, help="Steps this worker runs at once.")
def worker(name: str, concurrency: int) -> None:
    """Start a Celery worker that runs the steps of runs on GAMESTATS_EXECUTOR=celery.

    It takes steps from GAMESTATS_CELERY_QUEUE on GAMESTATS_CELERY_BROKER and reaches the lake, PostgreSQL
    and the Dagster instance with its own environment, which must name the same ones as the runs'. The
    project's definitions are loaded first, so that a broken code location fails here, not on the first step.
    """
    import gamestats_assets.definitions  # noqa: F401
    from gamestats_assets.lib.deploy.celery_workers import start_worker

    with _instance(Settings.from_env()) as prepared:
        start_worker(prepared.settings, name=name, concurrency=concurrency)


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
    console.print(f"PostgreSQL ready at {redact(url)}; applied {applied or 'nothing new'}", soft_wrap=True)


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


def _prepare_or_exit(settings: Settings) -> PreparedEnvironment:
    """The gamestats instance prepared: PostgreSQL started if embedded and migrated, Dagster's settings set."""
    from gamestats_assets.lib.deploy.instance import prepare

    try:
        return prepare(settings)
    except PostgresUnavailable as error:
        raise click.ClickException(str(error)) from None


@main.group()
def accounts() -> None:
    """The API's accounts: roles player (their own replays and sessions), premium (a player with a larger request
    budget), organiser (the PUBG admin) and operator (everything, accounts included), each with hashed API keys in
    PostgreSQL."""


@contextmanager
def _accounts_connection():
    """A connection to the platform's PostgreSQL, migrated; an account error is the user's."""
    from gamestats_assets.serve.core.accounts import AccountError

    try:
        url = resolve_url(Settings.from_env())
        apply_migrations(url)
        with connect(url) as conn:
            yield conn
    except (PostgresUnavailable, AccountError) as error:
        raise click.ClickException(str(error)) from None


@accounts.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="player < premium (a larger request budget) < organiser < operator.")
@click.option("--player", "player_ids", multiple=True, help="A player id the account acts for (repeat for more).")
def accounts_create(name: str, role: str, player_ids: tuple[str, ...]) -> None:
    """Create account NAME and print its API key (shown only now; PostgreSQL keeps its hash)."""
    from gamestats_assets.serve.crud import accounts as store

    with _accounts_connection() as conn:
        key = store.create(conn, name, role, player_ids)
    console.print(f"account {name} ({role}) created; its API key, shown only now:", highlight=False)
    click.echo(key)


@accounts.command("revoke")
@click.argument("name")
def accounts_revoke(name: str) -> None:
    """Revoke account NAME and every key of it (the account stays listed, revoked)."""
    from gamestats_assets.serve.crud import accounts as store

    with _accounts_connection() as conn:
        store.revoke(conn, name)
    console.print(f"account {name} revoked", highlight=False)


@accounts.command("list")
def accounts_list() -> None:
    """The accounts with their role, player ids and keys in use."""
    from gamestats_assets.serve.queries import accounts as store

    with _accounts_connection() as conn:
        rows = store.listed(conn)
    table = Table("name", "role", Column("player ids", no_wrap=True), "keys in use", "created", "revoked")
    for row in rows:
        table.add_row(row["name"], row["role"], "\n".join(row["player_ids"]), str(row["keys_in_use"]),
                      f"{row['created_at']:%Y-%m-%d %H:%M}",
                      f"{row['revoked_at']:%Y-%m-%d %H:%M}" if row["revoked_at"] else "")
    # Piped or captured, the table takes the width it needs: a player id is copied whole, never cut.
    console.print(table, width=None if console.is_terminal else 240)


@accounts.command("new-secret-key")
def accounts_new_secret_key() -> None:
    """Print a fresh key for GAMESTATS_SECRET_KEYS (put it first to rotate, then `gamestats accounts reseal`)."""
    from gamestats_assets.serve.core.sealed import new_key

    click.echo(new_key())


@accounts.command("reseal")
def accounts_reseal() -> None:
    """Seal every profile's email and ballchasing.com key again under the newest key of GAMESTATS_SECRET_KEYS; the
    older keys can then be dropped."""
    from gamestats_assets.serve.core.sealed import Sealer, Unreadable
    from gamestats_assets.serve.core.settings import comma_separated
    from gamestats_assets.serve.crud import users as store

    sealer = Sealer(comma_separated(os.environ.get("GAMESTATS_SECRET_KEYS", "")))
    if not sealer.configured:
        raise click.ClickException("GAMESTATS_SECRET_KEYS is not set: there is no key to seal under")
    with _accounts_connection() as conn:
        try:
            count = store.reseal_all(conn, sealer)
        except Unreadable as error:
            raise click.ClickException(f"{error}: put that key back in GAMESTATS_SECRET_KEYS, after the new one")
    console.print(f"{count} profiles sealed again under the newest key", highlight=False)


@main.group()
def players() -> None:
    """A player's data: `delete` takes it out of the landing files, the lake and PostgreSQL."""


@players.command("delete")
@click.argument("domain")
@click.argument("player_id")
@click.option("--by", "requested_by", default=None,
              help="Who asked, as the deletion records it (default: cli:<your user name>).")
def players_delete(domain: str, player_id: str, requested_by: str | None) -> None:
    """Delete PLAYER_ID of DOMAIN (rocket, lol, pubg): their own rows go, their games keep them under a token, and
    no later run brings them back."""
    import getpass

    import dagster as dg

    from gamestats_assets.lib.erasure.deletion import DeletionIncomplete, DeletionRefused, delete_player
    from gamestats_assets.published.players import PLAYERS
    from gamestats_assets.sources.held_players import PLAYERS_OF

    settings = Settings.from_env()
    with _instance(settings) as prepared, dg.DagsterInstance.get() as instance:
        try:
            deleted = delete_player(settings.data_dir, settings.lake_uri, prepared.pg_url, domain, player_id,
                                    requested_by or f"cli:{getpass.getuser()}", PLAYERS, PLAYERS_OF, instance)
        except (DeletionRefused, DeletionIncomplete) as error:
            raise click.ClickException(str(error)) from None
    counts = deleted["counts"]
    console.print(f"deletion {deleted['deletion_id']}: player of {domain} deleted, now {deleted['token']} in the "
                  f"games kept; {sum(counts['published_rows'].values())} published rows and "
                  f"{sum(counts['lake_rows'].values())} lake rows changed, {counts['landing_files_rewritten']} "
                  f"landing files rewritten, {counts['landing_files_retired']} retired", highlight=False, soft_wrap=True)


@main.group()
def landing() -> None:
    """The raw landing files: `retire` drops those older than the retention, keeping their rows."""


@landing.command("retire")
@click.option("--older-than-days", "days", type=click.IntRange(1), default=None,
              help="Retire files older than this many days (default GAMESTATS_LANDING_RETENTION_DAYS).")
def landing_retire(days: int | None) -> None:
    """Remove landing files older than the retention whose rows the lake holds (l2m and demo_data days whole, once
    their last run read every file); published figures stay."""
    from gamestats_assets.definitions import RETENTIONS
    from gamestats_assets.lib.intake.retention import retire_old_files

    settings = Settings.from_env()
    days = days or settings.landing_retention_days
    if days is None:
        raise click.ClickException("no retention: give --older-than-days or set GAMESTATS_LANDING_RETENTION_DAYS")
    for line in retire_old_files(settings.data_dir, days, RETENTIONS).lines():
        console.print(line, highlight=False, soft_wrap=True)


@contextmanager
def _instance(settings: Settings) -> Iterator[PreparedEnvironment]:
    """The gamestats instance prepared (`_prepare_or_exit`) while a command runs, released after it.

    Meanwhile Ctrl-C and SIGTERM (a service manager's stop, `kill`) both interrupt the command, even where it was
    started with Ctrl-C ignored (a script's background job), so that an embedded server it started is stopped as
    it unwinds: Dagster, which runs steps with both signals deferred to its next safe point, hands SIGTERM the
    handler of Ctrl-C after each run."""
    from gamestats_assets.lib.deploy.instance import release

    previous = {number: signal.signal(number, signal.default_int_handler) for number in INTERRUPTS}
    try:
        prepared = _prepare_or_exit(settings)
        try:
            yield prepared
        finally:
            release(prepared)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)

