"""Compound queries: from Python over the fact table, and from the command line over the DuckDB warehouse."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from gamestats_assets.defs.lol.query import UnknownName, compound_query, lol_cli
from gamestats_assets.defs.lol.transforms import truth
from gamestats_assets.generator.emitters import lol
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.warehouse import write_table
from gamestats_assets_tests.lol import real_games


@pytest.fixture(scope="module")
def facts(planted) -> pl.DataFrame:
    return planted.std["participant_facts"]


def test_games_meeting_every_condition_against_the_champions_other_games(facts):
    result = compound_query(facts, "ezreal", ["Trinity Force", "muramana"], "dpm")
    ezreal = facts.filter(champion_name="Ezreal")
    ids = ezreal["completed_items"].list.eval(pl.element().struct.field("item_id"))
    both = ezreal.filter(ids.list.contains(3078) & ids.list.contains(3042))
    assert result.champion == "Ezreal" and result.completed == ("Trinity Force", "Muramana")
    assert result.meeting.n == both.height > 0 and result.others.n == ezreal.height - both.height
    assert result.meeting.mean == pytest.approx(both["dpm"].mean())
    assert result.meeting.ci_low < result.meeting.mean < result.meeting.ci_high
    assert 0 <= result.p_value <= 1
    wins = compound_query(facts, "Ezreal", ["Trinity Force"], "win")
    assert wins.meeting.n + wins.others.n == ezreal.height
    assert wins.meeting.ci_low <= truth.win_rate_with(lol.REAL_WIN_EFFECT) <= wins.meeting.ci_high, \
        "the planted +5 points are inside the interval; a hundred games cannot tell them from none"


def test_unknown_names_get_close_matches(facts):
    with pytest.raises(UnknownName, match="did you mean 'Ezreal'"):
        compound_query(facts, "Ezrael", [], "dpm")
    with pytest.raises(UnknownName, match="Trinity Force"):
        compound_query(facts, "Ezreal", ["Trinity Forse"], "dpm")
    with pytest.raises(UnknownName, match="unknown metric"):
        compound_query(facts, "Ezreal", [], "damage_per_year")


def test_command_reads_the_warehouse(facts, data_dir):
    with duckdb.connect(str(Settings.from_env().warehouse_path)) as conn:
        write_table(conn, "lol", "participant_facts", facts)
    runner = CliRunner()
    result = runner.invoke(lol_cli, ["query", "--champion", "Ezreal", "--completed", "Trinity Force,Muramana",
                                     "--metric", "dpm"])
    assert result.exit_code == 0, result.output
    assert "Ezreal with Trinity Force and Muramana completed: dpm" in result.output and "p = " in result.output
    wrong = runner.invoke(lol_cli, ["query", "--champion", "Ezreal", "--completed", "Muramanna"])
    assert wrong.exit_code != 0 and "did you mean 'Muramana'" in wrong.output


@pytest.fixture
def real_warehouse(data_dir) -> CliRunner:
    """The warehouse's fact table of real games: the ranked game (Illaoi top against Gnar, 33 minutes), a copy
    of 22 minutes the other team won, a copy in normal draft, and the tournament game."""
    ranked = real_games.load()
    std = real_games.tables_of([
        ranked, real_games.variant(ranked, 1002, change=real_games.changes(real_games.lasting(22),
                                                                           real_games.winner_swapped)),
        real_games.variant(ranked, 1006, queue=400), real_games.load(real_games.TOURNAMENT)])
    with duckdb.connect(str(Settings.from_env().warehouse_path)) as conn:
        write_table(conn, "lol", "participant_facts", std["participant_facts"])
    return CliRunner()


def ask(runner: CliRunner, *options: str) -> list[str]:
    result = runner.invoke(lol_cli, ["query", *options])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


@pytest.mark.parametrize(("options", "meeting", "others"), [
    (["--against", "gnar", "--metric", "gold_diff_10"], "n=2", "n=0"),
    (["--max-order", "q>e>w", "--first-item", "Goredrinker"], "n=2", "n=0"),
    (["--first-objective", "dragon"], "n=0, no games", "n=2"),
    (["--minutes", "20-25", "--metric", "win"], "win 1.000", "win 0.000"),
    (["--against", "Gnar", "--minutes", "30-", "--completed", "Sterak's Gage"], "n=1", "n=1"),
])
def test_command_asks_about_any_condition_the_lake_holds(real_warehouse, options, meeting, others):
    """Illaoi's ranked games: her lane opponent, max order, first item, the objectives her team took first and
    the game length, each as the command line asks."""
    scope, with_conditions, other_games, _ = ask(real_warehouse, "--champion", "Illaoi", "--queue", "ranked_solo",
                                                 "--patch", "11.16", *options)
    assert scope.startswith("queue ranked_solo, patch 11.16")
    assert meeting in with_conditions and others in other_games, (with_conditions, other_games)


def test_conditions_read_as_asked_and_wrong_ones_are_named(real_warehouse):
    _, line, _, _ = ask(real_warehouse, "--champion", "Gnar", "--against", "illaoi", "--first-objective", "Dragon",
                        "--max-order", "QWE", "--minutes", "30-35", "--metric", "cs_diff_15")
    assert line.startswith("Gnar with max order Q>W>E, team took the first dragon, against Illaoi in lane, "
                           "games of 30–35 minutes: cs_diff_15")
    assert "n=2" in line, "the ranked game and its normal-draft copy; the 22-minute copy is shorter"
    for options, message in ((["--max-order", "QQE"], "give Q, W and E once each"),
                             (["--first-objective", "dragn"], "did you mean 'dragon'"),
                             (["--minutes", "long"], "FROM-TO"), (["--against", "Gnarr"], "did you mean 'Gnar'"),
                             (["--first-item", "Long Sword"], "unknown core item")):
        wrong = real_warehouse.invoke(lol_cli, ["query", "--champion", "Illaoi", *options])
        assert wrong.exit_code != 0 and message in wrong.output, wrong.output


def test_a_champion_without_games_is_said_to_have_none_with_those_that_have(real_warehouse):
    """A champion the lake holds no game of (a newcomer's first query on a small demo) is named as such, with the
    champions it holds games of."""
    *_, hint = ask(real_warehouse, "--champion", "Ezreal")
    assert hint.startswith("Ezreal has no game in lol.participant_facts; the champions with the most: ")
    assert "Illaoi (3)" in hint and "Gnar (3)" in hint, "the ranked game and its two copies"


def test_a_fact_table_of_an_older_version_asks_to_materialize_again(facts, data_dir):
    with duckdb.connect(str(Settings.from_env().warehouse_path)) as conn:
        write_table(conn, "lol", "participant_facts", facts.drop("opponent_champion_id"))
    result = CliRunner().invoke(lol_cli, ["query", "--champion", "Ezreal", "--against", "Ahri"])
    assert result.exit_code != 0 and "materialize lol again" in result.output, result.output
