import json
from dataclasses import replace
from datetime import timedelta

import polars as pl

from gamestats_assets.defs.demo_data.transforms import measures
from gamestats_assets.generator.api import build_users, generate_day, write_days
from gamestats_assets.sources.taxonomy.rules import RuleSet, Segment

from .conftest import ANCHOR, SEED
from .events import events_frame


def test_every_line_is_valid_thinkingdata(rpg_days, rpg_rules):
    for day, lines in rpg_days.items():
        records = events_frame(lines, rpg_rules)
        assert records.height == len(lines) and set(records["#type"]) == {"track", "user_set"}
        assert set(records["#time"].dt.date()) == {day}


def test_lines_are_in_time_order_within_a_day(rpg_days):
    for day, lines in rpg_days.items():
        times = [json.loads(line)["#time"] for line in lines[:2000]]
        assert times == sorted(times) and times[0].startswith(day.isoformat())


def test_same_seed_and_date_give_identical_bytes_and_a_day_alone_equals_the_run(rpg_rules, rpg_users, rpg_days):
    day = ANCHOR + timedelta(days=4)
    alone = generate_day(rpg_rules, rpg_users, day, SEED, ANCHOR)
    assert alone == rpg_days[day]
    assert generate_day(rpg_rules, rpg_users, day, SEED, ANCHOR) == alone
    assert generate_day(rpg_rules, rpg_users, day, SEED + 1, ANCHOR) != alone


def test_sequences_lifecycle_and_constraints_hold(rpg_rules, rpg_users, rpg_events):
    assert measures.sequence_violations(rpg_events, rpg_rules) == 0
    assert measures.lifecycle_violations(rpg_events, rpg_users, rpg_rules) == 0
    assert measures.constraint_violations(rpg_events, rpg_rules) == 0


def test_tutorial_steps_come_in_order(rpg_events):
    tutorial = rpg_events.filter(pl.col("#event_name").str.starts_with("tutorial")).sort("#account_id", "#time")
    steps = tutorial.group_by("#account_id", maintain_order=True).agg(pl.col("tutorial_step"))
    for sequence in steps["tutorial_step"].to_list():
        assert sequence == list(range(1, len(sequence) + 1))


def test_carrier_matches_country(rpg_rules, rpg_events):
    mapping = next(d for d in rpg_rules.dependencies if d.target == "carrier").mapping
    pairs = rpg_events.select("#country_code", "#carrier").unique().drop_nulls().rows()
    assert pairs and all(carrier in mapping[country] for country, carrier in pairs)
    profiles = rpg_events.filter(pl.col("carrier").is_not_null()).select("country", "carrier").unique().rows()
    assert profiles and all(carrier in mapping[country] for country, carrier in profiles)


def test_purchases_follow_views_and_raise_total_spent(rpg_events):
    tracks = rpg_events.filter(pl.col("#type") == "track")
    assert tracks.filter(pl.col("#event_name") == "iap_purchase").height > 0
    updates = rpg_events.filter((pl.col("#type") == "user_set") & pl.col("total_spent").is_not_null())
    by_user = updates.sort("#time").group_by("#account_id").agg(pl.col("total_spent"))
    assert all(values == sorted(values) for values in by_user["total_spent"].to_list())


def test_level_never_drops_across_days(rpg_events):
    levels = rpg_events.filter((pl.col("#type") == "user_set") & pl.col("level").is_not_null())
    by_user = levels.sort("#time").group_by("#account_id").agg(pl.col("level"), pl.col("xp"))
    for level, xp in zip(by_user["level"].to_list(), by_user["xp"].to_list()):
        assert level == sorted(level) and xp == sorted(xp)


