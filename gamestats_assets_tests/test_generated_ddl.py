"""The published tables' DDL is generated from their declarations: the checked-in files are what the declarations
render (`gamestats ddl` rewrites them), a new database gets exactly the tables the hand-written DDL made before
(`fixtures/sql_before_generation`, compared in PostgreSQL's catalog), and a database built by that DDL upgrades
keeping every row."""

import re
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from gamestats_assets.definitions import DOMAINS
from gamestats_assets.lib.authoring import ddl
from gamestats_assets.lib.core.columns import BIGINT, TEXT
from gamestats_assets.lib.publish.ddl import create_table
from gamestats_assets.lib.publish.postgres import RETIRED, apply_migrations, connect
from gamestats_assets_tests.catalog import catalog, differences
from gamestats_assets_tests.conftest import FIXTURES, fresh_database

BEFORE = FIXTURES / "sql_before_generation"
SPECS = [spec for domain in DOMAINS for spec in domain.publish_specs]
INTENDED_DIFFERENCES = {
    "pubg.tournament_rounds": {"columns"},
    "pubg.team_leaderboards": {"columns"},
    "pubg.player_leaderboards": {"columns"},
    "rocket.matches": {"indexes"},
    "rocket.player_stats": {"indexes"},
    "rocket.users": {"indexes"},
    **{f"lol.{table}": {"columns", "primary_key"} for table in (
        "item_build_stats", "skill_order_stats", "lane_matchups", "keystone_stats", "rune_page_stats",
        "spell_pair_stats")},
}
"""What the generated DDL makes differently from the hand-written DDL before it, by table: what was declared
since (`season_name`, sql/154; the serving indexes, sql/155 and sql/161; the lol statistics' `tier`, sql/162; the
leaderboards' points apart and `rank_change_since`, sql/171), the rest alike."""
ORGANISER_INPUT = {"pubg.tournament_round_edits", "pubg.tournament_slot_edits"}
"""Tables new since that no `Table` declares: what organisers enter through the admin API (sql/166), read by the
pipeline, computed from nothing."""
DAY = "2026-11-01"
VALUES = {"text": "x", "bigint": 1, "integer": 1, "double precision": 0.5, "boolean": True, "date": DAY,
          "jsonb": "{}", "timestamp without time zone": f"{DAY} 12:00", "timestamp with time zone": f"{DAY} 12:00Z"}
"""A value of each column type that meets every CHECK the tables have (games 1, wins 1, rates 0.5 ...)."""
CHECKED_TEXT = {"status": "confirmed", "source": "files"}
ROWS = sql.SQL("SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM (SELECT {} FROM {}) t")


@pytest.fixture(scope="module")
def before_url(admin_url: str) -> str:
    """A database built by the hand-written DDL of before the generation, one row in every table."""
    for url in fresh_database(admin_url):
        apply_migrations(url, BEFORE)
        fill(url)
        yield url


@pytest.fixture(scope="module")
def new_url(admin_url: str) -> str:
    """A database built by today's `sql/`."""
    for url in fresh_database(admin_url):
        apply_migrations(url)
        yield url


def fill(url: str) -> None:
    """One row in every table of the project's schemas (a day's partition created for a partitioned one)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for table, shape in catalog(url).items():
            if table == "public.gamestats_migrations":
                continue
            schema, name = table.split(".")
            if shape["partition_key"]:
                partition = conn.execute("SELECT public.gamestats_partition_name(%s, %s)", (name, DAY)).fetchone()[0]
                conn.execute(sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES IN ({})").format(
                    sql.Identifier(f"{schema}_partitions", partition), sql.Identifier(schema, name), sql.Literal(DAY)))
            columns = [column.split(" ", 1) for column in shape["columns"] if "DEFAULT" not in column]
            values = [CHECKED_TEXT.get(column, VALUES[type_.split(" COLLATE")[0].removesuffix(" NOT NULL")])
                      for column, type_ in columns]
            conn.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                sql.Identifier(schema, name), sql.SQL(", ").join(sql.Identifier(c) for c, _ in columns),
                sql.SQL(", ").join(sql.Placeholder() * len(values))), values)


def contents(url: str, shapes: dict[str, dict]) -> dict[str, str]:
    """Every table of `shapes`' rows, as text, in order: of the columns `shapes` gives it."""
    with psycopg.connect(url) as conn:
        return {table: conn.execute(ROWS.format(
                    sql.SQL(", ").join(sql.Identifier(column.split(" ", 1)[0]) for column in shape["columns"]),
                    sql.Identifier(*table.split(".")))).fetchone()[0]
                for table, shape in shapes.items() if table != "public.gamestats_migrations"}


