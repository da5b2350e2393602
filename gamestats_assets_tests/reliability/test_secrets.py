"""No password reaches the terminal, in any form libpq accepts: the URL's user info, its query
parameters, and key=value conninfo strings."""

import os
import shlex
import signal
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest

from gamestats_assets.lib.publish.postgres import redact

SECRET = "s3cr3t-Pw"
GAMESTATS = [sys.executable, "-c", "from gamestats_assets.cli import main; main()"]


@pytest.mark.parametrize("url, redacted", [
    (f"postgresql://app:{SECRET}@db.example:5432/stats", "postgresql://app:***@db.example:5432/stats"),
    (f"postgresql://app:{SECRET}@h1:5432,h2:5433/stats", "postgresql://app:***@h1:5432,h2:5433/stats"),
    (f"postgresql://app:p%40{SECRET}@db/stats", "postgresql://app:***@db/stats"),
    (f"postgresql://app@db/stats?password={SECRET}", "postgresql://app@db/stats?password=***"),
    (f"postgresql://db/stats?user=app&password={SECRET}&sslmode=require",
     "postgresql://db/stats?user=app&password=***&sslmode=require"),
    (f"postgresql://db/stats?sslpassword={SECRET}", "postgresql://db/stats?sslpassword=***"),
    (f"postgresql+psycopg2://app:{SECRET}@db/stats", "postgresql+psycopg2://app:***@db/stats"),
    (f"host=db user=app password={SECRET} dbname=stats", "host=db user=app password=*** dbname=stats"),
    (f"host=db password = '{SECRET} with \\' quote' dbname=stats", "host=db password = *** dbname=stats"),
    (f"password={SECRET}", "password=***"),
    (f"host=db sslpassword={SECRET}", "host=db sslpassword=***"),
    ("postgresql://app@db/stats?sslmode=require", "postgresql://app@db/stats?sslmode=require"),
    ("host=db user=app dbname=stats", "host=db user=app dbname=stats"),
])
def test_every_libpq_form_of_a_password_is_redacted(url, redacted):
    assert redact(url) == redacted
    assert SECRET not in redact(url)


def cli(args, env):
    return subprocess.run([*GAMESTATS, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("form", ["query", "conninfo"])
def test_db_status_prints_no_password(pg_url, tmp_path, form):
    """The test server trusts local users, so the password is accepted and ignored: the commands succeed."""
    if form == "query":
        url = f"{pg_url}?password={SECRET}"
    else:
        parts = urlsplit(pg_url)
        url = f"host={parts.hostname} port={parts.port} user={parts.username} dbname={parts.path[1:]} password={SECRET}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_"))}
    env |= {"COLUMNS": "300", "GAMESTATS_DATA_DIR": str(tmp_path / "data"), "GAMESTATS_PG_URL": url}
    status = cli(["db", "status"], env)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "up, PostgreSQL" in status.stdout
    assert SECRET not in status.stdout + status.stderr
    assert "password=***" in status.stdout


def test_the_demo_banner_prints_no_password(instance_db, tmp_path):
    """The demo's first line names the server; the demo is stopped once it has printed it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_"))}
    env |= {"COLUMNS": "300", "GAMESTATS_DATA_DIR": str(tmp_path / "data"),
            "GAMESTATS_PG_URL": f"{instance_db}?password={SECRET}"}
    demo = subprocess.Popen([*GAMESTATS, "demo", "--days", "1", "--end", "2026-03-02", "--users", "20"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        printed = []
        for line in demo.stdout:
            printed.append(line)
            if line.startswith("gamestats demo") or "Error" in line:
                break
    finally:
        os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()
    banner = "".join(printed)
    assert banner.startswith("gamestats demo"), banner
    assert "password=***" in banner and SECRET not in banner


MISTYPED = f"postgresql:/app:{SECRET}@db.example/stats"


@pytest.mark.parametrize("url, redacted", [
    (MISTYPED, "postgresql:/***@db.example/stats"),
    (f"postgresql:app:{SECRET}@db/stats?password={SECRET}&sslmode=require",
     "postgresql:***@db/stats?password=***&sslmode=require"),
])
def test_a_mistyped_url_is_redacted(url, redacted):
    assert redact(url) == redacted


@pytest.mark.parametrize("command", [["db", "status"], ["db", "start"], ["env"]])
def test_a_mistyped_url_fails_clearly_without_its_password(tmp_path, command):
    """libpq reads `postgresql:/...` as a key=value string and quotes it whole in its parse error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_"))}
    env |= {"COLUMNS": "300", "GAMESTATS_DATA_DIR": str(tmp_path / "data"), "GAMESTATS_PG_URL": MISTYPED}
    result = cli(command, env)
    printed = result.stdout + result.stderr
    assert result.returncode != 0
    assert SECRET not in printed
    assert "Traceback" not in printed
    assert "GAMESTATS_PG_URL" in printed and "postgresql://user:password@host:port/database" in printed


def test_env_prints_no_password_and_plain_libpq_still_finds_it(pg_url, tmp_path):
    """`gamestats env` with a password in `GAMESTATS_PG_URL`: the exports hold none, and a libpq client
    started from them (as plain `dg` is) connects with it, read from the service file the exports name.
    The test server trusts local users, so `conn.info.password` shows what libpq would have sent."""
    parts = urlsplit(pg_url)
    url = urlunsplit(parts._replace(netloc=f"{parts.username}:{SECRET}@{parts.hostname}:{parts.port}"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_", "PGSERVICE"))}
    env |= {"GAMESTATS_DATA_DIR": str(tmp_path / "data"), "GAMESTATS_PG_URL": url}
    exports = cli(["env"], env)
    assert exports.returncode == 0, exports.stderr
    assert SECRET not in exports.stdout + exports.stderr
    service_file = tmp_path / "data" / "dagster" / "pg_service.conf"
    assert oct(service_file.stat().st_mode & 0o777) == "0o600"
    probe = ("import os, psycopg; from gamestats_assets.lib.publish.postgres import libpq_url\n"
             "with psycopg.connect(libpq_url(os.environ['GAMESTATS_DAGSTER_PG_URL'])) as conn:\n"
             "    print(conn.info.password)")
    script = f'{exports.stdout}\n{shlex.quote(sys.executable)} -c {shlex.quote(probe)}'
    connected = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert connected.returncode == 0, connected.stderr
    assert connected.stdout.strip() == SECRET
