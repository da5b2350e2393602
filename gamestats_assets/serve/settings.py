"""The settings of `gamestats serve`, read once at start from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gamestats_assets.lib.core.settings import DEFAULT_START_DATE, Settings

DEFAULT_REQUESTS_PER_MINUTE = 600
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_MAX_HEADER_BYTES = 64 * 1024


def _positive(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def max_header_bytes() -> int:
    """`GAMESTATS_API_MAX_HEADER_BYTES` (default 64 KiB): the most a request line and its headers may take; read
    by the HTTP protocol of each worker (`serve.protocol`), before any app exists."""
    return _positive("GAMESTATS_API_MAX_HEADER_BYTES", DEFAULT_MAX_HEADER_BYTES)


def _listed(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in (os.environ.get(name) or "").split(",") if item.strip())


@dataclass(frozen=True)
class ServeSettings:
    """What the API needs besides the platform's `Settings`.

    - `pg_url`: the PostgreSQL the platform publishes to (the embedded server or `GAMESTATS_PG_URL`).
    - `api_token` (`GAMESTATS_API_TOKEN`): the operator's bootstrap key, allowed every write and admin endpoint;
      unset, only accounts' keys are (`serve.accounts`).
    - `requests_per_minute` (`GAMESTATS_API_REQUESTS_PER_MINUTE`, default 600): the budget of each client address
      and of each account, shared by every worker.
    - `trusted_proxies` (`GAMESTATS_API_TRUSTED_PROXIES`, comma-separated addresses or networks): the proxies whose
      `X-Forwarded-For` names the client; none by default, so the client is the peer of the connection.
    - `cors_origins` (`GAMESTATS_API_CORS_ORIGINS`, comma-separated): origins allowed cross-site; none by default.
    - `max_upload_bytes` (`GAMESTATS_API_MAX_UPLOAD_BYTES`, default 20 MiB): the largest replay accepted.
    - `max_body_bytes` (`GAMESTATS_API_MAX_BODY_BYTES`, default 64 KiB): the largest body of any other request.
    - `data_dir`, `start_date`: the platform's data folder (uploads land in its `landing/`) and first day.
    """

    pg_url: str
    api_token: str | None = None
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    trusted_proxies: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    data_dir: Path = Path("data")
    start_date: str = DEFAULT_START_DATE

    @classmethod
    def from_env(cls, pg_url: str) -> ServeSettings:
        platform = Settings.from_env()
        return cls(
            pg_url=pg_url,
            api_token=os.environ.get("GAMESTATS_API_TOKEN") or None,
            requests_per_minute=_positive("GAMESTATS_API_REQUESTS_PER_MINUTE", DEFAULT_REQUESTS_PER_MINUTE),
            trusted_proxies=_listed("GAMESTATS_API_TRUSTED_PROXIES"),
            cors_origins=_listed("GAMESTATS_API_CORS_ORIGINS"),
            max_upload_bytes=_positive("GAMESTATS_API_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES),
            max_body_bytes=_positive("GAMESTATS_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            data_dir=platform.data_dir,
            start_date=platform.start_date,
        )