def test_measures_detect_planted_violations(rpg_rules, rpg_users, rpg_events):
    tracks = rpg_events.filter(pl.col("#type") == "track")
    veteran = rpg_users.filter(pl.col("segment") == "ACTIVE")["account_id"][0]
    planted = tracks.head(1).with_columns(
        pl.lit(veteran).alias("#account_id"), pl.lit("tutorial_step2").alias("#event_name"),
        pl.lit("KR").alias("#country_code"), pl.lit("Verizon").alias("#carrier"), pl.lit(999).alias("level"),
    )
    broken = pl.concat([rpg_events, planted], how="diagonal_relaxed")
    assert measures.sequence_violations(broken, rpg_rules) == 1
    assert measures.lifecycle_violations(broken, rpg_users, rpg_rules) == 1
    assert measures.constraint_violations(broken, rpg_rules) >= 2


def test_realized_segment_mix_and_retention_match_targets(rpg_rules, rpg_config, rpg_users, rpg_events):
    mix = measures.segment_mix(rpg_users, rpg_rules, rpg_config)
    assert mix["difference"].max() < 0.001
    new = measures.retention(rpg_events, rpg_users).filter(pl.col("segment") == "NEW").row(0, named=True)
    assert new["cohort_d1"] >= 150 and abs(new["d1"] - rpg_rules.retention_d1) < 0.08
    assert new["cohort_d7"] >= 30 and abs(new["d7"] - rpg_rules.retention_d7) < 0.12
    rates = dict(measures.conversion(rpg_events, rpg_users, rpg_rules).select("segment", "conversion").rows())
    assert rates["POWER"] > rates["NEW"]


def test_write_days_writes_one_file_per_day(tmp_path, rpg_rules, rpg_users):
    written = write_days(rpg_rules, rpg_users.head(200), ANCHOR, 2, SEED, ANCHOR, tmp_path)
    assert [path.name for path, _, _ in written] == ["20240101.jsonl", "20240102.jsonl"]
    assert all(path.read_text().count("\n") == lines for path, lines, _ in written)


def test_only_payers_buy_and_the_realized_payer_share_matches_the_segment_target(rpg_rules, rpg_users, rpg_events):
    """Of the users active in the nine days, the share who bought is the segment's payer share.

    ACTIVE and POWER payers buy almost every few days, so nearly every active payer buys within nine days and
    the realized share estimates the payer share: it must lie within three binomial standard errors
    (sqrt(p(1-p)/n) for n active users, about ±0.035 for ACTIVE and ±0.13 for POWER at 1 500 users).
    Payers of the other segments spend less and may not buy within the window, so there the share can only
    fall short of the target, never exceed it by more than three standard errors.
    """
    shares = measures.payer_share(rpg_events, rpg_users, rpg_rules)
    assert shares["unflagged_payers"].sum() == 0
    for row in shares.iter_rows(named=True):
        tolerance = 3 * (row["target"] * (1 - row["target"]) / row["active_users"]) ** 0.5
        assert row["realized"] <= row["target"] + tolerance, row
        if row["segment"] in ("ACTIVE", "POWER"):
            assert row["realized"] >= row["target"] - tolerance, row
    active_and_power = shares.filter(pl.col("segment").is_in(["ACTIVE", "POWER"]))
    assert active_and_power["realized"].max() < 0.5


def test_payer_share_is_configurable_per_segment_and_defaults_to_everyone_in_older_rule_sets(rpg_rules, rpg_config):
    segments = {segment: replace(profile, payer_share=0.0) for segment, profile in rpg_rules.segments.items()}
    segments[Segment.POWER] = replace(segments[Segment.POWER], payer_share=1.0)
    rules = replace(rpg_rules, segments=segments)
    users = build_users(rules, rpg_config)
    shares = dict(users.group_by("segment").agg(pl.col("payer").mean()).rows())
    assert shares.pop("POWER") == 1.0 and set(shares.values()) == {0.0}
    assert RuleSet.from_dict(rules.to_dict()).segments[Segment.POWER].payer_share == 1.0
    assert users.filter(~pl.col("payer"))["total_spent"].max() == rules.values["total_spent"].low
    older = rules.to_dict()
    del older["purchase_events"]
    for profile in older["segments"].values():
        del profile["payer_share"]
    restored = RuleSet.from_dict(older)
    assert restored.purchase_events == () and {p.payer_share for p in restored.segments.values()} == {1.0}
