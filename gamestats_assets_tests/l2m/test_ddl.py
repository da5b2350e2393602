"""The l2m tables in PostgreSQL, as the migrations in sql/ create them, match the published frames: same
columns, same order, matching types, and a primary key the frame respects."""

from __future__ import annotations

import polars as pl
import pytest

from gamestats_assets.defs.l2m import domain
from gamestats_assets.lib.authoring.publish_steps import PublishMode
from gamestats_assets.lib.publish.postgres import apply_migrations, connect
from gamestats_assets_tests.l2m.conftest import DAYS

PUBLISHED = {spec.table.split(".")[1]: spec for spec in domain.publish_specs}
PG_TYPE = {pl.Date: "date", pl.Int64: "bigint", pl.Float64: "double precision", pl.Utf8: "text",
           pl.Boolean: "boolean", pl.Datetime: "timestamp without time zone"}
COLUMNS = """SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'l2m' AND table_name = %s ORDER BY ordinal_position"""
PRIMARY_KEY = """SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)"""


@pytest.fixture(scope="module")
def database(pg_url):
    apply_migrations(pg_url)
    return pg_url


def _frame(generated, name: str) -> pl.DataFrame:
    if PUBLISHED[name].mode is PublishMode.SNAPSHOT:
        return generated.snapshots[name]
    return generated.tables[DAYS[1]][name]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_ddl_columns_and_types_match_the_frame(generated, database, name):
    with connect(database) as conn:
        columns = conn.execute(COLUMNS, (name,)).fetchall()
        key = [row[0] for row in conn.execute(PRIMARY_KEY, (f"l2m.{name}",)).fetchall()]
    frame = _frame(generated, name)
    assert frame.height > 0
    assert [c for c, _ in columns] == frame.columns
    assert [t for _, t in columns] == [PG_TYPE[dtype.base_type()] for dtype in frame.schema.values()]
    assert set(key) == set(PUBLISHED[name].key_columns)
    assert frame.select(key).is_duplicated().sum() == 0


def test_every_table_of_the_schema_is_published(database):
    with connect(database) as conn:
        tables = {name for (name,) in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'l2m'::regnamespace AND relkind IN ('r', 'p') "
            "AND NOT relispartition").fetchall()}
    assert tables - {"players"} == set(PUBLISHED)
