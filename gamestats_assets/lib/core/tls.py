"""The trusted certificates of the process: one TLS context every HTTP client verifies servers with."""

from __future__ import annotations

import functools
import ssl


@functools.cache
def trusted() -> ssl.SSLContext:
    """The context `httpx` would make for a client (`certifi`'s authorities, `SSL_CERT_FILE` and `SSL_CERT_DIR`
    honoured), made once per process: loading the authorities costs more than a short client's own work, and a
    context is safe to share between clients and threads."""
    import httpx

    return httpx.create_ssl_context()
