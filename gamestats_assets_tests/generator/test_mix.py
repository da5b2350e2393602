"""The mix check finds a planted rule set whose realized event mix misses its targets, and the rules are
regenerated (at most a given number of checks) until it holds; a population off its segment shares is found too."""

import json
from dataclasses import replace
from datetime import timedelta

import polars as pl
import pytest
from click.testing import CliRunner

from gamestats_assets.cli import main
from gamestats_assets.generator.context import DayContext
from gamestats_assets.generator.logs import day_lines
from gamestats_assets.generator.mix import check_mix, fit_rules, segment_misses
from gamestats_assets.generator.analyzer import analyze
from gamestats_assets.generator.taxonomy import read_taxonomy
from gamestats_assets.sources.taxonomy.rules import ProductInfo, Segment

from .conftest import ANCHOR, SEED, TAXONOMIES

RARE = "chat_message"


def _typical_but_rare(rules, event, share):
    """The rules where ACTIVE users rarely do `event` (`share` of their free events) yet the typical sequence opens
    every session with it."""
    active = rules.segments[Segment.ACTIVE]
    probabilities = {name: p * (1 - share) / (1 - active.event_probabilities[event])
                     for name, p in active.event_probabilities.items()}
    probabilities[event] = share
    segments = {**rules.segments,
                Segment.ACTIVE: replace(active, event_probabilities=probabilities, typical_sequence=(event,))}
    return replace(rules, segments=segments)


@pytest.fixture(scope="module")
def planted(rpg_rules):
    return _typical_but_rare(rpg_rules, RARE, 0.005)


def test_the_offline_rules_hold_their_mix(rpg_rules, rpg_config):
    fitted, _, reports = fit_rules(rpg_rules, rpg_config, ANCHOR, 2)
    assert fitted == rpg_rules and len(reports) == 1 and reports[0].ok and reports[0].checked >= 15


def test_a_planted_miss_is_found_and_the_rules_regenerated(planted, rpg_config):
    fitted, users, reports = fit_rules(planted, rpg_config, ANCHOR, 2, tries=3)
    first = {(miss.segment, miss.event): miss for miss in reports[0].misses}
    assert set(first) == {("ACTIVE", RARE)}
    assert first[("ACTIVE", RARE)].realized > 4 * first[("ACTIVE", RARE)].target
    assert [report.ok for report in reports] == [False, True]
    assert RARE not in fitted.segments[Segment.ACTIVE].typical_sequence and fitted != planted
    context = DayContext(fitted, users, SEED, ANCHOR)
    again = check_mix(planted, users, rpg_config, {ANCHOR + timedelta(days=k): day_lines(context, ANCHOR + timedelta(
        days=k)) for k in range(2)})
    assert again.ok


def test_the_tries_are_bounded(planted, rpg_config):
    fitted, _, reports = fit_rules(planted, rpg_config, ANCHOR, 2, tries=1)
    assert fitted == planted and len(reports) == 1 and not reports[0].ok


def test_a_population_off_its_shares_is_found(rpg_rules, rpg_users, rpg_config):
    assert segment_misses(rpg_rules, rpg_users, rpg_config)[1] == []
    active = rpg_users.with_row_index("row").filter(pl.col("segment") == "ACTIVE")["row"].head(150)
    moved = rpg_users.with_row_index("row").with_columns(
        pl.when(pl.col("row").is_in(active.implode())).then(pl.lit("POWER")).otherwise(pl.col("segment"))
        .alias("segment")).drop("row")
    checked, misses = segment_misses(rpg_rules, moved, rpg_config)
    assert checked == 6 and {miss.segment for miss in misses} == {"ACTIVE", "POWER"}


def test_the_command_reports_its_checks(tmp_path):
    common = ["generate", "--taxonomy", str(TAXONOMIES / "saas_events.csv"), "--users", "200", "--days", "2",
              "--start", "2024-03-01", "--industry", "saas", "--platform", "web"]
    checked = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "checked")])
    assert checked.exit_code == 0 and "mix check 1:" in checked.output and "on target" in checked.output
    unchecked = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "unchecked"), "--fit-tries", "0"])
    assert unchecked.exit_code == 0 and "mix check" not in unchecked.output
    assert [p.read_bytes() for p in sorted((tmp_path / "checked").glob("*.jsonl"))] == [
        p.read_bytes() for p in sorted((tmp_path / "unchecked").glob("*.jsonl"))]


def test_a_model_s_contradictory_rules_are_regenerated_or_refused(model_server, tmp_path, monkeypatch):
    base_url, model = model_server
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    taxonomy = TAXONOMIES / "saas_events.csv"
    offline = analyze(read_taxonomy(taxonomy), ProductInfo("saas", "web"))
    contradictory = _typical_but_rare(offline, "comment_post", 0.03)
    common = ["generate", "--taxonomy", str(taxonomy), "--users", "400", "--days", "2", "--start", "2024-03-01",
              "--industry", "saas", "--platform", "web", "--ai", "openai", "--ai-base-url", base_url]
    model.replies = [json.dumps(contradictory.to_dict())] * 2
    refused = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "refused"), "--fit-tries", "1"])
    assert refused.exit_code == 1, refused.output
    assert "off: comment_post in ACTIVE" in refused.output and "still miss their mix after 1 checks" in refused.output
    assert not list((tmp_path / "refused").glob("*.jsonl"))
    fitted = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "fitted")])
    assert fitted.exit_code == 0, fitted.output
    assert "mix check 2:" in fitted.output and "on target" in fitted.output
    assert len(list((tmp_path / "fitted").glob("*.jsonl"))) == 2
