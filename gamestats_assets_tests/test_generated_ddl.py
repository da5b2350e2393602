"""The published tables' DDL is generated from their declarations: the checked-in files are what the declarations
render (`gamestats ddl` rewrites them), a new database gets exactly the tables the hand-written DDL made before
(`fixtures/sql_before_generation`, compared in PostgreSQL's catalog) but for what was declared since, and a
database built by that DDL upgrades to what a new one is, keeping every row: an existing table is brought to its
declaration, and what would lose rows is refused."""

import re
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from gamestats_assets.definitions import DOMAINS
from gamestats_assets.lib.authoring import ddl
from gamestats_assets.lib.core.columns import BIGINT, DATE, INTEGER, TEXT, TEXT_BYTES
from gamestats_assets.lib.core.settings import SQL_DIR
from gamestats_assets.lib.publish.ddl import create_table
from gamestats_assets.lib.publish.postgres import apply_migrations, connect, retired_files
from gamestats_assets.lib.publish.reconcile import Unreconcilable
from gamestats_assets_tests.catalog import catalog, differences
from gamestats_assets_tests.conftest import FIXTURES, fresh_database

BEFORE = FIXTURES / "sql_before_generation"
SPECS = [spec for domain in DOMAINS for spec in domain.publish_specs]
INTENDED_DIFFERENCES = {
    "pubg.tournament_rounds": {"columns"},
    "pubg.team_leaderboards": {"columns"},
    "pubg.player_leaderboards": {"columns"},
    "pubg.match_summaries": {"columns"},
    "pubg.matches": {"columns"},
    "pubg.player_circle_positions": {"columns"},
    "pubg.player_advanced_career_stats": {"columns", "primary_key", "checks"},
    "pubg.tournament_match_overrides": {"columns", "checks"},
    "pubg.tournament_scheduled_matches": {"columns"},
    "rocket.matches": {"indexes"},
    "rocket.player_stats": {"columns", "indexes"},
    "rocket.users": {"indexes"},
    "rocket.player_weaknesses": {"columns"},
    "rocket.rank_predictions": {"columns", "comment"},
    "rocket.recommendations": {"columns"},
    "lol.discovered_patterns": {"columns", "primary_key", "checks"},
    **{f"lol.{table}": {"columns", "primary_key"} for table in (
        "item_build_stats", "skill_order_stats", "lane_matchups", "keystone_stats", "rune_page_stats",
        "spell_pair_stats", "length_win_rates", "patch_trend")},
    **{f"lol.{table}": {"columns", "checks"} for table in ("correlations", "objective_stats", "vision_stats",
                                                           "win_model")},
    "lol.item_build_stats": {"columns", "primary_key", "checks"},
    **{f"l2m.{table}": {"columns"} for table in ("l2m_active", "l2m_recharge", "l2m_cumulative_revenue",
                                                 "l2m_guild_info", "l2m_farmers_snapshot")},
}
"""What the generated DDL makes differently from the hand-written DDL before it, by table: what was declared
since (the tournament rounds' `season_name`; the match summaries' `created_at` and `match_type`; the serving indexes;
the lol statistics' `tier` and the career's `match_type`, in their keys, and the career's throwables and zone
averages; the leaderboards' points apart and `rank_change_since`; who made an override or a schedule change, and
`remake_failed` among an override's statuses; a division's place in the organiser's file; a skill percentile's interval, a rank prediction's playlist and its
baseline, its comment naming the rank outlook and the rank model's figures; a pattern's role, tier and effect interval; a finding's interval, p, q, significance and measure; a match's discovery priority; the zones of a circle sample; the L2M account ids compared byte by byte), which an older database gains by reconciliation or a numbered file, the rest alike."""
TIERED = [table for table, aspects in INTENDED_DIFFERENCES.items()
          if table.startswith("lol.") and "primary_key" in aspects]
"""The lol statistics whose key gained `tier`: a row from before the slices is over every tier."""
DROPPED = {"rocket.player_stats": {"rank_percentile"}}
"""Columns dropped on purpose since, retired by their declaration, whose values an upgrade does not keep: a day's rank
percentile, now answered when read (`Publish.retired`)."""
ORGANISER_INPUT = {"pubg.tournament_round_edits", "pubg.tournament_slot_edits", "pubg.tournament_schedule_history",
                   "pubg.tournament_decisions", "pubg.player_backfill_requests"}
"""Tables new since that no `Table` declares: what organisers enter through the admin API (sql/166, its history
sql/176, every decision with its author sql/180, the backfills asked for sql/185), read by the pipeline, computed
from nothing."""
PLATFORM_RECORDS = {"public.published_keys"}
"""Tables new since that no `Table` declares: the platform's own records (sql/172, what each day of a table published
by key holds)."""
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
    assert new.keys() - before.keys() <= {spec.table for spec in SPECS} | ORGANISER_INPUT | PLATFORM_RECORDS, \
        "a table declared since is generated"


def kept(shapes: dict[str, dict]) -> dict[str, dict]:
    """`shapes` without the columns `DROPPED`."""
    return {table: {**shape, "columns": [column for column in shape["columns"]
                                         if column.split(" ", 1)[0] not in DROPPED.get(table, ())]}
            for table, shape in shapes.items()}


