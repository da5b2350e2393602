"""Tournament results, standings and leaderboards under one points table.

Points table: the PUBG Esports standard scoring (PUBG Global Championship and PUBG Nations Cup since
2021): placement points 1st 10, 2nd 6, 3rd 5, 4th 4, 5th 3, 6th 2, 7th and 8th 1, 9th and below 0, plus
1 point per kill. Only scored tournament matches count (`transforms.tournament.match_outcomes`).
"""

from __future__ import annotations

import polars as pl

PLACEMENT_POINTS = {1: 10, 2: 6, 3: 5, 4: 4, 5: 3, 6: 2, 7: 1, 8: 1}
KILL_POINTS = 1
LAST_PLACEMENTS = 6
SCOPES = {
    "season": ("season_id",),
    "division": ("season_id", "division_id"),
    "group": ("season_id", "division_id", "group_id"),
    "round": ("season_id", "division_id", "group_id", "round_id"),
}
"""Leaderboard scopes and the columns that key each (`round`: that round's matches only; the others
accumulate every round)."""
ALL = "all"
"""The value of a scope column a scope does not split by (a season board's `division_id`, ...)."""


def placement_points(placement: pl.Expr) -> pl.Expr:
    """Points for a placement under `PLACEMENT_POINTS` (0 below 8th)."""
    return placement.replace_strict(PLACEMENT_POINTS, default=0, return_dtype=pl.Int64)


def team_match_results(outcomes: pl.DataFrame, matches: pl.DataFrame, participants: pl.DataFrame,
                       rosters: pl.DataFrame, tournament_players: pl.DataFrame) -> pl.DataFrame:
    """One row per scored tournament match and team (match_id, team_name): its slot, its number in the
    match (`team_id`), placement (its roster's rank), kills and knocks (sums of its players' in the match
    object), placement, kill and total points. Only the matches `transforms.tournament.match_outcomes`
    scores count: a public lobby, a remake candidate, a match a remake replaced or a match of no round
    never does.

    A roster belongs to the tournament team most of its players are on."""
    tournament = outcomes.filter(pl.col("scored") & pl.col("round_id").is_not_null())
    members = (
        participants.join(tournament.select("match_id"), on="match_id")
        .join(tournament_players.select("account_id", "team_name"), on="account_id", how="left")
    )
    team_of_roster = (members.filter(pl.col("team_name").is_not_null())
                      .group_by("match_id", "roster_id", "team_name").agg(pl.len().alias("_n"))
                      .sort("_n", "team_name", descending=[True, False]).unique(["match_id", "roster_id"], keep="first"))
    kills = members.group_by("match_id", "roster_id").agg(pl.col("kills").sum().cast(pl.Int64),
                                                          pl.col("dbnos").sum().cast(pl.Int64).alias("knocks"))
    return (
        team_of_roster.join(rosters.select("match_id", "roster_id", "team_id", pl.col("rank").alias("placement")),
                            on=["match_id", "roster_id"])
        .join(kills, on=["match_id", "roster_id"])
        .join(tournament.select("match_id", "season_id", "division_id", "group_id", "round_id", "slot_id"),
              on="match_id")
        .join(matches.select("match_id", "created_at"), on="match_id")
        .with_columns(placement_points(pl.col("placement")).alias("placement_points"),
                      (pl.col("kills") * KILL_POINTS).alias("kill_points"))
        .with_columns((pl.col("placement_points") + pl.col("kill_points")).alias("points"))
        .select("match_id", "created_at", "season_id", "division_id", "group_id", "round_id", "slot_id",
                "team_name", "team_id", "placement", "kills", "knocks", "placement_points", "kill_points", "points")
        .sort("match_id", "placement")
    )


COUNTED = ("placement_points", "kill_points", "knocks", "assists", "headshot_kills", "survival_s")
"""Totals a standing adds up when its results have them (a team's results carry no assists)."""


