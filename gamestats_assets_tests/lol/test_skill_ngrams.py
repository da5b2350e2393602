"""n-grams of the skill levelling sequence (`lol.skill_ngrams`) on planted games: every n-gram's players, wins and
DPM recounted in plain Python from the players' skill sequences, its comparison with the champion's other players
recomputed from the definitions, and the planted damage of a skill order found in its n-grams."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

import polars as pl
import pytest

from gamestats_assets.defs.lol.tables import STATISTICS, computed
from gamestats_assets.defs.lol.transforms.skill_ngrams import LEVELS, N
from gamestats_assets.generator.emitters import lol


@pytest.fixture(scope="module")
def grams(planted) -> pl.DataFrame:
    return computed(planted.std, [t for t in STATISTICS if t.name == "skill_ngrams"])["skill_ngrams"]


def test_each_ngram_recounted_from_the_skill_sequences(planted, grams):
    sequences = {(r["match_id"], r["participant_id"]): r["skill_sequence"]
                 for r in planted.std["skill_orders"].iter_rows(named=True)}
    players: dict[tuple, list[dict]] = defaultdict(list)
    for p in planted.std["participant_games"].filter("counted").iter_rows(named=True):
        sequence = sequences.get((p["match_id"], p["participant_id"]))
        if p["win"] is not None and sequence and len(sequence) >= LEVELS:
            early = sequence[:LEVELS]
            players[(p["queue"], p["patch"], p["champion_id"])].append(
                {**p, "grams": {early[i:i + N] for i in range(LEVELS - N + 1)}})
    checked = 0
    for row in grams.iter_rows(named=True):
        mine = players[(row["queue"], row["patch"], row["champion_id"])]
        having = [p for p in mine if row["ngram"] in p["grams"]]
        others = [p for p in mine if row["ngram"] not in p["grams"]]
        assert (row["games"], row["wins"], row["champion_games"], row["other_games"]) == (
            len(having), sum(p["win"] for p in having), len(mine), len(others))
        assert row["dpm_mean"] == pytest.approx(statistics.fmean(round(p["dpm"], 6) for p in having), rel=1e-9)
        if row["p_value"] is None:
            assert min(len(having), len(others)) < 30
            continue
        a, b = sum(p["win"] for p in having) / len(having), sum(p["win"] for p in others) / len(others)
        assert row["win_rate_difference"] == pytest.approx(a - b)
        difference = statistics.fmean(p["dpm"] for p in having) - statistics.fmean(p["dpm"] for p in others)
        se = math.sqrt(statistics.variance([p["dpm"] for p in having]) / len(having)
                       + statistics.variance([p["dpm"] for p in others]) / len(others))
        assert row["dpm_difference"] == pytest.approx(difference, abs=1e-4)
        assert row["dpm_p_value"] == pytest.approx(math.erfc(abs(difference / se) / math.sqrt(2)), abs=1e-6)
        checked += 1
    assert checked > 100
    assert (grams["q_value"].drop_nulls() >= grams["p_value"].drop_nulls()).all()


def test_the_planted_damage_of_a_skill_order_shows_in_its_ngrams(grams):
    """The emitter raises the damage of its most played champions' first max order (`skill_max_order` truths): nearly
    every such champion has an n-gram found with more damage (q under 0.05, interval above 0), the others none."""
    planted = {row["subject"] for row in lol.truth() if row["pattern_type"] == "skill_max_order"}
    tested = grams.filter(pl.col("dpm_p_value").is_not_null())
    found = set(tested.filter((pl.col("dpm_q_value") < 0.05) & (pl.col("dpm_difference_ci_low") > 0))["champion_name"])
    assert len(found & planted) >= 0.8 * len(set(tested["champion_name"]) & planted) > 10
    assert len(found - planted) <= 0.1 * len(set(tested["champion_name"]) - planted)
