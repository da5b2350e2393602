"""The rules the pubg checks apply, as pure functions returning the numbers that show whether they hold."""

from __future__ import annotations

from typing import Any

import polars as pl

from gamestats_assets.sources.pubg.weapons import weapon_category

DAMAGE_TOLERANCE_HP = 1.0
DAMAGE_TOLERANCE_SHARE = 0.01
"""Telemetry damage agrees with the match object's ``damageDealt`` within 1 HP or 1 %, whichever is larger
(the API rounds, and counts damage to knocked players as the telemetry does). Kills must agree exactly."""


def telemetry_agreement(advanced: pl.DataFrame, participants: pl.DataFrame, telemetry_matches: pl.DataFrame) -> dict[str, Any]:
    """Players (of matches with telemetry) whose telemetry kills differ from the match object's ``kills``,
    or whose telemetry damage to other teams differs from ``damageDealt`` beyond the tolerance."""
    with_telemetry = telemetry_matches.select("match_id").unique()
    joined = (participants.join(with_telemetry, on="match_id")
              .join(advanced.select("match_id", "account_id", "telemetry_kills",
                                    pl.col("damage_dealt").alias("telemetry_damage")),
                    on=["match_id", "account_id"], how="left")
              .with_columns(pl.col("telemetry_kills").fill_null(0), pl.col("telemetry_damage").fill_null(0.0)))
    tolerance = pl.max_horizontal(pl.lit(DAMAGE_TOLERANCE_HP), pl.col("damage_dealt").abs() * DAMAGE_TOLERANCE_SHARE)
    kill_gaps = joined.filter(pl.col("kills") != pl.col("telemetry_kills"))
    damage_gaps = joined.filter((pl.col("damage_dealt") - pl.col("telemetry_damage")).abs() > tolerance)
    return {"players": joined.height, "kill_mismatches": kill_gaps.height, "damage_mismatches": damage_gaps.height,
            "damage_tolerance": f"max({DAMAGE_TOLERANCE_HP} HP, {DAMAGE_TOLERANCE_SHARE:.0%})",
            "largest_damage_gap": float((joined["damage_dealt"] - joined["telemetry_damage"]).abs().max() or 0.0)}


def distribution_totals(distribution: pl.DataFrame, advanced: pl.DataFrame) -> dict[str, Any]:
    """Players whose weapon-distribution kills, knocks or damage do not sum to their advanced-stats totals."""
    sums = distribution.group_by("match_id", "account_id").agg(
        pl.col("kills").sum().alias("by_weapon_kills"), pl.col("knocks").sum().alias("by_weapon_knocks"),
        pl.col("damage_dealt").sum().alias("by_weapon_damage"))
    joined = advanced.join(sums, on=["match_id", "account_id"], how="full", coalesce=True).with_columns(
        pl.col("by_weapon_kills", "by_weapon_knocks", "telemetry_kills", "knocks").fill_null(0),
        pl.col("by_weapon_damage", "damage_dealt").fill_null(0.0))
    off = joined.filter((pl.col("by_weapon_kills") != pl.col("telemetry_kills"))
                        | (pl.col("by_weapon_knocks") != pl.col("knocks"))
                        | ((pl.col("by_weapon_damage") - pl.col("damage_dealt")).abs() > 1e-6))
    return {"players": joined.height, "players_off": off.height}


def placements_match_rosters(summaries: pl.DataFrame, rosters: pl.DataFrame) -> dict[str, Any]:
    """Rows whose placement is missing or differs from their roster's ``rank``, and teams with two placements."""
    joined = summaries.join(rosters.select("match_id", "roster_id", "rank"), on=["match_id", "roster_id"], how="left")
    wrong = joined.filter(pl.col("placement").is_null() | (pl.col("placement") != pl.col("rank"))).height
    split = summaries.group_by("match_id", "roster_id").agg(pl.col("placement").n_unique().alias("n")).filter(
        pl.col("n") > 1).height
    return {"rows": summaries.height, "wrong_placements": wrong, "teams_with_two_placements": split}


def killsteal_truth(found: pl.DataFrame, planted: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of the flagged killsteals against the planted ones (killer, victim, match)."""
    truth = {(k["match_id"], k["killer_account_id"], k["victim_account_id"]) for k in planted}
    flagged = set(zip(found["match_id"], found["killer_account_id"], found["victim_account_id"]))
    hits = len(truth & flagged)
    return {"planted": len(truth), "flagged": len(flagged), "found": hits,
            "precision": hits / len(flagged) if flagged else 1.0, "recall": hits / len(truth) if truth else 1.0}


def causers_in_other(weapon_kills: pl.DataFrame) -> list[str]:
    """The damage causer ids of the kills that fall to category Other."""
    return sorted({c for c in weapon_kills["damage_causer_name"].drop_nulls().unique() if weapon_category(c) == "Other"})
