"""The HTTP client of the live APIs (the games' and the LLM providers'): `httpx` makes the requests,
`tenacity` retries them and `pyrate_limiter` spaces them (`ApiClient`)."""

from __future__ import annotations

import os
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from pyrate_limiter import Duration, Limiter, Rate
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from gamestats_assets.lib.core import tls
from gamestats_assets.lib.core.inputs import (
    MAX_DECOMPRESSED_ENV,
    UnreadableInput,
    gunzip,
    gunzip_chunks,
    max_decompressed_bytes,
)

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS = 5
"""Redirects followed per request; past that the answer is an error."""


class ApiError(RuntimeError):
    """A request the API refused or could not answer; the message names the API and the endpoint."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class MissingApiKey(ApiError):
    """The API key's environment variable is not set."""


class RetryableError(ApiError):
    """An answer worth trying again: 429, 5xx or a broken connection; `retry_after` in seconds if sent."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status)
        self.retry_after = retry_after


@dataclass(frozen=True)
class EndpointLimit:
    """Rates applied to the requests whose path starts with `prefix` (`""`: every request), each rate
    as (requests, seconds)."""

    prefix: str
    rates: tuple[tuple[int, float], ...]

    def limiter(self) -> Limiter:
        return Limiter([Rate(count, int(seconds * Duration.SECOND)) for count, seconds in self.rates])


SHARED_LIMITERS: dict[tuple[str, EndpointLimit], Limiter] = {}
SHARED_LIMITERS_LOCK = threading.Lock()


def shared_limiter(group: str, limit: EndpointLimit) -> Limiter:
    """The one limiter of `limit` for every client of `group` in this process."""
    with SHARED_LIMITERS_LOCK:
        return SHARED_LIMITERS.setdefault((group, limit), limit.limiter())


@dataclass
class ApiClient:
    """A rate-limited, retrying JSON/bytes client of one API at `base_url`.

    `auth_header` carries `key_format.format(key=<the key>)` (for example `Authorization` with
    `Bearer {key}`); `api_key_env` names the variable holding the key (None: the API needs none), `api_key` gives
    the key itself in its place (a user's own key, held by the caller). Clients
    with the same `limit_group` share the limiters of their `limits` (None: the client's own).

    The key is read at request time, never logged, and sent only to `base_url`'s own origin (scheme, host
    and port): a full URL of another origin (a telemetry file on a CDN, a `next` page elsewhere) and
    a redirect to another origin are requested without it. Without the key, a request to the API's origin
    raises `MissingApiKey` naming the variable. HTTP 429 is retried after the server's `Retry-After` (else
    exponential backoff), as are 5xx answers and broken connections, up to `max_attempts` tries; 401, 403
    and 404 raise `ApiError` at once, naming the endpoint and what to check. At most `MAX_REDIRECTS`
    redirects are followed.
    """

    name: str
    base_url: str
    api_key_env: str | None
    auth_header: str = "Authorization"
    key_format: str = "{key}"
    limits: Sequence[EndpointLimit] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 30.0
    max_attempts: int = 5
    max_backoff_s: float = 60.0
    limit_group: str | None = None
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        import httpx  # imported with the first client: the definitions of every run import this module, few use it

        self._limiters = [
            (limit.prefix, shared_limiter(self.limit_group, limit) if self.limit_group else limit.limiter())
            for limit in self.limits
        ]
        self._http = httpx.Client(base_url=self.base_url, timeout=self.timeout_s, follow_redirects=False,
                                  verify=tls.trusted())
        self._origin = _origin(self._http.base_url)

    def close(self) -> None:
        self._http.close()

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The JSON answer of `GET path`."""
        return self._request("GET", path, params=params).json()

    def post_json(self, path: str, body: Any) -> Any:
        """The JSON answer of `POST path` with `body` as JSON."""
        return self._request("POST", path, json=body).json()

    def post_file(self, path: str, params: Mapping[str, Any], name: str, data: bytes,
                  answered: Collection[int] = ()) -> tuple[int, Any]:
        """The status and JSON answer of `POST path` with `params` and `data` as the multipart file `file` named
        `name`; a status among `answered` (a 409 that says why, say) is returned rather than raised."""
        response = self._request("POST", path, params=params, files={"file": (name, data)}, answered=answered)
        return response.status_code, response.json()

    def get_bytes(self, path_or_url: str, params: Mapping[str, Any] | None = None) -> bytes:
        """The body of `GET path_or_url` (a path of the API or a full URL, such as a telemetry file),
        gunzipped when the body itself is gzip (within `GAMESTATS_MAX_DECOMPRESSED_BYTES`: `UnreadableInput` beyond)."""
        return gunzip(self._request("GET", path_or_url, params=params).content, f"{self.name} GET {path_or_url}")

    def _auth(self) -> dict[str, str]:
        if self.api_key_env is None and self.api_key is None:
            return {}
        key = self.api_key or os.environ.get(self.api_key_env or "", "")
        if not key:
            raise MissingApiKey(f"{self.name}: set {self.api_key_env} to use the {self.name} API")
        return {self.auth_header: self.key_format.format(key=key)}

    def _request(self, method: str, path: str, answered: Collection[int] = (), **kwargs: Any) -> httpx.Response:
        own_origin = _origin(self._http.build_request(method, path).url) == self._origin
        headers = {**self.headers, **(self._auth() if own_origin else {})}
        endpoint = unquote(urlsplit(path).path) if "://" in path else path
        retrying = Retrying(
            retry=retry_if_exception_type(RetryableError),
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                self._acquire(endpoint)
                return self._send(method, path, endpoint, headers, answered, **kwargs)
        raise AssertionError("unreachable: tenacity reraises the last error")

    def _acquire(self, endpoint: str) -> None:
        for prefix, limiter in self._limiters:
            if endpoint.startswith(prefix):
                limiter.try_acquire(prefix or "all", blocking=True)

    def _send(self, method: str, path: str, endpoint: str, headers: dict[str, str], answered: Collection[int] = (),
              **kwargs: Any) -> httpx.Response:
        import httpx

        where = f"{self.name} {method} {endpoint}"
        try:
            response = self._follow(self._http.build_request(method, path, headers=headers, **kwargs), where)
        except httpx.TransportError as error:
            raise RetryableError(f"{where}: {type(error).__name__}") from None
        status = response.status_code
        if status in answered:
            return response
        if status == 429:
            raise RetryableError(f"{where}: HTTP 429 rate limited", status, _retry_after(response))
        if status >= 500:
            raise RetryableError(f"{where}: HTTP {status}", status, _retry_after(response))
        if status in (401, 403):
            checked = self.api_key_env or "the key given"
            raise ApiError(f"{where}: HTTP {status}, the API refused the key: check {checked}", status)
        if status == 404:
            raise ApiError(f"{where}: HTTP 404, no such resource", status)
        if status >= 400:
            raise ApiError(f"{where}: HTTP {status}: {response.text[:200]}", status)
        return response

    def _follow(self, request: httpx.Request, where: str) -> httpx.Response:
        """The answer to `request` after its redirects, the key dropped from any hop to another origin."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self._http.send(request, stream=True)
            if response.next_request is None:
                return _read_within(response, where)
            response.close()
            request = response.next_request
            if _origin(request.url) != self._origin:
                request.headers.pop(self.auth_header, None)
        raise ApiError(f"{where}: more than {MAX_REDIRECTS} redirects")

    def _wait(self, retry_state) -> float:
        error = retry_state.outcome.exception()
        if isinstance(error, RetryableError) and error.retry_after is not None:
            return min(error.retry_after, self.max_backoff_s)
        return wait_exponential_jitter(multiplier=0.5, max=self.max_backoff_s)(retry_state)


def _read_within(response: httpx.Response, where: str) -> httpx.Response:
    """`response` read whole as its server's content coding is undone (a `Content-Encoding: gzip` answer is gunzipped
    as it streams), refused with `UnreadableInput` as soon as it expands beyond `GAMESTATS_MAX_DECOMPRESSED_BYTES`,
    before the rest is read."""
    import httpx

    limit = max_decompressed_bytes()
    try:
        if response.headers.get("content-encoding", "").strip().lower() == "gzip":
            content = gunzip_chunks(response.iter_raw(), where, limit)
        else:
            content = _bounded(response.iter_bytes(), where, limit)
    finally:
        response.close()
    headers = [(name, value) for name, value in response.headers.multi_items()
               if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=content, request=response.request)


def _bounded(chunks: Iterable[bytes], where: str, limit: int) -> bytes:
    """The `chunks` joined, `UnreadableInput` once they pass `limit` bytes."""
    kept, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise UnreadableInput(f"{where}: the answer expands beyond {limit} bytes ({MAX_DECOMPRESSED_ENV})")
        kept.append(chunk)
    return b"".join(kept)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """The origin of `url`: scheme, host and port (the scheme's default when none is written)."""
    return url.scheme, url.host, url.port or {"http": 80, "https": 443}.get(url.scheme)


def _retry_after(response: httpx.Response) -> float | None:
    """The `Retry-After` header in seconds, when the server sent a number."""
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
