"""HTTPS as a user runs it: `gamestats serve --ssl-certfile --ssl-keyfile` with a certificate made here (self-signed
for 127.0.0.1, `cryptography`) answers over TLS, verified against that certificate, with `Strict-Transport-Security`;
behind a TLS proxy (`--forwarded-allow-ips`), an answer carries it when the trusted proxy says the request came over
HTTPS, and no answer over plain HTTP does."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gamestats_assets.serve.core.transport import DEFAULT_HSTS_SECONDS
from gamestats_assets_tests.serve.running import serving
from gamestats_assets_tests.loopback import free_port

HSTS = f"max-age={DEFAULT_HSTS_SECONDS}"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, signed by its own key, and that key, as PEM files in `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


@pytest.fixture
def environment(tmp_path, migrated_pg_url) -> dict[str, str]:
    env = {**os.environ, "GAMESTATS_PG_URL": migrated_pg_url, "GAMESTATS_DATA_DIR": str(tmp_path / "data")}
    env.pop("GAMESTATS_API_TOKEN", None)
    env.pop("GAMESTATS_API_TRUSTED_PROXIES", None)
    return env


def test_gamestats_serve_with_a_certificate_answers_over_https_with_hsts(tmp_path, environment):
    certfile, keyfile = self_signed(tmp_path)
    trusted = ssl.create_default_context(cafile=str(certfile))
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "gamestats"), "serve", "--port", str(port),
                                "--ssl-certfile", str(certfile), "--ssl-keyfile", str(keyfile)], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"https://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, verify=trusted, timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    docs = client.get("/docs")
                    break
                except httpx.ConnectError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"gamestats serve did not start over HTTPS: {process.communicate()[0]}")
                    time.sleep(0.3)
            assert docs.status_code == 200 and docs.headers["Strict-Transport-Security"] == HSTS
            answer = client.get("/api/v1/tournaments/leaderboard/teams")
            assert answer.status_code == 404 and answer.headers["Strict-Transport-Security"] == HSTS
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{base}/docs", verify=ssl.create_default_context(), timeout=30)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"https://127.0.0.1:{port}" in output


def test_behind_a_trusted_tls_proxy_an_answer_over_https_carries_hsts_and_plain_http_none(environment):
    with serving({"GAMESTATS_PG_URL": environment["GAMESTATS_PG_URL"],
                  "GAMESTATS_DATA_DIR": environment["GAMESTATS_DATA_DIR"]},
                 "--forwarded-allow-ips", "127.0.0.1") as running:
        with running.client() as proxy, running.client("127.0.0.2") as stranger:
            forwarded = proxy.get("/docs", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
            assert forwarded.status_code == 200 and forwarded.headers["Strict-Transport-Security"] == HSTS
            assert "Strict-Transport-Security" not in proxy.get("/docs").headers
            claimed = stranger.get("/docs", headers={"X-Forwarded-Proto": "https"})
            assert claimed.status_code == 200 and "Strict-Transport-Security" not in claimed.headers