def _standings(results: pl.DataFrame, keys: tuple[str, ...], entity: tuple[str, ...]) -> pl.DataFrame:
    """Totals and rank of each `entity` within `keys` over `results` (rank by points, then wins, then
    kills, then average placement; equal on all four share a rank)."""
    ordered = results.sort("created_at")
    totals = ordered.group_by(*keys, *entity).agg(
        pl.col("match_id").n_unique().cast(pl.Int64).alias("matches"),
        pl.col("points").sum().cast(pl.Int64).alias("points"),
        pl.col("kills").sum().cast(pl.Int64).alias("kills"),
        (pl.col("placement") == 1).sum().cast(pl.Int64).alias("wins"),
        pl.col("placement").mean().alias("avg_placement"),
        pl.col("placement").tail(LAST_PLACEMENTS).cast(pl.String).str.join(",").alias("last_placements"),
        *(pl.col(c).sum().alias(c) for c in COUNTED if c in results.columns),
    )
    order = pl.struct(-pl.col("points"), -pl.col("wins"), -pl.col("kills"), pl.col("avg_placement"))
    return totals.with_columns(order.rank("min").over(list(keys)).cast(pl.Int64).alias("rank"))


def _before_latest(results: pl.DataFrame, keys: tuple[str, ...], step: str) -> pl.DataFrame:
    """`results` without the latest `step` (a round, a match) of each scope, by the step's first match (nothing
    left of a scope that is one `step`)."""
    if step in keys:
        return results.clear()
    start = results.group_by(*keys, step).agg(pl.col("created_at").min().alias("_start"))
    latest = start.sort("_start", step).group_by(list(keys)).agg(pl.col(step).last().alias("_latest"))
    return results.join(latest, on=list(keys)).filter(pl.col(step) != pl.col("_latest")).drop("_latest")


def leaderboard(results: pl.DataFrame, entity: tuple[str, ...]) -> pl.DataFrame:
    """The leaderboards of `entity` (a team, a player) for every scope of `SCOPES`: one row per (scope,
    scope key, entity) with matches, points, kills, wins, average placement, last six placements (oldest
    first), the totals of `COUNTED` its results hold, rank, and `rank_change` (positive = climbed) since
    `rank_change_since`: the previous round when the scope holds more than one round, else the previous
    match (a round scope's is always its previous match). It is null for an entity with no match before
    then. A scope column the scope does not split by holds `ALL`."""
    boards = []
    for scope, keys in SCOPES.items():
        now = _standings(results, keys, entity)
        rounds = results.select(*keys, pl.col("round_id").alias("_round")).group_by(*keys).agg(
            pl.col("_round").n_unique().alias("_rounds"))
        before = [_standings(_before_latest(results, keys, step), keys, entity).select(
            *keys, *entity, pl.col("rank").alias(f"_after_{step}")) for step in ("round_id", "match_id")]
        for earlier in before:
            now = now.join(earlier, on=[*keys, *entity], how="left", nulls_equal=True)
        by_round = pl.col("_rounds") > 1
        now = now.join(rounds, on=list(keys), nulls_equal=True).with_columns(
            pl.when(by_round).then(pl.col("_after_round_id")).otherwise(pl.col("_after_match_id"))
            .sub(pl.col("rank")).alias("rank_change"),
            pl.when(by_round).then(pl.lit("round")).otherwise(pl.lit("match")).alias("rank_change_since"),
        ).drop("_rounds", "_after_round_id", "_after_match_id")
        for column in ("season_id", "division_id", "group_id", "round_id"):
            if column not in keys:
                now = now.with_columns(pl.lit(ALL).alias(column))
        boards.append(now.with_columns(pl.lit(scope).alias("scope")))
    counted = [c for c in COUNTED if c in results.columns]
    return pl.concat(boards, how="diagonal").select(
        "scope", "season_id", "division_id", "group_id", "round_id", *entity, "rank", "rank_change",
        "rank_change_since", "points", "matches", "kills", "wins", "avg_placement", "last_placements", *counted,
    ).sort("scope", "season_id", "division_id", "group_id", "round_id", "rank", *entity, nulls_last=True)


