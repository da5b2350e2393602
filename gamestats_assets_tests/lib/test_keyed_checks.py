"""A check of a table computed by key judges the keys written since it last passed on the day: every key of a day
it never passed on, then only those whose tokens changed, and the same again after a day it failed on."""

import datetime as dt

import dagster as dg
import polars as pl

from gamestats_assets.lib.authoring.keyed_checks import of_unjudged, record_passed, unjudged_keys
from gamestats_assets.lib.refresh.generations import Generations, write_generations

KEY, CHECK = dg.AssetKey(["rocket", "cons", "player_stats"]), "stats_reference_published_matches"
DAY, OTHER = dt.date(2026, 3, 2), dt.date(2026, 3, 3)


def test_a_check_judges_the_keys_written_since_it_last_passed(tmp_path):
    assert unjudged_keys(tmp_path, KEY, CHECK, DAY) is None, "a table without tokens is judged whole"
    write_generations(tmp_path, KEY, DAY, Generations.of({"a": "1", "b": "1"}))
    assert unjudged_keys(tmp_path, KEY, CHECK, DAY) is None, "a day never passed on is judged whole"
    record_passed(tmp_path, KEY, CHECK, [DAY])
    assert unjudged_keys(tmp_path, KEY, CHECK, DAY) == []
    write_generations(tmp_path, KEY, DAY, Generations.of({"a": "1", "b": "2", "c": "2"}))
    assert unjudged_keys(tmp_path, KEY, CHECK, DAY) == ["b", "c"]
    assert unjudged_keys(tmp_path, KEY, CHECK, DAY) == ["b", "c"], "a day the check failed on is judged again"
    record_passed(tmp_path, KEY, CHECK, [DAY])
    assert unjudged_keys(tmp_path, KEY, CHECK, DAY) == []


def test_the_rows_judged_are_those_of_the_unjudged_keys_of_each_day():
    rows = pl.LazyFrame({"date": [DAY, DAY, DAY, OTHER, OTHER], "match_id": ["a", "b", "c", "a", "d"]})
    judged = of_unjudged(rows, "match_id", {DAY: ["b", "c"], OTHER: None}).collect()
    assert judged.rows() == [(DAY, "b"), (DAY, "c"), (OTHER, "a"), (OTHER, "d")]
    assert of_unjudged(rows, "match_id", {DAY: []}).collect().height == 0
