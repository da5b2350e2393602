"""Compound queries: from Python over the fact table, and from the command line over the DuckDB warehouse."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from gamestats_assets.defs.lol.query import UnknownName, compound_query, lol_cli
from gamestats_assets.defs.lol.transforms import truth
from gamestats_assets.defs.lol.transforms.std import participant_facts
from gamestats_assets.generator.emitters import lol
from gamestats_assets.lib.settings import Settings
from gamestats_assets.lib.warehouse import write_table


@pytest.fixture(scope="module")
def facts(planted) -> pl.DataFrame:
    return participant_facts(planted.std["participant_games"], planted.std["item_purchases"])


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
