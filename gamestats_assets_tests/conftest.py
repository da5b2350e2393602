"""Shared fixtures: a real PostgreSQL database per test session, and an isolated data folder per test.

PostgreSQL is the service on 127.0.0.1:5432 when one answers (CI and developer machines), or else the
embedded server, as on a user's fresh machine; `GAMESTATS_TEST_PG_URL` names another admin URL.
Each session works in a database of its own, dropped at the end.
"""

from __future__ import annotations

import atexit
import fcntl
import gc
import hashlib
import os
import pickle
import shutil
import tempfile
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

KEPT = {"GAMESTATS_TEST_PG_URL"}
"""The one setting the shell may give the tests: another PostgreSQL to test against."""
for name in [name for name in os.environ if name.startswith("GAMESTATS_") and name not in KEPT]:
    del os.environ[name]
os.environ.pop("DAGSTER_HOME", None)
SESSION_DATA = Path(tempfile.mkdtemp(prefix="gamestats-tests-"))
atexit.register(shutil.rmtree, SESSION_DATA, ignore_errors=True)
os.environ["GAMESTATS_DATA_DIR"] = str(SESSION_DATA / "data")
os.environ["GAMESTATS_SOURCE"] = "synthetic"
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
"""Whatever the user's shell exports or `data/` holds (a demo's `settings.json`, a real lake, an embedded server), the
tests see neither: every setting from the environment is dropped before the project is imported, and the data
folder is a temporary one of the session's. The tests generate the days they do not deliver, as `gamestats demo`
does; a test of delivered files sets `files`. The workers and every process the tests start (`gamestats` commands,
Dagster's run workers, code servers and daemons) keep the bytecode they compile in `__pycache__` (ignored by git),
as Python does unless `PYTHONDONTWRITEBYTECODE` is set, so that each of them does not compile the project again."""

import psycopg  # noqa: E402
import pytest  # noqa: E402
from psycopg import sql  # noqa: E402

from gamestats_assets.lib.publish import embedded_postgres  # noqa: E402
from gamestats_assets.lib.publish.postgres import apply_migrations  # noqa: E402
from gamestats_assets.sources.replays import parsed as replay_parse  # noqa: E402
from gamestats_assets_tests import memory_instance  # noqa: E402
from gamestats_assets_tests.replay_reads import ReplayReads, reach_forked_pools  # noqa: E402

