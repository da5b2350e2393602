"""The settings of `gamestats serve`, read once at start from the environment (a pydantic-settings class)."""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gamestats_assets.lib.core.settings import DEFAULT_START_DATE, Settings
from gamestats_assets.serve.core.budget_profiles import DEFAULT_PROFILE, PROFILES, budgets_of, role_budgets
from gamestats_assets.serve.core.sealed import Sealer
from gamestats_assets.serve.core.transport import DEFAULT_HSTS_SECONDS

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_MAX_HEADER_BYTES = 64 * 1024
DEFAULT_CACHE_BYTES = 128 * 1024 * 1024
DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256
DEFAULT_IDLE_SECONDS = 10.0
MOST_CONNECTIONS = 10_000
STEAM_OPENID_ENDPOINT = "https://steamcommunity.com/openid/login"
EPIC_AUTHORIZE_URL = "https://www.epicgames.com/id/authorize"
EPIC_TOKEN_URL = "https://api.epicgames.dev/epic/oauth/v2/token"


def max_header_bytes() -> int:
    """`GAMESTATS_API_MAX_HEADER_BYTES` (default 64 KiB): the most a request line and its headers may take; read
    by the HTTP protocol of each worker (`core.protocol`), before any app exists."""
    value = os.environ.get("GAMESTATS_API_MAX_HEADER_BYTES") or str(DEFAULT_MAX_HEADER_BYTES)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"GAMESTATS_API_MAX_HEADER_BYTES must be a whole number of at least 1, not {value!r}")
    return int(value)


def comma_separated(value):
    """A setting's comma-separated text as a tuple of its items (a tuple given as it is)."""
    return tuple(o.strip() for o in value.split(",") if o.strip()) if isinstance(value, str) else value


def open_file_share() -> int:
    """Half the open files the process may hold (its soft limit), at most `MOST_CONNECTIONS`: the connections a
    worker holds by default, the other half left for its database pools, files and the parses beside it."""
    return min(MOST_CONNECTIONS, resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 2)


class ConnectionSettings(BaseSettings):
    """What each worker's HTTP protocol (`core.protocol`) holds open, read from the environment when a worker
    starts, before any app exists.

    - `most` (`GAMESTATS_API_MAX_CONNECTIONS`, default half the process's open-file limit, at most 10,000): the
      connections a worker holds at once.
    - `per_address` (`GAMESTATS_API_MAX_CONNECTIONS_PER_ADDRESS`, default 256): those of one client address; a
      trusted proxy's (`GAMESTATS_API_TRUSTED_PROXIES`), which carry many clients', count toward `most` only.
    - `idle_seconds` (`GAMESTATS_API_IDLE_SECONDS`, default 10): the longest a connection stays open without a
      request in progress before the head of its next request is in (a client that connects and sends nothing,
      or sends its headers a byte at a time); between two requests uvicorn's keep-alive of 5 s ends it first.
    """

    model_config = SettingsConfigDict(frozen=True, validate_by_name=True, extra="ignore")

    most: int = Field(default_factory=open_file_share, ge=1, validation_alias="GAMESTATS_API_MAX_CONNECTIONS")
    per_address: int = Field(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, ge=1,
                             validation_alias="GAMESTATS_API_MAX_CONNECTIONS_PER_ADDRESS")
    idle_seconds: float = Field(DEFAULT_IDLE_SECONDS, gt=0, validation_alias="GAMESTATS_API_IDLE_SECONDS")
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias="GAMESTATS_API_TRUSTED_PROXIES")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        return comma_separated(value)


