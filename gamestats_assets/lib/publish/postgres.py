"""PostgreSQL: which server to use, connecting with errors that say what to fix, and schema migrations.

The server is `GAMESTATS_PG_URL` when set, otherwise the embedded server under the data folder.
DDL lives in `sql/`: the hand-written numbered files, applied in order, each once, recorded in
`public.gamestats_migrations` with its checksum; and `sql/generated/<schema>.<table>.sql`, the DDL of each
declared table rendered from its declaration (`gamestats ddl`), after the hand-written files numbered below
`GENERATED_BEFORE` (schemas, the partition functions) and before the rest: it creates its table where the table
does not exist, and brings an existing one to the declaration (`reconcile`) whenever the file differs from the one
last recorded for it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import dagster as dg
import psycopg
from psycopg.conninfo import conninfo_to_dict

from gamestats_assets.lib.core.settings import SQL_DIR, Settings
from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets.lib.publish.reconcile import reconcile

MIGRATIONS_TABLE = "public.gamestats_migrations"
MIGRATION_LOCK = 4_242_001
GENERATED = "generated"
GENERATED_BEFORE = "100"
"""Hand-written files numbered below this apply before the generated tables, the others after them."""
RETIRED_LIST = Path(__file__).resolve().parents[2] / "retired_ddl.txt"
"""The package's list, a line each, of the hand-written files that built the declared tables before their DDL was
generated (`check_not_partly_retired`): a record of what older databases applied, not DDL."""


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be reached; the message names the setting to fix."""


SECRET_KEYS = r"(?:ssl)?password"
"""The libpq connection parameters that hold a secret: the password, and the passphrase of the client key."""
CONNINFO_SECRET = re.compile(rf"(?<![\w.])({SECRET_KEYS}\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s']\S*|(?=\s|$))", re.IGNORECASE)
QUERY_SECRET = re.compile(rf"(?<![^&])({SECRET_KEYS}=)[^&#]*", re.IGNORECASE)
MISTYPED_URL = re.compile(r"^(\s*[A-Za-z][\w+.-]*:/*)(\S*@)?(\S*)$")
"""A URL whose `://` is mistyped (`postgresql:/user:pw@host/db`): scheme, user info, the rest."""
URL_FORM = "postgresql://user:password@host:port/database"
DAGSTER_SCHEMA = "dagster"
"""The schema of Dagster's own tables (runs, events, schedules), apart from the project's."""
DAGSTER_SYNCHRONOUS_COMMIT = "off"
"""Dagster's storage commits without waiting for the server to flush them to disk: a run stores each of its events
in a transaction of its own, thousands for a large run. A crash of the server or the machine can lose the events of
the last fraction of a second, never part of one; the project's own tables are committed as the server is set."""


def redact(url: str) -> str:
    """`url` with every password replaced by `***`, safe to log.

    Covers each way libpq takes one: a URL's `user:password@` (also before several hosts), its
    `?password=` / `&sslpassword=` parameters, and `password=...` in a key=value conninfo string
    (quoted or not). A mistyped URL (`postgresql:/user:pw@host/db`) keeps its scheme and host only.
    """
    mistyped = MISTYPED_URL.match(url) if "://" not in url else None
    if mistyped:
        scheme, userinfo, rest = mistyped.groups()
        path, question, query = rest.partition("?")
        return scheme + ("***@" if userinfo else "") + path + question + QUERY_SECRET.sub(r"\1***", query)
    if "://" not in url:
        return CONNINFO_SECRET.sub(r"\1***", url)
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return urlunsplit(parts._replace(netloc=f"{userinfo}{at}{hosts}", query=QUERY_SECRET.sub(r"\1***", parts.query)))


def resolve_url(settings: Settings) -> str:
    """The PostgreSQL URL to use: `GAMESTATS_PG_URL`, or the embedded server (started if needed)."""
    if settings.pg_url:
        return settings.pg_url
    return embedded_postgres.start(settings.postgres_dir)