def test_a_database_built_by_the_hand_written_ddl_upgrades_keeping_every_row(before_url: str, new_url: str):
    shapes = kept(catalog(before_url))
    rows = contents(before_url, shapes)
    declared = {spec.table for spec in SPECS}
    declared_since = declared - rows.keys()
    assert all(rows.values()) and len(rows) > len(SPECS) - len(declared_since)

    applied = apply_migrations(before_url)

    assert {name for name in applied if name.startswith("generated/")} == {
        f"generated/{table}.sql" for table in declared_since | (INTENDED_DIFFERENCES.keys() & declared)}
    assert contents(before_url, shapes) == rows
    with psycopg.connect(before_url) as conn:
        assert {table: conn.execute(sql.SQL("SELECT tier, count(*) FROM {} GROUP BY tier").format(
                    sql.Identifier(*table.split(".")))).fetchall()
                for table in TIERED} == {table: [("all", 1)] for table in TIERED}
        assert conn.execute("SELECT match_type, count(*) FROM pubg.player_advanced_career_stats GROUP BY 1"
                            ).fetchall() == [("all", 1)], "a career row from before the slices is over every match"
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
    assert "010_demo_data.sql" in retired_files()


SCORES = "t_gen.scores"


@pytest.fixture
def scores_sql(admin_url: str, tmp_path: Path) -> tuple[str, Path]:
    """A new database, and a `sql/` holding schema `t_gen`, the partition functions and the generated DDL of
    `t_gen.scores` as a test declares it (`declare`)."""
    (tmp_path / "generated").mkdir()
    (tmp_path / "001_schema.sql").write_text("CREATE SCHEMA IF NOT EXISTS t_gen;")
    (tmp_path / "070_partition_functions.sql").write_text((SQL_DIR / "070_partition_functions.sql").read_text())
    for url in fresh_database(admin_url):
        yield url, tmp_path


def declare(sql_dir: Path, columns: dict, key: tuple[str, ...], **declared) -> None:
    """Write the generated DDL of `t_gen.scores` as declared into `sql_dir`."""
    (sql_dir / "generated" / f"{SCORES}.sql").write_text(
        create_table(SCORES, columns, key, source="a test", **declared))


def scores(url: str) -> list[tuple]:
    with connect(url) as conn:
        return conn.execute(f"SELECT * FROM {SCORES} ORDER BY player").fetchall()


def test_a_declared_table_that_exists_is_brought_to_its_declaration_keeping_its_rows(admin_url, scores_sql):
    url, sql_dir = scores_sql
    declare(sql_dir, {"player": TEXT, "score": BIGINT.required, "note": TEXT, "old": TEXT}, ("player",),
            indexes=("score DESC",), checks=("score >= 0",))
    assert apply_migrations(url, sql_dir) == ["001_schema.sql", "070_partition_functions.sql",
                                              "generated/t_gen.scores.sql"]
    with connect(url) as conn:
        conn.execute(f"INSERT INTO {SCORES} VALUES ('ann', 3, 'kept', NULL), ('bob', 5, NULL, NULL)")

    declare(sql_dir, {"player": TEXT, "score": BIGINT, "note": TEXT, "season": TEXT.defaulting("'s1'"),
                      "rank": INTEGER}, ("season", "player"), indexes=("player", "rank"),
            checks=("score BETWEEN 0 AND 99",), comment="Scores, by season.")
    assert apply_migrations(url, sql_dir) == ["generated/t_gen.scores.sql"]

    assert scores(url) == [("ann", 3, "kept", "s1", None), ("bob", 5, None, "s1", None)]
    for new in fresh_database(admin_url):
        apply_migrations(new, sql_dir)
        assert differences(catalog(url, ("t_gen",)), catalog(new, ("t_gen",))) == {}
    assert apply_migrations(url, sql_dir) == []


def test_a_table_declared_partitioned_since_is_converted_keeping_its_rows(scores_sql):
    url, sql_dir = scores_sql
    columns = {"date": DATE, "player": TEXT, "score": BIGINT}
    declare(sql_dir, columns, ("date", "player"))
    apply_migrations(url, sql_dir)
    with connect(url) as conn:
        conn.execute(f"INSERT INTO {SCORES} VALUES ('2026-11-01', 'ann', 3), ('2026-11-02', 'ann', 4)")

    declare(sql_dir, columns, ("date", "player"), partition_column="date")
    assert apply_migrations(url, sql_dir) == ["generated/t_gen.scores.sql"]

    with connect(url) as conn:
        partitions = conn.execute("SELECT inhrelid::regclass::text FROM pg_inherits "
                                  "WHERE inhparent = %s::regclass ORDER BY 1", (SCORES,)).fetchall()
        rows = conn.execute(f"SELECT date::text, player, score FROM {SCORES} ORDER BY date").fetchall()
    assert partitions == [("t_gen_partitions.scores_p20261101",), ("t_gen_partitions.scores_p20261102",)]
    assert rows == [("2026-11-01", "ann", 3), ("2026-11-02", "ann", 4)]


