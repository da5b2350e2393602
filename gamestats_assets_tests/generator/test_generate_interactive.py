"""`gamestats generate --interactive` on a real terminal (a pseudo-terminal): it asks for each part of the run with
a default, asks again after a bad answer, and writes what was answered."""

import json
import os
import pty
import select
import subprocess
import sys
import time

from click.testing import CliRunner

from gamestats_assets.cli import main

from .conftest import TAXONOMIES

PATIENCE_S = 120


class Terminal:
    """A command running on a pseudo-terminal: `expect` reads its screen until a text shows, `send` types a line."""

    def __init__(self, args, cwd):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, close_fds=True,
                                        env={**os.environ, "TERM": "dumb", "COLUMNS": "200"})
        os.close(slave)
        self.screen = ""
        self.seen = 0

    def expect(self, text: str) -> str:
        """The screen from the last expected text to `text`, once it shows (the test fails if it never does)."""
        deadline = time.monotonic() + PATIENCE_S
        while text not in self.screen[self.seen:]:
            assert time.monotonic() < deadline, f"never saw {text!r} in:\n{self.screen}"
            ready, _, _ = select.select([self.master], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                assert chunk or text in self.screen[self.seen:], f"the command ended before {text!r}:\n{self.screen}"
                self.screen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        end = self.screen.index(text, self.seen) + len(text)
        shown, self.seen = self.screen[self.seen:end], end
        return shown

    def send(self, line: str) -> None:
        os.write(self.master, f"{line}\r".encode())

    def __enter__(self):
        return self

    def __exit__(self, failure, *_):
        """Waits for the command to end (kills it if the test failed) and keeps its exit code as `code`."""
        if failure is not None:
            self.process.kill()
        self.code = self.process.wait(timeout=PATIENCE_S)
        os.close(self.master)


def test_the_guided_questions_write_what_was_answered(tmp_path):
    taxonomy = TAXONOMIES / "saas_events.csv"
    with Terminal([sys.executable, "-c", "from gamestats_assets.cli import main; main()", "generate",
                   "--interactive", "--users", "500"], cwd=tmp_path) as terminal:
        terminal.expect("Taxonomy file (.xlsx, or <name>_events.csv):")
        terminal.send(str(tmp_path / "missing.xlsx"))
        assert "does not exist" in terminal.expect("Taxonomy file")
        terminal.send(str(taxonomy))
        assert "[saas]" in terminal.expect("Industry (game, ecommerce, saas, or another word) [saas]:")
        terminal.send("")
        terminal.expect("Platform (android, ios, mobile, pc, web) [mobile]:")
        terminal.send("web")
        terminal.expect("Users [500]:")
        terminal.send("many")
        assert "is not a valid integer" in terminal.expect("Users [500]:")
        terminal.send("30")
        terminal.expect("Days [7]:")
        terminal.send("2")
        terminal.expect("First day (YYYY-MM-DD) [")
        terminal.send("2024-03-01")
        terminal.expect("Output folder [generated/saas]:")
        terminal.send(str(tmp_path / "out"))
        summary = terminal.expect("Generate? [Y/n]:")
        assert "30 saas users on web, 2024-03-01 to 2024-03-02 (2 days), from saas_events.csv" in summary
        terminal.send("")
        terminal.expect("20240302.jsonl")
    assert terminal.code == 0, terminal.screen
    written = sorted(path.name for path in (tmp_path / "out").glob("*.jsonl"))
    assert written == ["20240301.jsonl", "20240302.jsonl"]
    events = [json.loads(line) for path in (tmp_path / "out").glob("*.jsonl") for line in path.read_text().splitlines()]
    tracks = [event for event in events if event["#type"] == "track"]
    assert 0 < len({event["#account_id"] for event in events}) <= 30
    assert {event["properties"]["#os"] for event in tracks} <= {"Windows", "macOS", "Linux"}
    assert not (tmp_path / "generated").exists()


def test_declining_writes_nothing_and_a_pipe_is_refused(tmp_path):
    with Terminal([sys.executable, "-c", "from gamestats_assets.cli import main; main()", "generate",
                   "--interactive", "--taxonomy", str(TAXONOMIES / "saas_events.csv"), "--start", "2024-03-01",
                   "--out", str(tmp_path / "out")], cwd=tmp_path) as terminal:
        for question in (f"[{TAXONOMIES / 'saas_events.csv'}]:", "another word) [game]:",
                         "[mobile]:", "Users [1000]:", "Days [7]:", "First day (YYYY-MM-DD) [2024-03-01]:",
                         f"Output folder [{tmp_path / 'out'}]:"):
            terminal.expect(question)
            terminal.send("")
        terminal.expect("Generate? [Y/n]:")
        terminal.send("n")
        terminal.expect("Aborted")
    assert terminal.code == 1 and not (tmp_path / "out").exists()
    piped = CliRunner().invoke(main, ["generate", "--interactive"])
    assert piped.exit_code == 2 and "on a terminal" in piped.output
    bare = CliRunner().invoke(main, ["generate", "--taxonomy", str(TAXONOMIES / "saas_events.csv")])
    assert bare.exit_code == 2 and "Missing option --start, --out" in bare.output
