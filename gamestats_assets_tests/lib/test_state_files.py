"""The records under `data/state/`: a name never leads outside the folder, and a write interrupted between the
temporary file and its replace leaves the previous record whole."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from gamestats_assets.lib.core import state_files
from gamestats_assets.lib.core.inputs import UnsafePath
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.intake.discovery import requested_path


def test_state_path_is_under_the_state_folder(tmp_path):
    assert state_path(tmp_path, "parsed", "lol", "games", "2024-01-01.json") == (
        tmp_path / "state" / "parsed" / "lol" / "games" / "2024-01-01.json").resolve()


@pytest.mark.parametrize("parts", [("..", "landing"), ("parsed", "../../x.json"), ("/etc/passwd",),
                                   ("requested", "a\0.json")])
def test_state_path_refuses_a_part_leading_out(tmp_path, parts):
    with pytest.raises(UnsafePath):
        state_path(tmp_path, *parts)


def test_a_hostile_domain_name_reaches_no_file_outside(tmp_path):
    platform = type("Platform", (), {"data_dir": str(tmp_path / "data")})()
    with pytest.raises(UnsafePath):
        requested_path(platform, "../../outside")


def test_write_replaces_the_record_whole(tmp_path):
    path = state_path(tmp_path, "requested", "lol.json")
    write_state_file(path, json.dumps({"a": "1"}))
    write_state_file(path, b'{"a": "2"}')
    assert json.loads(path.read_text()) == {"a": "2"}
    assert os.listdir(path.parent) == ["lol.json"]


def test_an_exception_before_the_replace_keeps_the_previous_record(tmp_path, monkeypatch):
    path = state_path(tmp_path, "landing_keys", "pubg.json")
    write_state_file(path, json.dumps({"matches/a.json": ["f1", "a"]}))

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(state_files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_state_file(path, json.dumps({"matches/b.json": ["f2", "b"]}))
    assert json.loads(path.read_text()) == {"matches/a.json": ["f1", "a"]}
    assert os.listdir(path.parent) == ["pubg.json"]


def test_a_process_killed_before_the_replace_keeps_the_previous_record(tmp_path):
    path = state_path(tmp_path, "requested", "rocket.json")
    write_state_file(path, json.dumps({"2024-01-01": "before"}))
    script = textwrap.dedent(f"""
        import os, signal
        from gamestats_assets.lib.core import state_files

        def killed(source, target):
            os.kill(os.getpid(), signal.SIGKILL)

        state_files.os.replace = killed
        state_files.write_state_file(state_files.Path({str(path)!r}), '{{"2024-01-01": "after"}}')
    """)
    run = subprocess.run([sys.executable, "-c", script], check=False)
    assert run.returncode == -signal.SIGKILL
    assert json.loads(path.read_text()) == {"2024-01-01": "before"}
    left = [name for name in os.listdir(path.parent) if name != "rocket.json"]
    assert all(name.startswith(".rocket.json.") for name in left)