class ServeSettings(BaseSettings):
    """What the API needs besides the platform's `Settings`, each read from the environment variable named here
    unless given by its field name.

    - `pg_url`: the PostgreSQL the platform publishes to (the embedded server or `GAMESTATS_PG_URL`).
    - `api_token` (`GAMESTATS_API_TOKEN`): the operator's bootstrap key, allowed every write and admin endpoint;
      unset, only accounts' keys are (`core.accounts`).
    - `budget_profile` (`GAMESTATS_API_BUDGET_PROFILE`, default `browsing`; `pubg`: the PUBG design's 60, 300 and
      1,000): the requests a minute of each client address without credentials and of each account by its role
      (`core/limits.py`), shared by every worker; `requests_per_minute` (`GAMESTATS_API_REQUESTS_PER_MINUTE`) sets the
      address's over the profile's, `role_requests_per_minute` (`GAMESTATS_API_ROLE_REQUESTS_PER_MINUTE`,
      `role=n,...`) a role's.
    - `hsts_seconds` (`GAMESTATS_API_HSTS_SECONDS`, default a year; 0: none): the `Strict-Transport-Security`
      `max-age` of an answer over HTTPS (`core/transport.py`).
    - `trusted_proxies` (`GAMESTATS_API_TRUSTED_PROXIES`, comma-separated addresses or networks): the proxies whose
      `X-Forwarded-For` names the client; none by default, so the client is the peer of the connection.
    - `cors_origins` (`GAMESTATS_API_CORS_ORIGINS`, comma-separated): origins allowed cross-site; none by default.
    - `max_upload_bytes` (`GAMESTATS_API_MAX_UPLOAD_BYTES`, default 20 MiB): the largest replay accepted.
    - `max_body_bytes` (`GAMESTATS_API_MAX_BODY_BYTES`, default 64 KiB): the largest body of any other request.
    - `cache_bytes` (`GAMESTATS_API_CACHE_BYTES`, default 128 MiB): the most the answers kept take in a worker,
      half as read (`reader.AnswerCache`), half as the bytes sent again (`fastpath.CachedAnswers`).
    - `data_dir`, `start_date`: the platform's data folder (uploads land in its `landing/`) and first day.
    - `lake_uri` (`GAMESTATS_LAKE_URI`, default `<data_dir>/lake`): the lake, where a deleted player's rows go.
    - `public_url` (`GAMESTATS_PUBLIC_URL`, e.g. `https://stats.example.org`): where players reach the service, the
      OpenID realm and the sign-in callbacks' base; unset, the request's own scheme and host.
    - `session_hours` (`GAMESTATS_SESSION_HOURS`, default 24): how long a signed-in browser's session lasts.
    - `steam_sign_in` (`GAMESTATS_STEAM_SIGN_IN`, default off): players may sign in with Steam (OpenID 2.0 at
      `steam_openid_endpoint`, `GAMESTATS_STEAM_OPENID_ENDPOINT`, default Steam's own).
    - `epic_client_id`, `epic_client_secret` (`GAMESTATS_EPIC_CLIENT_ID`, `GAMESTATS_EPIC_CLIENT_SECRET`): the
      Epic Games client players sign in with (both set: offered), at `epic_authorize_url` and `epic_token_url`
      (`GAMESTATS_EPIC_AUTHORIZE_URL`, `GAMESTATS_EPIC_TOKEN_URL`, default Epic's own), asking `epic_scope`
      (`GAMESTATS_EPIC_SCOPE`, default `basic_profile`).
    - `alert_interval_seconds` (`GAMESTATS_ALERT_INTERVAL_SECONDS`, default 30), `alert_window_seconds`
      (`GAMESTATS_ALERT_WINDOW_SECONDS`, default 300: the error rate's window), `alert_error_rate`
      (`GAMESTATS_ALERT_ERROR_RATE`, default 0.05), `alert_upload_queue` (`GAMESTATS_ALERT_UPLOAD_QUEUE`, default
      100), `alert_memory_ratio` (`GAMESTATS_ALERT_MEMORY_RATIO`, default 0.8): how often the alert rules are
      evaluated and their thresholds (`core/alerts.py`); alerts go to `GAMESTATS_ALERT_WEBHOOK_URL`.
    - `secret_keys` (`GAMESTATS_SECRET_KEYS`, comma-separated Fernet keys, newest first): what seals a player's
      personal fields at rest (`core/sealed.py`); none by default, and then those fields are refused.
    - `landing_retention_days` (`GAMESTATS_LANDING_RETENTION_DAYS`): how long raw files are kept, as the platform's
      retention has it; told to a player before they consent (`routes/users/consent.py`).
    """

    model_config = SettingsConfigDict(frozen=True, validate_by_name=True, extra="ignore")

    pg_url: str = Field(validation_alias="GAMESTATS_PG_URL")
    api_token: str | None = Field(None, validation_alias="GAMESTATS_API_TOKEN")
    budget_profile: Literal[tuple(PROFILES)] = Field(DEFAULT_PROFILE, validation_alias="GAMESTATS_API_BUDGET_PROFILE")
    requests_per_minute: int | None = Field(None, ge=1, validation_alias="GAMESTATS_API_REQUESTS_PER_MINUTE")
    role_requests_per_minute: Annotated[dict[str, int], NoDecode] = Field(
        {}, validation_alias="GAMESTATS_API_ROLE_REQUESTS_PER_MINUTE")
    hsts_seconds: int = Field(DEFAULT_HSTS_SECONDS, ge=0, validation_alias="GAMESTATS_API_HSTS_SECONDS")
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias="GAMESTATS_API_TRUSTED_PROXIES")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias="GAMESTATS_API_CORS_ORIGINS")
    max_upload_bytes: int = Field(DEFAULT_MAX_UPLOAD_BYTES, ge=1, validation_alias="GAMESTATS_API_MAX_UPLOAD_BYTES")
    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, ge=1, validation_alias="GAMESTATS_API_MAX_BODY_BYTES")
    cache_bytes: int = Field(DEFAULT_CACHE_BYTES, ge=0, validation_alias="GAMESTATS_API_CACHE_BYTES")
    data_dir: Path = Field(Path("data"), validation_alias="GAMESTATS_DATA_DIR")
    start_date: str = Field(DEFAULT_START_DATE, validation_alias="GAMESTATS_START_DATE")
    lake_uri: str | None = Field(None, validation_alias="GAMESTATS_LAKE_URI")
    public_url: str | None = Field(None, pattern=r"^https?://[^/?#]+$", validation_alias="GAMESTATS_PUBLIC_URL")
    session_hours: float = Field(24, gt=0, validation_alias="GAMESTATS_SESSION_HOURS")
    steam_sign_in: bool = Field(False, validation_alias="GAMESTATS_STEAM_SIGN_IN")
    steam_openid_endpoint: str = Field(STEAM_OPENID_ENDPOINT, validation_alias="GAMESTATS_STEAM_OPENID_ENDPOINT")
    epic_client_id: str | None = Field(None, validation_alias="GAMESTATS_EPIC_CLIENT_ID")
    epic_client_secret: str | None = Field(None, validation_alias="GAMESTATS_EPIC_CLIENT_SECRET", repr=False)
    epic_authorize_url: str = Field(EPIC_AUTHORIZE_URL, validation_alias="GAMESTATS_EPIC_AUTHORIZE_URL")
    epic_token_url: str = Field(EPIC_TOKEN_URL, validation_alias="GAMESTATS_EPIC_TOKEN_URL")
    epic_scope: str = Field("basic_profile", validation_alias="GAMESTATS_EPIC_SCOPE")
    alert_interval_seconds: float = Field(30, gt=0, validation_alias="GAMESTATS_ALERT_INTERVAL_SECONDS")
    alert_window_seconds: float = Field(300, gt=0, validation_alias="GAMESTATS_ALERT_WINDOW_SECONDS")
    alert_error_rate: float = Field(0.05, ge=0, le=1, validation_alias="GAMESTATS_ALERT_ERROR_RATE")
    alert_upload_queue: int = Field(100, ge=0, validation_alias="GAMESTATS_ALERT_UPLOAD_QUEUE")
    alert_memory_ratio: float = Field(0.8, ge=0, le=1, validation_alias="GAMESTATS_ALERT_MEMORY_RATIO")
    secret_keys: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias="GAMESTATS_SECRET_KEYS",
                                                              repr=False)
    landing_retention_days: int | None = Field(None, ge=1, validation_alias="GAMESTATS_LANDING_RETENTION_DAYS")

    @property
    def budgets(self) -> dict[str, int]:
        """The requests a minute of a client address without credentials (`public`) and of an account by its role."""
        return budgets_of(self.budget_profile, self.requests_per_minute, self.role_requests_per_minute)

    @field_validator("role_requests_per_minute", mode="before")
    @classmethod
    def _role_budgets(cls, value):
        return role_budgets(value)

    @property
    def lake(self) -> str:
        """The lake's root: `lake_uri`, else `<data_dir>/lake`."""
        return self.lake_uri or str(self.data_dir / "lake")

    @property
    def providers(self) -> tuple[str, ...]:
        """The platforms a player may sign in with: `steam` when turned on, `epic` when its client is set."""
        return (("steam",) if self.steam_sign_in else ()) + (
            ("epic",) if self.epic_client_id and self.epic_client_secret else ())

    @field_validator("public_url", "epic_client_id", "epic_client_secret", mode="before")
    @classmethod
    def _unset_when_blank(cls, value):
        return value or None

    @field_validator("api_token", "lake_uri", "landing_retention_days", mode="before")
    @classmethod
    def _unset_when_empty(cls, value):
        return value or None

    @field_validator("trusted_proxies", "cors_origins", "secret_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        return comma_separated(value)

    @field_validator("secret_keys")
    @classmethod
    def _sealing_keys(cls, value):
        Sealer(value)
        return value

    @classmethod
    def from_env(cls, pg_url: str) -> ServeSettings:
        """The settings of the environment, over the PostgreSQL of `pg_url` and the platform's data folder."""
        platform = Settings.from_env()
        return cls(pg_url=pg_url, data_dir=platform.data_dir, start_date=platform.start_date)
