"""`gamestats dev` as a user runs it, in a process group of its own, on a data folder and PostgreSQL database
of the test's, with the instance it prepares read from the test."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import dagster as dg
import httpx
import psutil
from dagster._core.instance.ref import InstanceRef

from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.lib.publish.postgres import dagster_storage_url

T = TypeVar("T")
GAMESTATS = Path(sys.executable).with_name("gamestats")
PR_SET_PDEATHSIG = 1
LIBC = ctypes.CDLL(None, use_errno=True)
PROBE = httpx.Client(timeout=2)
"""The client of the probes that ask whether a server answers yet, every half second: a client a probe would make
its TLS context each time."""


def _ends_with_the_test() -> None:
    """Run in the child before it starts: SIGTERM when the test process ends, however it ends (a killed xdist
    worker runs no teardown, and a server left running would outlive the run)."""
    LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def interrupted_with_the_test() -> None:
    """Run in the child before it starts: Ctrl-C (SIGINT) when the test process ends, however it ends, so that a
    command that stops what it started when interrupted (`gamestats demo`'s embedded server) does so."""
    LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGINT)


def a_background_job_ending_with_the_test() -> None:
    """`_ends_with_the_test`, started as a script's background job is (`gamestats dev &`): with Ctrl-C ignored."""
    _ends_with_the_test()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Dev:
    """One `gamestats dev` (webserver and daemon) on `port`, its output in `log`, started as a script's background
    job (`gamestats dev &`, Ctrl-C ignored), which SIGTERM must stop all the same."""

    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen([str(GAMESTATS), "dev", "--port", str(self.port)], env=self.env,
                                            cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True,
                                            preexec_fn=a_background_job_ending_with_the_test)
        wait_until(self.answers, 180, "the Dagster webserver to answer", self)

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gamestats dev exited with {self.process.returncode}:\n{self.tail()}")
        try:
            return PROBE.get(f"{self.url}/server_info").status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        """Stop `gamestats dev` as a service manager or `kill` does, with SIGTERM to its own process only, and
        require that everything it started (dg, webserver, daemon, code servers) ends with it and frees the port."""
        if self.process is None or self.process.poll() is not None:
            return
        started = psutil.Process(self.process.pid).children(recursive=True)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(90)
            wait_until(lambda: not _alive(started), 60, "every process gamestats dev started to end")
        finally:
            for process in _alive(started):
                process.kill()
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        assert not self.answers_port(), f"port {self.port} still served after gamestats dev stopped"

    def answers_port(self) -> bool:
        try:
            return PROBE.get(f"{self.url}/server_info").status_code == 200
        except httpx.HTTPError:
            return False

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def instance(self) -> dg.DagsterInstance:
        """The instance `gamestats dev` runs on, opened by the test (its storage URL set in this process)."""
        os.environ["GAMESTATS_DAGSTER_PG_URL"] = dagster_storage_url(self.env["GAMESTATS_PG_URL"])
        return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(Path(self.env["GAMESTATS_DATA_DIR"]) / "dagster")))


class Up(Dev):
    """One `gamestats up` (the API and pages on `api_port`, the Dagster UI and daemon on `port`), its output in
    `log`, started as a background job, which SIGTERM must stop whole; `client()` sends the operator's token."""

    TOKEN = "e2e-up-token"

    def __init__(self, env: dict[str, str], port: int, api_port: int, log: Path):
        super().__init__({**env, "GAMESTATS_API_TOKEN": self.TOKEN}, port, log)
        self.api_port = api_port

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen([str(GAMESTATS), "up", "--port", str(self.api_port), "--ui-port",
                                             str(self.port)], env=self.env, cwd=PROJECT_ROOT, stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True,
                                            preexec_fn=a_background_job_ending_with_the_test)
        wait_until(lambda: self.answers() and self.api_answers(), 180, "gamestats up's UI and API to answer", self)

    def api_answers(self) -> bool:
        try:
            return PROBE.get(f"{self.api}/api/v1/health").status_code == 200
        except httpx.HTTPError:
            return False

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, timeout=30, headers={"Authorization": f"Bearer {self.TOKEN}"})

    def stop(self) -> None:
        super().stop()
        assert not self.api_answers(), f"port {self.api_port} still served after gamestats up stopped"


class Serve:
    """One `gamestats serve` on `port` with the token `TOKEN`, its output in `log`."""

    TOKEN = "e2e-token"

    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.env, self.port, self.log = {**env, "GAMESTATS_API_TOKEN": self.TOKEN}, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> httpx.Client:
        """Start it and wait until it answers; a client on it that sends the token."""
        with self.log.open("a") as out:
            self.process = subprocess.Popen([str(GAMESTATS), "serve", "--port", str(self.port)], env=self.env,
                                            cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True,
                                            preexec_fn=_ends_with_the_test)
        client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30,
                              headers={"Authorization": f"Bearer {self.TOKEN}"})

        def answers() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"gamestats serve exited with {self.process.returncode}:\n"
                                     f"{self.log.read_text(errors='replace')[-4000:]}")
            try:
                return client.get("/openapi.json").status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(answers, 120, "gamestats serve to answer")
        return client

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of `processes` still running (not ended, not a zombie waiting for its parent)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            continue
    return alive


def wait_until(found: Callable[[], T], seconds: float, what: str, dev: Dev | None = None) -> T:
    """`found()` once it is truthy, polled every half second; fails naming `what` after `seconds`. The wait is
    printed (`pytest -s` shows how long each use took)."""
    started = time.monotonic()
    while time.monotonic() < started + seconds:
        value = found()
        if value:
            print(f"waited {time.monotonic() - started:.0f} s for {what}")
            return value
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds:.0f} s for {what}" + (f"; gamestats dev said:\n{dev.tail()}" if dev else ""))
