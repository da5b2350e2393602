"""The manual's site: `mkdocs.yml` at the project's root, its pages in `docs/`, built strictly (a warning is an
error: a broken link or anchor, a page outside the navigation) or served with live reload, by MkDocs in this
Python, offline."""

import os
import subprocess
import sys
from pathlib import Path

from gamestats_assets.lib.core.settings import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "mkdocs.yml"
SITE = PROJECT_ROOT / "site"


def command(*arguments: str) -> tuple[list[str], dict[str, str]]:
    """MkDocs on the project's `mkdocs.yml` with `arguments`, and its environment: Material's notice about its
    successor left out of the output."""
    if not CONFIG.exists():
        raise FileNotFoundError(f"{CONFIG} is missing: the manual is built from a clone of the project")
    return ([sys.executable, "-m", "mkdocs", *arguments, "--config-file", str(CONFIG)],
            {**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def build(site_dir: Path = SITE) -> int:
    """Build the manual into `site_dir`, failing on any warning; MkDocs' exit code."""
    arguments, environment = command("build", "--strict", "--site-dir", str(site_dir))
    return subprocess.run(arguments, cwd=PROJECT_ROOT, env=environment).returncode


def serve(address: str) -> None:
    """Become MkDocs serving the manual at `address` (`host:port`), rebuilt as its pages change: the process is
    MkDocs', so a signal that stops it stops the server."""
    arguments, environment = command("serve", "--dev-addr", address)
    os.chdir(PROJECT_ROOT)
    os.execve(sys.executable, arguments, environment)