def test_the_generated_files_are_what_the_declarations_render():
    assert ddl.stale_files(SPECS) == [], "run `gamestats ddl` and commit sql/generated/"


def test_no_hand_written_file_creates_a_declared_table():
    written = " ".join(path.read_text() for path in ddl.GENERATED_DIR.parent.glob("*.sql"))
    assert [spec.table for spec in SPECS
            if re.search(rf"CREATE TABLE (IF NOT EXISTS )?{re.escape(spec.table)}\b", written)] == []


def test_a_new_database_has_the_tables_the_hand_written_ddl_made(before_url: str, new_url: str):
    before, new = catalog(before_url), catalog(new_url)
    changed = differences(before, {table: shape for table, shape in new.items() if table in before})
    assert {table: set(aspects) for table, aspects in changed.items()} == INTENDED_DIFFERENCES
    assert new.keys() - before.keys() <= {spec.table for spec in SPECS} | ORGANISER_INPUT, \
        "a table declared since is generated"


def test_a_database_built_by_the_hand_written_ddl_upgrades_keeping_every_row(before_url: str, new_url: str):
    shapes = catalog(before_url)
    rows = contents(before_url, shapes)
    declared_since = {spec.table for spec in SPECS} - rows.keys()
    assert all(rows.values()) and len(rows) > len(SPECS) - len(declared_since)

    applied = apply_migrations(before_url)

    assert {name for name in applied if name.startswith("generated/")} == {f"generated/{t}.sql" for t in declared_since}
    assert contents(before_url, shapes) == rows
    assert differences(catalog(before_url), catalog(new_url)) == {}
    assert apply_migrations(before_url) == []


def test_a_database_older_than_the_hand_written_ddl_is_refused(admin_url: str, tmp_path: Path):
    older = tmp_path / "sql"
    older.mkdir()
    for name in ("001_schemas.sql", "010_demo_data.sql"):
        (older / name).write_text((BEFORE / name).read_text())
    for url in fresh_database(admin_url):
        apply_migrations(url, older)
        with pytest.raises(RuntimeError, match="older DDL that lacks"):
            apply_migrations(url)
    assert "010_demo_data.sql" in RETIRED


def test_a_generated_file_makes_a_missing_table_and_leaves_an_existing_one(pg_url: str, tmp_path: Path):
    generated = tmp_path / "generated"
    generated.mkdir()
    (tmp_path / "001_schema.sql").write_text("CREATE SCHEMA IF NOT EXISTS t_gen;")
    (generated / "t_gen.scores.sql").write_text(create_table(
        "t_gen.scores", {"player": TEXT, "score": BIGINT.required, "note": TEXT}, ("player",), source="a test",
        indexes=("score DESC",)))

    assert apply_migrations(pg_url, tmp_path) == ["001_schema.sql", "generated/t_gen.scores.sql"]
    with connect(pg_url) as conn:
        conn.execute("INSERT INTO t_gen.scores VALUES ('ann', 3, 'kept')")
    (generated / "t_gen.scores.sql").write_text(create_table(
        "t_gen.scores", {"player": TEXT, "score": BIGINT}, ("player",), source="a test"))
    assert apply_migrations(pg_url, tmp_path) == []
    with connect(pg_url) as conn:
        assert conn.execute("SELECT * FROM t_gen.scores").fetchall() == [("ann", 3, "kept")]
        nullable = conn.execute("SELECT column_name, is_nullable FROM information_schema.columns "
                                "WHERE table_schema = 't_gen' ORDER BY ordinal_position").fetchall()
        indexes = conn.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 't_gen'").fetchall()
    assert nullable == [("player", "NO"), ("score", "NO"), ("note", "YES")]
    assert any("score DESC" in definition for (definition,) in indexes)


def test_regenerating_writes_what_changed_and_removes_what_is_no_longer_declared(tmp_path: Path):
    (tmp_path / "pubg.dropped_table.sql").write_text("CREATE TABLE pubg.dropped_table (x int);\n")
    (tmp_path / f"{SPECS[0].table}.sql").write_text("-- edited by hand\n")

    changed = ddl.write(SPECS, tmp_path)

    assert set(changed) == {f"{spec.table}.sql" for spec in SPECS} | {"pubg.dropped_table.sql"}
    assert not (tmp_path / "pubg.dropped_table.sql").exists()
    assert ddl.stale_files(SPECS, tmp_path) == [] and ddl.write(SPECS, tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(path.name for path in ddl.GENERATED_DIR.iterdir())
