"""Each player's career over every match in the lake (`player_advanced_career_stats`), as a fold of the match
summaries (`CAREER_FOLD`): exact integer sums per player, match type, name and match day kept from the summaries'
Delta log (`lib/refresh/fold.py`), so a new match costs its own rows, not every match's again.

Every career table is given per match type as a player picks it on a stats site (`MATCH_TYPES`): `ranked` (the API's
`matchType` `competitive`), `normal` (`official`) and `all` (every match, custom and event matches and those whose
type is not known included); each row names its slice in `match_type`. The states sum per the API's own `matchType`
and the finish sums the types of each slice (`match_type_slices`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from gamestats_assets.lib.core.stats import wilson_interval
from gamestats_assets.lib.refresh.fold import EXACT, Fold

SCALE = 10**6
"""The fixed point of the damage, distance and time sums: a match's value counts as the nearest millionth, summed
exactly (as `Decimal(38, 0)`)."""
ALL = "all"
MATCH_TYPES = {"competitive": "ranked", "official": "normal"}
"""The slices a player picks besides `all`, by the API's `matchType` of their matches."""
READS = {"account_id": pl.String, "player_name": pl.String, "created_at": pl.Datetime("us", "UTC"),
         "match_type": pl.String, "placement": pl.Int64, "kills": pl.Int64, "damage_dealt": pl.Float64,
         "has_telemetry": pl.Boolean, "killsteals": pl.Int64, "throwable_damage": pl.Float64,
         "damage_received": pl.Float64, "heals_used": pl.Int64, "boosts_used": pl.Int64, "throwables_used": pl.Int64,
         "smokes_thrown": pl.Int64, "avg_distance_from_center_m": pl.Float64, "avg_distance_from_edge_m": pl.Float64,
         "time_outside_zone_s": pl.Float64}
"""The columns of `match_summaries` the career is made of."""
COUNTS = ("matches", "matches_with_telemetry", "wins", "kills", "kills_with_telemetry", "killsteals", "heals_used",
          "boosts_used", "throwables_used", "smokes_thrown", "matches_with_zone_data")
DAMAGES = ("damage_dealt", "throwable_damage", "damage_received")
ZONE = {"avg_distance_from_center_m": "distance_from_center_sum", "avg_distance_from_edge_m": "distance_from_edge_sum",
        "avg_time_outside_zone_s": "time_outside_zone_sum"}
"""The zone averages of the career, by the state's sum of the matches' values."""
CAREER_SCHEMA = {"account_id": pl.String, "player_name": pl.String, "matches": pl.Int64,
                 "matches_with_telemetry": pl.Int64, "wins": pl.Int64, "avg_placement": pl.Float64,
                 "kills": pl.Int64, "kills_with_telemetry": pl.Int64, "damage_dealt": pl.Float64,
                 "killsteals": pl.Int64, "throwable_damage": pl.Float64, "damage_received": pl.Float64,
                 "heals_used": pl.Int64, "boosts_used": pl.Int64, "killsteal_rate": pl.Float64,
                 "killsteal_rate_ci_low": pl.Float64, "killsteal_rate_ci_high": pl.Float64, "match_type": pl.String,
                 "throwables_used": pl.Int64, "smokes_thrown": pl.Int64, "matches_with_zone_data": pl.Int64,
                 "avg_distance_from_center_m": pl.Float64, "avg_distance_from_edge_m": pl.Float64,
                 "avg_time_outside_zone_s": pl.Float64}


def match_type_slices(state: pl.DataFrame) -> pl.DataFrame:
    """The state's rows once for every slice of match types their matches are in (`match_type`: `all`, and `ranked`
    or `normal` for the API's `competitive` or `official`)."""
    return pl.concat([state.with_columns(pl.lit(ALL).alias("match_type")),
                      state.filter(pl.col("match_type").is_in(list(MATCH_TYPES))).with_columns(
                          pl.col("match_type").replace_strict(MATCH_TYPES))])


def scaled(column: str) -> pl.Expr:
    """`column` in millionths (`SCALE`), an exact integer (a value that is not finite adds nothing)."""
    return (pl.col(column) * SCALE).round().cast(pl.Int64, strict=False).cast(EXACT)


def unscaled(column: str) -> pl.Expr:
    """The sum of the state's `column` of millionths, back in units."""
    return pl.col(column).cast(pl.Int128).sum().cast(pl.Float64) / SCALE


def _with_telemetry(value: pl.Expr) -> pl.Expr:
    """`value` in a match whose whole telemetry was read, null (adding nothing) in any other."""
    return pl.when(pl.col("has_telemetry")).then(value)


ZONED = pl.col("has_telemetry") & pl.col("avg_distance_from_center_m").is_not_null()
"""A match whose whole telemetry was read with the player in at least one zone sample."""

TERMS = {
    "matches": pl.lit(1, pl.Int64),
    "matches_with_telemetry": pl.col("has_telemetry").cast(pl.Int64),
    "wins": (pl.col("placement") == 1).cast(pl.Int64),
    "placed": pl.col("placement").is_not_null().cast(pl.Int64),
    "placement_sum": pl.col("placement"),
    "kills": pl.col("kills"),
    "kills_with_telemetry": _with_telemetry(pl.col("kills")),
    "damage_dealt": scaled("damage_dealt"),
    "killsteals": _with_telemetry(pl.col("killsteals")),
    "throwable_damage": _with_telemetry(scaled("throwable_damage")),
    "damage_received": _with_telemetry(scaled("damage_received")),
    "heals_used": _with_telemetry(pl.col("heals_used")),
    "boosts_used": _with_telemetry(pl.col("boosts_used")),
    "throwables_used": _with_telemetry(pl.col("throwables_used")),
    "smokes_thrown": _with_telemetry(pl.col("smokes_thrown")),
    "matches_with_zone_data": ZONED.cast(pl.Int64),
    "distance_from_center_sum": pl.when(ZONED).then(scaled("avg_distance_from_center_m")),
    "distance_from_edge_sum": pl.when(ZONED).then(scaled("avg_distance_from_edge_m")),
    "time_outside_zone_sum": pl.when(ZONED).then(scaled("time_outside_zone_s")),
}
"""What each match summary adds to its player's sums: every count and sum of the career, `placed` and
`placement_sum` the average placement's parts, the zone sums those of the zone averages."""


