"""Debian's headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: commands
on fd 3, answers and events on fd 4, each a JSON text ended by NUL), so a test can click, read the page's
state, collect its console errors, hold the page's requests to answer them when and as it chooses, and take
screenshots, with nothing installed besides `chromium` (the flags are those of `e2e/browser.py`)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--hide-scrollbars")
DESKTOP, PHONE = (1280, 900), (390, 844)


def chromium_or_skip() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); the page tests need a real browser")
    return found


class Browser:
    """One Chromium process with one page; `errors` holds the console errors, uncaught exceptions and failed
    loads the page reported since the last `goto`."""

    def __init__(self, executable: str):
        self.profile = tempfile.mkdtemp(prefix="gamestats_chromium_")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_pipes():  # moved clear of 3 and 4 first, so neither end overwrites the other
            reading, writing = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen([executable, *FLAGS, "--remote-debugging-pipe",
                                         f"--user-data-dir={self.profile}", "about:blank"],
                                        pass_fds=(3, 4, to_chrome_r, from_chrome_w), preexec_fn=wire_pipes,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next_id = 0
        self._answers: dict[int, dict] = {}
        self._ready = threading.Condition()
        self.errors: list[str] = []
        self.paused: list[dict] = []
        self._listener = threading.Thread(target=self._listen, daemon=True)
        self._listener.start()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(domain)
        self.viewport(*DESKTOP)

    def _listen(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                text, buffer = buffer.split(b"\0", 1)
                message = json.loads(text)
                if "id" in message:
                    with self._ready:
                        self._answers[message["id"]] = message
                        self._ready.notify_all()
                else:
                    self._event(message)

    def _event(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Fetch.requestPaused":
            with self._ready:
                self.paused.append(params)
                self._ready.notify_all()
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.errors.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                                      for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append("exception: " + details.get("exception", {}).get("description", details.get("text", "")))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(f"log: {params['entry']['text']} {params['entry'].get('url', '')}".strip())

    def send(self, method: str, session: str | None = None, timeout: float = 60, **params) -> dict:
        with self._ready:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._ready:
            while ident not in self._answers:
                if not self._ready.wait(deadline - time.monotonic()) and time.monotonic() >= deadline:
                    raise TimeoutError(f"chromium did not answer {method} in {timeout} s")
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def call(self, method: str, **params) -> dict:
        return self.send(method, session=self.session, **params)

    def viewport(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)

    def goto(self, url: str) -> None:
        self.errors = []
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str):
        """The value of `expression` in the page (awaited when it is a promise); a thrown error raises."""
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 30):
        """The first truthy value of `expression`, polled; a clear error naming it when none comes in time."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"never true within {seconds} s: {expression}; page errors: {self.errors}")

    def ready(self, seconds: float = 30) -> None:
        """Waits for the page's data to be shown (`body[data-state=ready]`)."""
        self.wait_for("document.readyState === 'complete' && document.body?.dataset.state === 'ready'", seconds)

    @contextlib.contextmanager
    def holding(self, url_pattern: str) -> Iterator[None]:
        """Within the block, every request of the page whose URL matches `url_pattern` (DevTools' wildcards) waits
        until the test answers it (`release`, `fail`): the test decides when and in which order answers arrive.
        Requests still held at the end are let through."""
        self.paused = []
        self.call("Fetch.enable", patterns=[{"urlPattern": url_pattern, "requestStage": "Request"}])
        try:
            yield
        finally:
            for request in self.held("", 0):
                with contextlib.suppress(RuntimeError):  # a request of a page since left is gone
                    self.release([request])
            self.call("Fetch.disable")

    def held(self, contains: str, count: int = 1, seconds: float = 30) -> list[dict]:
        """The held requests whose URL contains `contains`, once there are at least `count` (taken off the list)."""
        deadline = time.monotonic() + seconds
        with self._ready:
            while len(matching := [r for r in self.paused if contains in r["request"]["url"]]) < count:
                if not self._ready.wait(deadline - time.monotonic()) and time.monotonic() >= deadline:
                    raise AssertionError(f"{len(matching)} of {count} requests to {contains!r} held within {seconds} s: "
                                         f"{[r['request']['url'] for r in self.paused]}")
            self.paused = [r for r in self.paused if r not in matching]
        return matching

    def release(self, requests: list[dict]) -> None:
        """Lets `requests` (of `held`) go on to the server."""
        for request in requests:
            self.call("Fetch.continueRequest", requestId=request["requestId"])

    def fail(self, requests: list[dict], status: int = 500, detail: str = "the server failed") -> None:
        """Answers `requests` (of `held`) with `status` and the API's error body, without the server."""
        body = base64.b64encode(json.dumps({"detail": detail}).encode()).decode()
        for request in requests:
            self.call("Fetch.fulfillRequest", requestId=request["requestId"], responseCode=status, body=body,
                      responseHeaders=[{"name": "Content-Type", "value": "application/json"}])

    def screenshot(self, path: Path) -> Path:
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)") or 900
        width = self.evaluate("window.innerWidth") or DESKTOP[0]
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": min(height, 4000), "scale": 1})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (OSError, TimeoutError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_chrome)
        self._listener.join(timeout=10)
        os.close(self._from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)
