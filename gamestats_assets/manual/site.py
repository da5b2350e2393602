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


def mkdocs(*arguments: str) -> int:
    """Run MkDocs on the project's `mkdocs.yml` with `arguments`; its exit code. Material's notice about its
    successor is left out of the output."""
    if not CONFIG.exists():
        raise FileNotFoundError(f"{CONFIG} is missing: the manual is built from a clone of the project")
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", *arguments, "--config-file", str(CONFIG)]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=environment).returncode


def build(site_dir: Path = SITE) -> int:
    """Build the manual into `site_dir`, failing on any warning."""
    return mkdocs("build", "--strict", "--site-dir", str(site_dir))


def serve(address: str) -> int:
    """Serve the manual at `address` (`host:port`), rebuilding it as its pages change."""
    return mkdocs("serve", "--dev-addr", address)