def finished_career(state: pl.DataFrame) -> pl.DataFrame:
    """The career table from the fold's state (sums per player, match type, name and match day): each player's sums
    added up per slice of match types (`match_type_slices`), the average placement their placements' sum over their
    count, the zone averages the matches' values' sums over `matches_with_zone_data`, the damage back from millionths,
    the killsteal rate per kill with telemetry with its 95 % Wilson interval, and in every slice the name of the
    player's latest match day (of that day's names, the one of the most matches, then the last in order; a summary
    written before the summaries held `created_at` counts as older than any dated one)."""
    played = state.filter(pl.col("matches") > 0)
    names = (played.group_by("account_id", "day", "player_name").agg(pl.col("matches").sum())
             .sort("account_id", "day", "matches", "player_name", nulls_last=False)
             .group_by("account_id").agg(pl.col("player_name").last()))
    zone_matches = pl.col("matches_with_zone_data")
    sums = match_type_slices(played).group_by("account_id", "match_type").agg(
        *(pl.col(name).sum().cast(pl.Int64) for name in (*COUNTS, "placed", "placement_sum")),
        *(unscaled(name) for name in DAMAGES), *(unscaled(name).alias(average) for average, name in ZONE.items()))
    trials = pl.col("kills_with_telemetry").cast(pl.Float64)
    low, high = wilson_interval(pl.col("killsteals").cast(pl.Float64), trials)
    return (sums.join(names, on="account_id", how="left").with_columns(
        pl.when(pl.col("placed") > 0).then(pl.col("placement_sum") / pl.col("placed")).alias("avg_placement"),
        *(pl.when(zone_matches > 0).then(pl.col(average) / zone_matches).alias(average) for average in ZONE),
        pl.when(trials > 0).then(pl.col("killsteals") / trials).alias("killsteal_rate"),
        low.alias("killsteal_rate_ci_low"), high.alias("killsteal_rate_ci_high"))
        .select(list(CAREER_SCHEMA)).cast(CAREER_SCHEMA).sort("account_id", "match_type"))


def disagreeing(table: pl.DataFrame, state: pl.DataFrame, keys: Sequence[str], sums: Mapping[str, pl.Expr],
                counted: str = "matches") -> pl.DataFrame:
    """The rows (`keys`, `match_type` among them) where a career table and the fold's state it was finished from
    disagree: a row on one side only, or a column of `sums` (table column → its sum over the state's rows) other than
    the state's; the state's groups of no `counted` row left out."""
    expected = match_type_slices(state).group_by(list(keys)).agg(
        **{f"expected_{name}": total for name, total in sums.items()}).filter(pl.col(f"expected_{counted}") > 0)
    joined = table.select(*keys, *sums).join(expected, on=list(keys), how="full", coalesce=True, nulls_equal=True)
    return joined.filter(pl.any_horizontal(
        pl.col(counted).is_null(), pl.col(f"expected_{counted}").is_null(),
        *(pl.col(name).ne_missing(pl.col(f"expected_{name}")) for name in sums)))


def disagreeing_players(career: pl.DataFrame, state: pl.DataFrame) -> pl.DataFrame:
    """The players and match types where the career table and the fold's state disagree (`disagreeing`): their
    matches, kills, throwables used and damage."""
    return disagreeing(career, state, ("account_id", "match_type"), {
        "matches": pl.col("matches").sum().cast(pl.Int64), "kills": pl.col("kills").sum().cast(pl.Int64),
        "throwables_used": pl.col("throwables_used").sum().cast(pl.Int64), "damage_dealt": unscaled("damage_dealt")})


CAREER_FOLD = Fold(READS, ("account_id", "match_type", "player_name", "day"), TERMS, finished_career,
                   counted="matches", absent=frozenset({"created_at", "match_type"}),
                   derived={"day": pl.col("created_at").dt.date()})
"""The career as a fold of the match summaries: per player, match type, name and match day, exact integer sums."""


def career_stats(summaries: pl.DataFrame) -> pl.DataFrame:
    """Each player's career over every match in the lake, per match type: one row per (`account_id`, `match_type`),
    `match_type` `ranked`, `normal` or `all` (a player has a `ranked` or `normal` row only when they played such a
    match).

    Matches, wins (placement 1), kills and damage (match object), and over the matches with telemetry:
    killsteals, throwable damage, damage received, heals, boosts and throwables used (smokes among them), smokes
    thrown. `killsteal_rate` is killsteals per kill with its 95 % Wilson interval and sample size
    (`kills_with_telemetry`); `avg_placement` over the matches with a placement. The distance-from-zone averages are
    the mean over the matches with telemetry where the player was in a zone sample (`matches_with_zone_data`) of each
    match's average distance from the next zone's centre and edge and its time outside the zone (`match_summaries`):
    every match weighs the same, however long the player lived. `player_name` is the name of the player's latest
    match day in every row (`finished_career`). Damage, distances and times are summed to the millionth; a summary
    written before the summaries held `match_type` counts in `all` only. The same as the fold of the summaries
    (`CAREER_FOLD`), whatever order they come in."""
    return CAREER_FOLD(summaries=summaries)