def test_a_key_declared_bytewise_since_is_converted_in_place_keeping_its_rows(admin_url, scores_sql):
    """A text column whose collation alone changed (the L2M account ids, now `COLLATE "C"`) is converted where the
    table stands, partitions and key included, as a new database creates it."""
    url, sql_dir = scores_sql
    declare(sql_dir, {"date": DATE, "player": TEXT, "score": BIGINT}, ("date", "player"), partition_column="date")
    apply_migrations(url, sql_dir)
    with connect(url) as conn:
        for day in ("2026-11-01", "2026-11-02"):
            partition = conn.execute("SELECT public.gamestats_partition_name('scores', %s)", (day,)).fetchone()[0]
            conn.execute(sql.SQL("CREATE TABLE {} PARTITION OF t_gen.scores FOR VALUES IN ({})").format(
                sql.Identifier("t_gen_partitions", partition), sql.Literal(day)))
        conn.execute(f"INSERT INTO {SCORES} VALUES ('2026-11-01', 'Ann', 3), ('2026-11-01', 'bob', 4), "
                     "('2026-11-02', 'ann', 5)")

    declare(sql_dir, {"date": DATE, "player": TEXT_BYTES, "score": BIGINT}, ("date", "player"),
            partition_column="date")
    assert apply_migrations(url, sql_dir) == ["generated/t_gen.scores.sql"]

    with connect(url) as conn:
        rows = conn.execute(f"SELECT date::text, player, score FROM {SCORES} ORDER BY date, player").fetchall()
    assert rows == [("2026-11-01", "Ann", 3), ("2026-11-01", "bob", 4), ("2026-11-02", "ann", 5)]
    for new in fresh_database(admin_url):
        apply_migrations(new, sql_dir)
        assert differences(catalog(url, ("t_gen",)), catalog(new, ("t_gen",))) == {}
    assert apply_migrations(url, sql_dir) == []


@pytest.mark.parametrize("columns, key, refusal", [
    ({"player": TEXT, "score": TEXT, "note": TEXT}, ("player",), "column score is bigint, declared text"),
    ({"player": TEXT, "score": BIGINT}, ("player",), "column note is no longer declared and holds values in 1 rows"),
    ({"player": TEXT, "score": BIGINT, "note": TEXT, "level": BIGINT.required}, ("player",),
     r"new columns \['level'\] are NOT NULL without a default"),
    ({"player": TEXT, "score": BIGINT, "note": TEXT}, ("score",), "PostgreSQL refuses .* ADD PRIMARY KEY"),
], ids=["a type changed", "a column holding values dropped", "a required column without a default",
        "a key the rows share"])
def test_what_would_lose_or_reinterpret_rows_is_refused_and_changes_nothing(scores_sql, columns, key, refusal):
    url, sql_dir = scores_sql
    declare(sql_dir, {"player": TEXT, "score": BIGINT, "note": TEXT}, ("player",))
    apply_migrations(url, sql_dir)
    with connect(url) as conn:
        conn.execute(f"INSERT INTO {SCORES} VALUES ('ann', 3, 'kept'), ('bob', 3, NULL)")
    before = catalog(url, ("t_gen",))

    declare(sql_dir, columns, key)
    for _ in range(2):
        with pytest.raises(Unreconcilable, match=refusal):
            apply_migrations(url, sql_dir)

    assert catalog(url, ("t_gen",)) == before
    assert scores(url) == [("ann", 3, "kept"), ("bob", 3, None)]


def test_a_retired_column_is_dropped_with_its_values_and_every_other_value_kept(scores_sql):
    """A column derived from the table's own rows that the declaration retires goes, values and all; one that is
    merely no longer declared is refused (above)."""
    url, sql_dir = scores_sql
    declare(sql_dir, {"player": TEXT, "score": BIGINT, "note": TEXT}, ("player",))
    apply_migrations(url, sql_dir)
    with connect(url) as conn:
        conn.execute(f"INSERT INTO {SCORES} VALUES ('ann', 3, 'kept'), ('bob', 5, NULL)")

    declare(sql_dir, {"player": TEXT, "score": BIGINT}, ("player",), retired=("note",))
    assert apply_migrations(url, sql_dir) == ["generated/t_gen.scores.sql"]

    assert scores(url) == [("ann", 3), ("bob", 5)]
    assert apply_migrations(url, sql_dir) == []


def test_regenerating_writes_what_changed_and_removes_what_is_no_longer_declared(tmp_path: Path):
    (tmp_path / "pubg.dropped_table.sql").write_text("CREATE TABLE pubg.dropped_table (x int);\n")
    (tmp_path / f"{SPECS[0].table}.sql").write_text("-- edited by hand\n")

    changed = ddl.write(SPECS, tmp_path)

    assert set(changed) == {f"{spec.table}.sql" for spec in SPECS} | {"pubg.dropped_table.sql"}
    assert not (tmp_path / "pubg.dropped_table.sql").exists()
    assert ddl.stale_files(SPECS, tmp_path) == [] and ddl.write(SPECS, tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(path.name for path in ddl.GENERATED_DIR.iterdir())