def standings_history(results: pl.DataFrame) -> pl.DataFrame:
    """`tournament_team_standings_history`: each team's cumulative standing in its group after every
    round (season, division, group, round, team_name): points, kills, wins, rank and change since the round
    before."""
    keys = SCOPES["group"]
    round_start = results.group_by(*keys, "round_id").agg(pl.col("created_at").min().alias("round_started_at"))
    rows = []
    for round_row in round_start.iter_rows(named=True):
        upto = results.join(round_start.filter(pl.col("round_started_at") <= round_row["round_started_at"])
                            .select(*keys, "round_id"), on=[*keys, "round_id"])
        upto = upto.filter(*(pl.col(k) == round_row[k] for k in keys))
        rows.append(_standings(upto, keys, ("team_name",)).with_columns(
            pl.lit(round_row["round_id"], pl.String).alias("round_id"),
            pl.lit(round_row["round_started_at"]).alias("round_started_at")))
    if not rows:
        return pl.DataFrame(schema={"season_id": pl.String, "division_id": pl.String, "group_id": pl.String,
                                    "round_id": pl.String, "team_name": pl.String, "rank": pl.Int64,
                                    "rank_change": pl.Int64, "points": pl.Int64, "matches": pl.Int64,
                                    "kills": pl.Int64, "wins": pl.Int64, "avg_placement": pl.Float64})
    history = pl.concat(rows).sort("round_started_at")
    previous = pl.col("rank").shift(1).over(*keys, "team_name", order_by="round_started_at")
    return history.with_columns((previous - pl.col("rank")).alias("rank_change")).select(
        *keys, "round_id", "team_name", "rank", "rank_change", "points", "matches", "kills", "wins", "avg_placement",
    ).sort(*keys, "round_id", "rank", "team_name")


def player_match_results(team_results: pl.DataFrame, summaries: pl.DataFrame, participants: pl.DataFrame,
                         tournament_players: pl.DataFrame) -> pl.DataFrame:
    """One row per scored tournament match and tournament player (match_id, account_id): their team and its
    number in the match, their team's placement and placement points, their kills, kill points, knocks,
    assists, headshot kills, survival time (seconds), damage and killsteals; points = their kill points +
    their team's placement points."""
    stats = participants.select("match_id", "account_id", pl.col("dbnos").alias("knocks"), "assists",
                                "headshot_kills", pl.col("time_survived").alias("survival_s"))
    players = summaries.select("match_id", "account_id", "player_name", "kills", "damage_dealt", "killsteals").join(
        tournament_players.select("account_id", "team_name"), on="account_id").join(
        stats, on=["match_id", "account_id"], how="left")
    return players.join(team_results.drop("kills", "knocks", "kill_points", "points"),
                        on=["match_id", "team_name"]).select(
        "match_id", "created_at", "season_id", "division_id", "group_id", "round_id", "team_name", "team_id",
        "account_id", "player_name", "placement", "kills", "knocks", "assists", "headshot_kills", "survival_s",
        "damage_dealt", "killsteals", "placement_points", (pl.col("kills") * KILL_POINTS).alias("kill_points"),
        (pl.col("kills") * KILL_POINTS + pl.col("placement_points")).alias("points"),
    ).sort("match_id", "placement", "player_name")


def _scoped(frame: pl.DataFrame, keys: tuple[str, ...], scope: str) -> pl.DataFrame:
    """`frame` of one scope with `ALL` in the scope columns it does not split by, and its `scope`."""
    for column in ("season_id", "division_id", "group_id", "round_id"):
        if column not in keys:
            frame = frame.with_columns(pl.lit(ALL).alias(column))
    return frame.with_columns(pl.lit(scope).alias("scope"))


