"""The l2m DDL in sql/ matches the published frames: same columns, same order, matching types, keys."""

from __future__ import annotations

import re

import polars as pl
import pytest

from gamestats_assets.lib.postgres import migration_files
from gamestats_assets.lib.settings import SQL_DIR
from gamestats_assets_tests.l2m.conftest import DAYS

PUBLISHED = ["l2m_active", "l2m_recharge", "l2m_cumulative_revenue", "l2m_item_gain", "l2m_item_spend",
             "l2m_money_gain", "l2m_money_spend", "l2m_server_performance", "l2m_farmers_performance",
             "l2m_daily_kpis", "l2m_retention", "l2m_guild_info", "l2m_farmers_snapshot"]
SNAPSHOTS = {"l2m_guild_info", "l2m_farmers_snapshot"}
PG_TYPE = {pl.Date: "date", pl.Int64: "bigint", pl.Float64: "double precision", pl.Utf8: "text",
           pl.Boolean: "boolean", pl.Datetime: "timestamp"}


def _sql() -> str:
    """Every DDL file that touches schema l2m, in the order they apply: a later CREATE replaces an earlier one."""
    return "\n".join(path.read_text() for path in migration_files(SQL_DIR) if "l2m." in path.read_text())


def _tables() -> dict[str, tuple[list[tuple[str, str]], list[str]]]:
    tables = {}
    for name, body in re.findall(r"CREATE TABLE IF NOT EXISTS l2m\.(\w+) \((.*?)\n\);", _sql(), re.S):
        lines = [line.strip().rstrip(",") for line in body.strip().splitlines()]
        key = re.match(r"PRIMARY KEY \((.*)\)", lines[-1]).group(1).split(", ")
        columns = [re.match(r"(\w+) (.+?)( NOT NULL)?$", line).groups()[:2] for line in lines[:-1]]
        tables[name] = (columns, key)
    return tables


def _frame(generated, name: str) -> pl.DataFrame:
    if name in SNAPSHOTS:
        return generated.snapshots[name]
    return generated.tables[DAYS[1]][name]


@pytest.mark.parametrize("name", PUBLISHED)
def test_ddl_columns_and_types_match_the_frame(generated, name):
    columns, key = _tables()[name]
    frame = _frame(generated, name)
    assert frame.height > 0
    assert [c for c, _ in columns] == frame.columns
    assert [t for _, t in columns] == [PG_TYPE[dtype.base_type()] for dtype in frame.schema.values()]
    assert frame.select(key).is_duplicated().sum() == 0
    if name not in SNAPSHOTS:
        assert key[0] == "date"


def test_no_index_repeats_a_primary_key_prefix():
    tables = _tables()
    for table, columns in re.findall(r"CREATE (?:UNIQUE )?INDEX .*? ON l2m\.(\w+) \((.*?)\);", _sql()):
        key = tables[table][1]
        assert columns.split(", ") != key[:len(columns.split(", "))], table


def test_every_published_table_has_ddl():
    assert set(_tables()) == set(PUBLISHED)
