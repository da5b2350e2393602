"""A migration tried as an upgrade: a new database migrated as a release before it left it, for the rows that
release kept to be written, before the migration itself is applied."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gamestats_assets.lib.publish.postgres import SQL_DIR, apply_migrations
from gamestats_assets_tests.conftest import fresh_database


@contextmanager
def migrated_before(upgrade: str, admin_url: str, folder: Path) -> Iterator[str]:
    """A new database with every migration but `upgrade` applied (its URL, for the block's life; dropped after)."""
    without = folder / "sql"
    shutil.copytree(SQL_DIR, without, ignore=shutil.ignore_patterns(upgrade))
    for url in fresh_database(admin_url):
        apply_migrations(url, without)
        yield url
