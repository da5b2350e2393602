"""The rules the pubg checks apply, as pure functions returning the numbers that show whether they hold."""

from __future__ import annotations

from typing import Any

import polars as pl

from gamestats_assets.sources.pubg.match import is_ai_bot
from gamestats_assets.sources.pubg.reference import DEFAULT_MAP_SIZE_M, MAP_SIZE_M
from gamestats_assets.sources.pubg.weapons import weapon_category

DAMAGE_TOLERANCE_HP = 1.0
DAMAGE_TOLERANCE_SHARE = 0.01
MIN_AGREEING_SHARE = 0.9
"""The tolerance of `telemetry_agreement`. A player agrees when their telemetry kills of players of other
teams equal the match object's `kills` exactly and their telemetry damage to players of other teams is
within max(1 HP, 1 %) of `damageDealt` (the API rounds; it counts damage to knocked players as the
telemetry does). A match's telemetry agrees when at least 90 % of its active players (kills or damage in
either source) agree: `damageDealt` subtracts the damage a player did to themself and may count damage to
teammates, which enemy damage does not, so a few players can differ in a good match, while the telemetry of
another match, or a truncated one, leaves most of them disagreeing."""
TOLERANCE_TEXT = (f"kills exact; damage within max({DAMAGE_TOLERANCE_HP:g} HP, {DAMAGE_TOLERANCE_SHARE:.0%}); "
                  f"at least {MIN_AGREEING_SHARE:.0%} of a match's active players agreeing")


def player_agreement(advanced: pl.DataFrame, participants: pl.DataFrame,
                     telemetry_matches: pl.DataFrame) -> pl.DataFrame:
    """Each participant of a match with telemetry (match_id, account_id) with both sources' kills and damage,
    `active` (kills or damage in either) and whether their kills and their damage agree."""
    with_telemetry = telemetry_matches.select("match_id").unique()
    tolerance = pl.max_horizontal(pl.lit(DAMAGE_TOLERANCE_HP), pl.col("damage_dealt").abs() * DAMAGE_TOLERANCE_SHARE)
    return (
        participants.join(with_telemetry, on="match_id")
        .join(advanced.select("match_id", "account_id", "telemetry_kills",
                              pl.col("damage_dealt").alias("telemetry_damage")),
              on=["match_id", "account_id"], how="left")
        .select("match_id", "account_id", pl.col("kills").fill_null(0), pl.col("telemetry_kills").fill_null(0),
                pl.col("damage_dealt").fill_null(0.0), pl.col("telemetry_damage").fill_null(0.0))
        .with_columns(
            ((pl.col("kills") > 0) | (pl.col("telemetry_kills") > 0) | (pl.col("damage_dealt") > 0)
             | (pl.col("telemetry_damage") > 0)).alias("active"),
            (pl.col("kills") == pl.col("telemetry_kills")).alias("kills_agree"),
            ((pl.col("damage_dealt") - pl.col("telemetry_damage")).abs() <= tolerance).alias("damage_agrees"),
        )
    )


def telemetry_agreement(advanced: pl.DataFrame, participants: pl.DataFrame,
                        telemetry_matches: pl.DataFrame) -> dict[str, Any]:
    """Per player, telemetry kills and damage against the match object's (`player_agreement`); per match,
    the share of active players who agree. `disagreeing_matches` lists the matches below
    `MIN_AGREEING_SHARE`, whose telemetry-derived rows would be wrong."""
    players = player_agreement(advanced, participants, telemetry_matches)
    per_match = (
        players.filter(pl.col("active"))
        .group_by("match_id").agg((pl.col("kills_agree") & pl.col("damage_agrees")).mean().alias("agreeing_share"))
        .sort("agreeing_share", "match_id")
    )
    disagreeing = per_match.filter(pl.col("agreeing_share") < MIN_AGREEING_SHARE)["match_id"].to_list()
    lowest = per_match["agreeing_share"].min()
    return {"players": players.height, "active_players": int(players["active"].sum()),
            "kill_mismatches": players.filter(~pl.col("kills_agree")).height,
            "damage_mismatches": players.filter(~pl.col("damage_agrees")).height,
            "matches_checked": per_match.height, "lowest_agreeing_share": 1.0 if lowest is None else float(lowest),
            "disagreeing_matches": ", ".join(disagreeing), "matches_disagreeing": len(disagreeing),
            "tolerance": TOLERANCE_TEXT,
            "largest_damage_gap": float((players["damage_dealt"] - players["telemetry_damage"]).abs().max() or 0.0)}


def distribution_totals(distribution: pl.DataFrame, advanced: pl.DataFrame) -> dict[str, Any]:
    """Players whose weapon-distribution kills, knocks or damage do not sum to their advanced-stats totals
    (AI bots, which the distribution leaves out, are not compared)."""
    advanced = advanced.filter(~is_ai_bot(pl.col("account_id")))
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
    """Rows whose placement is missing or differs from their roster's `rank`, and teams with two placements."""
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


NESTED_TOLERANCE_M = 1.0
"""How far (metres) a safe zone may reach past the one before it and still count as inside it (rounding)."""


def points_off_the_map(points: pl.DataFrame, matches: pl.DataFrame, pairs: tuple[tuple[str, str], ...]) -> dict[str, int]:
    """How many of the (x, y) metre columns `pairs` of `points` lie off their match's map: below 0 or past its
    edge (`reference.map_size_m` of the map `matches` names). A pair whose x or y is null (a death without a
    killer) is no point."""
    sizes = matches.select("match_id", pl.col("map_name").replace_strict(
        MAP_SIZE_M, default=DEFAULT_MAP_SIZE_M, return_dtype=pl.Float64).alias("_size"))
    sized = points.join(sizes, on="match_id", how="left")
    size = pl.col("_size").fill_null(float(DEFAULT_MAP_SIZE_M))
    drawn = [pl.col(x).is_not_null() & pl.col(y).is_not_null() for x, y in pairs]
    off = [on & ~(pl.col(x).is_between(0, size) & pl.col(y).is_between(0, size)) for on, (x, y) in zip(drawn, pairs)]
    counts = sized.select(pl.sum_horizontal([d.sum() for d in drawn]).alias("points"),
                          pl.sum_horizontal([o.sum() for o in off]).alias("points_off_map")).row(0, named=True)
    return {name: int(value) for name, value in counts.items()}


def circles_not_nested(circles: pl.DataFrame) -> dict[str, int]:
    """How many safe zones of `circles` are not inside the zone of the phase before them (the game draws
    each next circle inside the last): centre distance plus radius beyond the previous radius by more than
    `NESTED_TOLERANCE_M`."""
    previous = circles.sort("match_id", "phase").with_columns(
        pl.col("x_m", "y_m", "radius_m").shift(1).over("match_id").name.prefix("previous_"))
    reach = ((pl.col("x_m") - pl.col("previous_x_m")).pow(2) + (pl.col("y_m") - pl.col("previous_y_m")).pow(2)).sqrt() \
        + pl.col("radius_m")
    outside = previous.filter(pl.col("previous_radius_m").is_not_null()
                              & (reach > pl.col("previous_radius_m") + NESTED_TOLERANCE_M))
    return {"circles": circles.height, "circles_outside_previous": outside.height}
