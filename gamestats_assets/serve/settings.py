"""The settings of `gamestats serve`, read once at start from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gamestats_assets.lib.core.settings import DEFAULT_START_DATE, Settings

DEFAULT_REQUESTS_PER_MINUTE = 600
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _positive(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


@dataclass(frozen=True)
class ServeSettings:
    """What the API needs besides the platform's `Settings`.

    - `pg_url`: the PostgreSQL the platform publishes to (the embedded server or `GAMESTATS_PG_URL`).
    - `api_token` (`GAMESTATS_API_TOKEN`): the bearer token of write and admin endpoints; unset disables them.
    - `requests_per_minute` (`GAMESTATS_API_REQUESTS_PER_MINUTE`, default 600): each client address's budget.
    - `cors_origins` (`GAMESTATS_API_CORS_ORIGINS`, comma-separated): origins allowed cross-site; none by default.
    - `max_upload_bytes` (`GAMESTATS_API_MAX_UPLOAD_BYTES`, default 20 MiB): the largest replay accepted.
    - `data_dir`, `start_date`: the platform's data folder (uploads land in its `landing/`) and first day.
    """

    pg_url: str
    api_token: str | None = None
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE
    cors_origins: tuple[str, ...] = ()
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    data_dir: Path = Path("data")
    start_date: str = DEFAULT_START_DATE

    @classmethod
    def from_env(cls, pg_url: str) -> ServeSettings:
        platform = Settings.from_env()
        origins = tuple(o.strip() for o in (os.environ.get("GAMESTATS_API_CORS_ORIGINS") or "").split(",") if o.strip())
        return cls(
            pg_url=pg_url,
            api_token=os.environ.get("GAMESTATS_API_TOKEN") or None,
            requests_per_minute=_positive("GAMESTATS_API_REQUESTS_PER_MINUTE", DEFAULT_REQUESTS_PER_MINUTE),
            cors_origins=origins,
            max_upload_bytes=_positive("GAMESTATS_API_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES),
            data_dir=platform.data_dir,
            start_date=platform.start_date,
        )