SERVICE_URL = os.environ.get("GAMESTATS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
"""Real sample files copied into the repository, each folder with a SOURCES.md naming origin and licence."""

T = TypeVar("T")


def _service_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session", autouse=True)
def no_server_left_behind(tmp_path_factory) -> None:
    """Stops, at the end of the session, any embedded PostgreSQL a test started in a data folder of its own and
    left running, so that the suite leaves no process behind."""
    yield
    for root in (SESSION_DATA, tmp_path_factory.getbasetemp()):
        for pid_file in root.rglob("postmaster.pid"):
            embedded_postgres.stop(pid_file.parent)


@pytest.fixture(scope="session")
def admin_url(tmp_path_factory) -> str:
    """An admin URL of a running PostgreSQL: the service if it answers, else an embedded server."""
    if _service_answers(SERVICE_URL):
        yield SERVICE_URL
        return
    pgdata = tmp_path_factory.mktemp("embedded") / "pg"
    url = embedded_postgres.start(pgdata)
    yield url
    embedded_postgres.stop(pgdata)


def database_url(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server of `admin_url`."""
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def fresh_database(admin_url: str, template: str | None = None):
    """A new database on the server of `admin_url` (a copy of `template` when given): yields its URL, drops it
    afterwards. Copying a database needs no session on it, so any left on the template are ended first."""
    name = f"gamestats_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if template:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (template,))
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield database_url(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


TEMPLATE_PREFIX = "gamestats_template_"


def pytest_configure(config: pytest.Config) -> None:
    """One id for the whole run, which the workers receive (`xdist`'s `--testrunuid`), so that what the run builds
    once (`built_once`) has one name for all of them; the in-memory instances' event log kept as the project keeps
    its own (`memory_instance`)."""
    memory_instance.install()
    if not hasattr(config, "workerinput") and getattr(config.option, "testrunuid", None) is None:
        config.option.testrunuid = uuid.uuid4().hex


def _run_id(config: pytest.Config) -> str:
    return config.workerinput["testrunuid"] if hasattr(config, "workerinput") else config.option.testrunuid


def _shared_folder(config: pytest.Config) -> Path:
    return Path(tempfile.gettempdir()) / f"gamestats-tests-{_run_id(config)}"


@contextmanager
def built_once(config: pytest.Config, admin_url: str, name: str):
    """What the run builds once on the server of `admin_url`: the first process to ask builds it while the others
    wait. Yields (data folder, template database, built): when `built` is false the caller builds into both;
    `fresh_database(admin_url, template)` then copies the database. The run drops its templates at its end."""
    server = hashlib.sha1(admin_url.encode()).hexdigest()[:8]
    template = f"{TEMPLATE_PREFIX}{_run_id(config)[:12]}_{server}_{name}"
    folder = _shared_folder(config) / template
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = (folder / "built").exists()
        if not built:
            shutil.rmtree(folder / "data", ignore_errors=True)
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template)))
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
        yield folder / "data", template, built
        (folder / "built").touch()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """At the end of the run (in the process that started the workers), the templates `built_once` left on the
    PostgreSQL service and its shared folder are removed; an embedded server goes with its worker."""
    if hasattr(session.config, "workerinput") or not getattr(session.config.option, "testrunuid", None):
        return
    shutil.rmtree(_shared_folder(session.config), ignore_errors=True)
    if not _service_answers(SERVICE_URL):
        return
    pattern = f"{TEMPLATE_PREFIX}{_run_id(session.config)[:12]}_%"
    with psycopg.connect(SERVICE_URL, autocommit=True) as conn:
        for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (pattern,)).fetchall():
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def computed_once(config: pytest.Config, name: str, compute: Callable[[Path], T]) -> T:
    """What `compute(folder)` returns, computed once for the run: the first process to ask computes it, writing any
    files it needs under `folder` (a folder of the run's own), and keeps it pickled there; the others load it."""
    shared = _shared_folder(config) / name
    shared.mkdir(parents=True, exist_ok=True)
    kept = shared / "computed.pickle"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if kept.exists():
            return pickle.loads(kept.read_bytes())
        shutil.rmtree(shared / "files", ignore_errors=True)
        value = compute(shared / "files")
        kept.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session", autouse=True)
def replay_frames(request: pytest.FixtureRequest) -> ReplayReads:
    """Replays read once for the run (`ReplayReads`), by the tests and by the rocket landing in their Dagster
    runs alike, its parse pools included."""
    folder = _shared_folder(request.config) / "replays"
    reads = ReplayReads(folder)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(replay_parse, "read_frames", reads)
        reach_forked_pools(monkeypatch, folder)
        yield reads


@pytest.fixture(scope="session")
def pg_url(admin_url: str) -> str:
    """The URL of a fresh database for this test session."""
    yield from fresh_database(admin_url)


@pytest.fixture(scope="module")
def module_pg_url(admin_url: str) -> str:
    """The URL of a fresh database for one test module, for tests whose rows must not meet other modules'."""
    yield from fresh_database(admin_url)


def migrated_database(config: pytest.Config, admin_url: str):
    """A new database holding the DDL of `sql/` (`apply_migrations`), as gamestats leaves a server it prepared: a
    copy of one the run migrates once (`built_once`). Yields its URL, drops it afterwards."""
    with built_once(config, admin_url, "migrated") as (_, template, built):
        if not built:
            apply_migrations(database_url(admin_url, template))
    yield from fresh_database(admin_url, template)


@pytest.fixture(scope="module")
def migrated_pg_url(request: pytest.FixtureRequest, admin_url: str) -> str:
    """The URL of a database of one test module's own that gamestats has prepared (`migrated_database`), for tests
    that publish into it rather than test the preparing."""
    yield from migrated_database(request.config, admin_url)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder that the platform's settings point to for this test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def platform_env(data_dir: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder plus GAMESTATS_PG_URL pointing at the session's database."""
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    return data_dir


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker per core, and two more for the end-to-end modules, which mostly wait on a daemon."""
    return len(os.sched_getaffinity(0)) + 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules marked `slow` or `long` first, so that the workers start with the longest work and no long module
    is left to run alone at the end."""
    items.sort(key=lambda item: not any(item.get_closest_marker(name) for name in ("slow", "long")))


YOUNG_OBJECTS_PER_COLLECTION = 50_000
"""New containers between two collections of the youngest generation (Python 3.11's default is 700)."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every object a worker holds once its tests are collected (the project, Dagster, the test modules) kept out of
    garbage collections, as the run servers keep theirs (`lib/deploy/warm_code.py`), and the youngest generation
    collected less often: each collection otherwise walks objects that live for the whole session."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, *gc.get_threshold()[1:])
