"""The embedded server keeps to its own folder: run as root it widens no permission above it and adds no
user; a copy of a folder whose server runs (a backup restored beside the original) starts a server of its
own instead of talking to the original's."""

import os
import subprocess
from pathlib import Path

import psutil
import psycopg
import pytest

from gamestats_assets.lib.publish import embedded_postgres


def modes(folder: Path) -> dict[Path, int]:
    """The mode of `folder` and of every folder above it."""
    return {path: path.stat().st_mode for path in (folder, *folder.parents)}


def server_process(pgdata: Path) -> psutil.Process:
    return psutil.Process(int((pgdata / "postmaster.pid").read_text().splitlines()[0]))


@pytest.mark.skipif(os.geteuid() != 0, reason="the root path of the embedded server needs a root test run")
def test_run_as_root_it_changes_nothing_outside_its_folder(tmp_path):
    """The folders above the data folder are closed to other users (0700, 0710, 0750): the server still
    starts, and no mode above `data/postgres`, no user and no group changed."""
    data = tmp_path / "closed" / "half-open" / "data"
    data.mkdir(parents=True)
    tmp_path.chmod(0o700)
    (tmp_path / "closed").chmod(0o700)
    (tmp_path / "closed" / "half-open").chmod(0o710)
    data.chmod(0o750)
    before = modes(data), Path("/etc/passwd").read_bytes(), Path("/etc/group").read_bytes()
    pgdata = data / "postgres"

    url = embedded_postgres.start(pgdata)
    try:
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("postgres",)
        assert server_process(pgdata).username() != "root"
        after = modes(data), Path("/etc/passwd").read_bytes(), Path("/etc/group").read_bytes()
    finally:
        assert embedded_postgres.stop(pgdata)
    assert after == before
    assert modes(data) == before[0]


def test_a_copied_folder_starts_its_own_server(tmp_path):
    original = tmp_path / "original" / "postgres"
    copy = tmp_path / "restored" / "postgres"
    url = embedded_postgres.start(original)
    try:
        copy.parent.mkdir()
        subprocess.run(["cp", "-a", str(original), str(copy)], check=True)
        assert not embedded_postgres.is_running(copy)

        copied_url = embedded_postgres.start(copy)
        try:
            assert copied_url != url and str(copy) in copied_url
            assert embedded_postgres.is_running(original) and embedded_postgres.is_running(copy)
            assert server_process(original).pid != server_process(copy).pid
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("CREATE TABLE only_in_the_original (x int)")
            with psycopg.connect(copied_url) as conn:
                assert conn.execute("SELECT to_regclass('only_in_the_original')").fetchone() == (None,)
        finally:
            assert embedded_postgres.stop(copy)
        assert embedded_postgres.is_running(original)
    finally:
        embedded_postgres.stop(original)
