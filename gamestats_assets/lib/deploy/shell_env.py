"""The shell exports of `gamestats env`, which point plain `dg` at the gamestats instance without printing a
password: the secrets of the storage URL go to a libpq connection service file of the instance folder
(mode 600), and the printed URL names that service instead (`?service=gamestats`, `PGSERVICEFILE`)."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

SERVICE = "gamestats"
SERVICE_FILE = "pg_service.conf"
SECRET_PARAMETERS = ("password", "sslpassword")
EXPORTED = ("GAMESTATS_DATA_DIR", "DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL")


def without_secrets(url: str) -> tuple[str, dict[str, str]]:
    """`url` with its password and its client key's passphrase taken out, and those taken out by name."""
    parts = urlsplit(url)
    secrets: dict[str, str] = {}
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if ":" in userinfo:
        userinfo, password = userinfo.split(":", 1)
        secrets["password"] = unquote(password)
    query = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in SECRET_PARAMETERS:
            secrets[name.lower()] = value
        else:
            query.append((name, value))
    if secrets:
        query.append(("service", SERVICE))
    query_text = urlencode(query, quote_via=quote)
    return urlunsplit(parts._replace(netloc=f"{userinfo}{at}{hosts}", query=query_text)), secrets


def write_service_file(path: Path, secrets: Mapping[str, str]) -> None:
    """Write the connection service `SERVICE` holding `secrets` to `path`, readable by its owner only."""
    if any("\n" in value or "\r" in value for value in secrets.values()):
        raise ValueError("a password holding a line break cannot go into a connection service file")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"[{SERVICE}]\n" + "".join(f"{name}={value}\n" for name, value in secrets.items())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def shell_exports(environ: Mapping[str, str], dagster_home: Path) -> list[str]:
    """The `export` lines of `EXPORTED` from `environ`, the storage URL without its secrets; when it had
    some, they are written to the instance folder's service file and `PGSERVICEFILE` names it."""
    values = {name: environ[name] for name in EXPORTED}
    url, secrets = without_secrets(values["GAMESTATS_DAGSTER_PG_URL"])
    values["GAMESTATS_DAGSTER_PG_URL"] = url
    if secrets:
        service_file = dagster_home / SERVICE_FILE
        write_service_file(service_file, secrets)
        values["PGSERVICEFILE"] = str(service_file)
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]