def _category_pairs(value: str, alias: str, digits: int | None = None) -> pl.Expr:
    """`category:value` pairs of the non-zero `value`s, largest first (`AR:5,SR:2`), null when there is none;
    values rounded to `digits`."""
    number = pl.col(value) if digits is None else pl.col(value).round(digits)
    nonzero = pl.col(value) > 0
    pairs = (pl.format("{}:{}", "weapon_category", number).filter(nonzero)
             .sort_by(pl.col(value).filter(nonzero), descending=True, maintain_order=True).str.join(","))
    return pl.when(nonzero.any()).then(pairs).alias(alias)


def player_weapon_mix(player_results: pl.DataFrame, distribution: pl.DataFrame) -> pl.DataFrame:
    """Each player's kills and damage by weapon category for every scope of `SCOPES`: one row per (scope, scope
    key, account_id) with `weapon_kills` as `category:kills` pairs, most kills first (`AR:5,SR:2`), and
    `weapon_damage` as `category:damage` pairs, most damage first (`AR:812.5,SR:240`)."""
    mixes = []
    for scope, keys in SCOPES.items():
        per_category = (
            player_results.select(*keys, "match_id", "account_id")
            .join(distribution.select("match_id", "account_id", "weapon_category", "kills", "damage_dealt"),
                  on=["match_id", "account_id"])
            .group_by(*keys, "account_id", "weapon_category").agg(pl.col("kills").sum(), pl.col("damage_dealt").sum())
            .filter((pl.col("kills") > 0) | (pl.col("damage_dealt") > 0))
            .sort("weapon_category")
        )
        mix = per_category.group_by(*keys, "account_id").agg(
            _category_pairs("kills", "weapon_kills"), _category_pairs("damage_dealt", "weapon_damage", 1))
        mixes.append(_scoped(mix, keys, scope))
    return pl.concat(mixes, how="diagonal").select(
        "scope", "season_id", "division_id", "group_id", "round_id", "account_id", "weapon_kills", "weapon_damage")


def player_damage(player_results: pl.DataFrame) -> pl.DataFrame:
    """Each player's damage and killsteals for every scope of `SCOPES`: one row per (scope, scope key,
    account_id) with `damage_dealt` (total), `avg_damage` (per match played) and `killsteals` (null when no
    match of the scope had its telemetry read)."""
    totals = []
    for scope, keys in SCOPES.items():
        total = player_results.group_by(*keys, "account_id").agg(
            pl.col("damage_dealt").sum().alias("damage_dealt"),
            (pl.col("damage_dealt").sum() / pl.col("match_id").n_unique()).alias("avg_damage"),
            pl.when(pl.col("killsteals").is_not_null().any()).then(pl.col("killsteals").sum())
            .cast(pl.Int64).alias("killsteals"))
        totals.append(_scoped(total, keys, scope))
    return pl.concat(totals, how="diagonal").select(
        "scope", "season_id", "division_id", "group_id", "round_id", "account_id", "damage_dealt", "avg_damage",
        "killsteals")


def player_leaderboards(player_results: pl.DataFrame, match_summaries: pl.DataFrame,
                        distribution: pl.DataFrame) -> pl.DataFrame:
    """Player leaderboards per season, division, group and round: one row per (scope, scope keys,
    account_id) with rank, rank change, points (kill points + team placement points) and their two parts,
    kills, knocks, assists, headshot kills, survival time (seconds, total), wins, average placement, last six
    placements, damage (total and per match), killsteals, and `weapon_kills` and `weapon_damage` (kills and
    damage by weapon category, over the matches whose whole telemetry was read)."""
    board = leaderboard(player_results, ("account_id", "player_name", "team_name"))
    whole = match_summaries.filter(pl.col("has_telemetry")).select("match_id").unique()
    mix = player_weapon_mix(player_results, distribution.join(whole, on="match_id", how="semi"))
    keys = ["scope", "season_id", "division_id", "group_id", "round_id", "account_id"]
    return (board.join(player_damage(player_results), on=keys, how="left", nulls_equal=True)
            .join(mix, on=keys, how="left", nulls_equal=True))
