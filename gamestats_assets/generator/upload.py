"""Sending generated days to a ThinkingData receiver the way its server SDKs' batch consumer does.

Each batch is a JSON array of the files' lines, gzipped, posted to `<receiver>/sync_server` with the headers
`appid` and `compress: gzip`; the receiver answers `{"code": 0}` when it took the batch. A 5xx, a timeout or a
broken connection is tried again (a bounded number of times, waiting twice as long each time); any other refusal
stops the upload at once. After every accepted batch the resume file records how many lines of each file were sent,
so a rerun after a failure sends only the rest: each line once.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx

from gamestats_assets.lib.core import tls

USER_AGENT = "gamestats-generator"


class UploadError(RuntimeError):
    """The receiver refused a batch, or stayed unreachable after every try; the resume file holds what was sent."""


@dataclass(frozen=True)
class Receiver:
    """A ThinkingData receiver: its address (`https://receiver.example.com`), the project's APP ID, and how to send."""

    url: str
    app_id: str
    batch_size: int = 500
    attempts: int = 5
    backoff_s: float = 0.5
    timeout_s: float = 30.0

    @property
    def endpoint(self) -> str:
        return f"{self.url.rstrip('/')}/sync_server"


@dataclass(frozen=True)
class Sent:
    """What one file's upload did: lines sent now, lines found sent before, batches posted and retries needed."""

    path: Path
    sent: int
    skipped: int
    batches: int
    retries: int


class ResumeFile:
    """The JSON file recording, per sent file (by name), its content digest and how many of its lines the receiver
    took; written whole (by rename) after every batch."""

    def __init__(self, path: Path, receiver: Receiver):
        self.path, self.receiver = path, receiver
        self.state = {"receiver": receiver.endpoint, "app_id": receiver.app_id, "files": {}}
        if path.exists():
            try:
                state = json.loads(path.read_text(encoding="utf-8"))
                files = state["files"]
            except (ValueError, KeyError, TypeError):
                raise UploadError(f"{path} is not a resume file of gamestats generate --send") from None
            if (state.get("receiver"), state.get("app_id")) != (receiver.endpoint, receiver.app_id):
                raise UploadError(f"{path} records an upload to {state.get('receiver')} (APP ID "
                                  f"{state.get('app_id')}), not to {receiver.endpoint}; give another --send-state")
            self.state["files"] = files

    def already_sent(self, path: Path, digest: str) -> int:
        """Lines of `path` the receiver took before; UploadError if the file changed since part of it was sent."""
        entry = self.state["files"].get(path.name)
        if entry is None:
            return 0
        if entry["sha256"] != digest:
            raise UploadError(f"{path} changed after {entry['lines']} of its lines were sent; send it under "
                              f"another --send-state, or remove {self.path} to send every file again")
        return int(entry["lines"])

    def record(self, path: Path, digest: str, lines: int) -> None:
        self.state["files"][path.name] = {"sha256": digest, "lines": lines}
        staged = self.path.with_name(f"{self.path.name}.partial")
        staged.write_text(json.dumps(self.state, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(staged, self.path)


def send_files(paths: Iterable[Path], receiver: Receiver, resume_path: Path,
               report: Callable[[Sent], None] = lambda sent: None) -> list[Sent]:
    """Send every line of the ThinkingData files `paths`, in order, resuming after the lines `resume_path` records."""
    resume = ResumeFile(Path(resume_path), receiver)
    results = []
    with httpx.Client(timeout=receiver.timeout_s, verify=tls.trusted()) as client:
        for path in paths:
            content = Path(path).read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            lines = [line for line in content.decode("utf-8").split("\n") if line.strip()]
            done = skipped = resume.already_sent(path, digest)
            batches = retries = 0
            while done < len(lines):
                batch = lines[done:done + receiver.batch_size]
                retries += _post(client, receiver, batch)
                done += len(batch)
                batches += 1
                resume.record(path, digest, done)
            if skipped == 0 and not lines:
                resume.record(path, digest, 0)
            results.append(Sent(Path(path), done - skipped, skipped, batches, retries))
            report(results[-1])
    return results


def _post(client: httpx.Client, receiver: Receiver, batch: list[str]) -> int:
    """Post one batch until the receiver takes it; returns how many retries it needed."""
    body = gzip.compress(("[" + ",".join(batch) + "]").encode("utf-8"))
    headers = {"appid": receiver.app_id, "compress": "gzip", "user-agent": USER_AGENT}
    problem = ""
    for attempt in range(receiver.attempts):
        if attempt:
            time.sleep(receiver.backoff_s * 2 ** (attempt - 1))
        try:
            response = client.post(receiver.endpoint, content=body, headers=headers)
        except httpx.TransportError as error:
            problem = f"{type(error).__name__}: {error}"
            continue
        if response.status_code >= 500:
            problem = f"HTTP {response.status_code}"
            continue
        _accepted(response, receiver)
        return attempt
    raise UploadError(f"{receiver.endpoint} did not take a batch in {receiver.attempts} tries ({problem})")


def _accepted(response: httpx.Response, receiver: Receiver) -> None:
    """UploadError unless the receiver answered 2xx with `{"code": 0}`; the error carries the receiver's own `msg`."""
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.is_success and isinstance(answer, dict) and answer.get("code") == 0:
        return
    said = (f"code {answer.get('code')}: {answer.get('msg', '')}" if isinstance(answer, dict)
            else repr(response.text[:200]))
    raise UploadError(f"{receiver.endpoint} refused a batch for APP ID {receiver.app_id} "
                      f"(HTTP {response.status_code}, {said})")