def dagster_storage_url(url: str) -> str:
    """The same server as a SQLAlchemy URL on the psycopg2 driver, which Dagster's storage needs, its
    tables in schema `DAGSTER_SCHEMA` (first on the connections' `search_path`, set by libpq's `options`).

    SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3, under which dagster-postgres' event
    notifications fail; naming psycopg2 keeps the instance working. dagster-postgres has no setting for
    a schema, hence the `search_path`.
    """
    if "://" not in url:
        raise PostgresUnavailable(f"GAMESTATS_PG_URL must be a postgresql:// URL, got {redact(url)!r}")
    scheme, rest = url.split("://", 1)
    if scheme not in {"postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"}:
        raise PostgresUnavailable(f"GAMESTATS_PG_URL must be a postgresql:// URL, got scheme {scheme!r}")
    parts = urlsplit(f"postgresql+psycopg2://{rest}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = " ".join([*(v for k, v in query if k == "options"), f"-csearch_path={DAGSTER_SCHEMA}",
                        f"-csynchronous_commit={DAGSTER_SYNCHRONOUS_COMMIT}"])
    query = [(k, v) for k, v in query if k != "options"] + [("options", options)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def libpq_url(url: str) -> str:
    """`url` without a SQLAlchemy driver suffix, as libpq (psycopg) takes it; a conninfo string as is."""
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def check_url(url: str) -> None:
    """Raise `PostgresUnavailable`, without the password, unless libpq can parse `url`."""
    try:
        conninfo_to_dict(libpq_url(url))
    except psycopg.Error:
        raise PostgresUnavailable(
            f"GAMESTATS_PG_URL is neither a PostgreSQL URL nor a key=value connection string: {redact(url)!r}. "
            f"Write it as {URL_FORM}, or unset it to use the embedded server."
        ) from None


def redact_in(text: str, url: str) -> str:
    """`text` with `url` and every password it holds replaced by their redacted forms."""
    text = text.replace(url, redact(url))
    try:
        secrets = [v for k, v in conninfo_to_dict(libpq_url(url)).items() if k in ("password", "sslpassword") and v]
    except psycopg.Error:
        secrets = []
    for secret in secrets:
        text = text.replace(str(secret), "***")
    return text


@contextmanager
def connect(url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to `url`: each write groups its statements in `conn.transaction()`.

    A malformed URL or an unreachable server raises `PostgresUnavailable` naming the setting to fix, with
    every password left out (libpq's own message may quote the URL).
    """
    check_url(url)
    try:
        conn = psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        reason = redact_in(str(error).strip().splitlines()[0], url)
        raise PostgresUnavailable(
            f"cannot connect to PostgreSQL at {redact(url)} ({reason}). Set GAMESTATS_PG_URL to a reachable "
            f"server ({URL_FORM}), or unset it to use the embedded server."
        ) from None
    with conn:
        yield conn


def migration_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    """The DDL files in the order they apply: the hand-written numbered files, the generated ones
    (`generated/<schema>.<table>.sql`, by name) among them before those numbered from `GENERATED_BEFORE`."""
    written = sorted(p for p in sql_dir.glob("*.sql") if p.name[:3].isdigit())
    generated = sorted((sql_dir / GENERATED).glob("*.sql"))
    return ([p for p in written if p.name < GENERATED_BEFORE] + generated
            + [p for p in written if p.name >= GENERATED_BEFORE])


def generated_name(path: Path) -> str:
    """How a generated file is named in the list of files applied: `generated/<schema>.<table>.sql`."""
    return f"{GENERATED}/{path.name}"


def retired_files(listed: Path = RETIRED_LIST) -> frozenset[str]:
    """The file names `listed` holds."""
    lines = listed.read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_not_partly_retired(recorded: Mapping[str, str]) -> None:
    """Refuse a database that applied some of the files `RETIRED_LIST` names but not all: it predates the last of
    them."""
    retired = retired_files()
    missing = sorted(retired - recorded.keys())
    if retired & recorded.keys() and missing:
        raise RuntimeError(
            f"this database was built by an older DDL that lacks {missing}; apply the sql/ of a release of "
            "gamestats from before the generated DDL first (it upgrades it), then this one")


def apply_migrations(url: str, sql_dir: Path = SQL_DIR) -> list[str]:
    """Apply every hand-written DDL file not yet recorded and every generated one whose table does not exist or
    differs from its declaration, each in its own transaction; return the names applied.

    A hand-written file already applied whose content has since changed is an error: DDL changes go in a new
    file. A generated file is recorded with its checksum once its table is as it declares; when the file
    changes, the existing table is brought to it (`reconcile.reconcile`: columns, defaults, nullability, key,
    checks, indexes, comment), and what would lose or reinterpret rows (a type change, a column that holds values
    and is no longer declared) raises `reconcile.Unreconcilable` and changes nothing. Concurrent callers serialize
    on an advisory lock, so each file applies exactly once.
    """
    applied: list[str] = []
    with connect(url) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (filename text PRIMARY KEY, "
                     "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            recorded = dict(conn.execute(f"SELECT filename, checksum FROM {MIGRATIONS_TABLE}").fetchall())
            check_not_partly_retired(recorded)
            for path in migration_files(sql_dir):
                text = path.read_text()
                checksum = hashlib.sha256(text.encode()).hexdigest()
                if path.parent.name == GENERATED:
                    if apply_generated(conn, path, text, checksum, recorded.get(generated_name(path))):
                        applied.append(generated_name(path))
                    continue
                if path.name in recorded:
                    if recorded[path.name] != checksum:
                        raise RuntimeError(
                            f"{path} changed after it was applied; put the change in a new numbered file"
                        )
                    continue
                with conn.transaction():
                    conn.execute(text)
                    conn.execute(
                        f"INSERT INTO {MIGRATIONS_TABLE} (filename, checksum) VALUES (%s, %s)",
                        (path.name, checksum),
                    )
                applied.append(path.name)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied


def apply_generated(conn: psycopg.Connection, path: Path, text: str, checksum: str, recorded: str | None) -> bool:
    """Create the table of the generated file `path` (`text`, of `checksum`) if it does not exist, else bring it to
    the file unless the checksum `recorded` for it is the file's; record the file; return whether the table
    changed."""
    exists = conn.execute("SELECT to_regclass(%s)", (path.stem,)).fetchone()[0] is not None
    if exists and recorded == checksum:
        return False
    with conn.transaction():
        if exists:
            changed = bool(reconcile(conn, path.stem, text))
        else:
            conn.execute(text)
            changed = True
        conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (filename, checksum) VALUES (%s, %s) ON CONFLICT (filename) "
                     "DO UPDATE SET checksum = excluded.checksum, applied_at = now()",
                     (generated_name(path), checksum))
    return changed


class PostgresResource(dg.ConfigurableResource):
    """The serving database. `url` unset means `GAMESTATS_PG_URL`, else the embedded server.

    The DDL in `sql/` is applied once per process before the first connection.
    """

    url: str | None = None

    def resolved_url(self) -> str:
        url = self.url or resolve_url(Settings.from_env())
        if url not in _migrated:
            apply_migrations(url)
            _migrated.add(url)
        return url

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        with connect(self.resolved_url()) as conn:
            yield conn


_migrated: set[str] = set()
