"""Per-match extractors over one parse of the telemetry (the etl frames of `sources.pubg.telemetry`).

Every function takes the frames of one or more matches and returns one table; none re-reads the telemetry.
Units: distances in metres (telemetry centimetres / 100), times in seconds since `LogMatchStart`.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from gamestats_assets.sources.pubg.weapons import with_weapon_category

CM_PER_M = 100.0
KILLSTEAL_WINDOW_S = 30.0
"""How far back from a kill without a knock the damage the victim took is compared (seconds)."""
CIRCLE_SAMPLE_TOLERANCE_S = 15.0
"""A player's position counts for a zone sample when it was logged at most this long before it."""
THROWABLE_CATEGORY = "Throwable"


def _enemy() -> pl.Expr:
    """Damage between players of different teams (no self, team or environment damage)."""
    return (pl.col("attacker_account_id").is_not_null() & pl.col("victim_account_id").is_not_null()
            & (pl.col("attacker_team_id") != pl.col("victim_team_id")))


def _enemy_kill() -> pl.Expr:
    """A kill credited to a player of a team other than the victim's: what the match object counts as
    `kills` ("enemy players killed"; team kills and suicides are not)."""
    return pl.col("killer_account_id").is_not_null() & (pl.col("killer_team_id") != pl.col("victim_team_id"))


def landings(landing_events: pl.DataFrame) -> pl.DataFrame:
    """Where and when each player landed: one row per `LogParachuteLanding` (match_id, account_id)."""
    return landing_events.select(
        "match_id", pl.col("player_account_id").alias("account_id"), pl.col("player_name").alias("player_name"),
        pl.col("player_team_id").alias("team_id"), pl.col("elapsed_s").alias("landed_at_s"),
        (pl.col("player_x") / CM_PER_M).alias("x_m"), (pl.col("player_y") / CM_PER_M).alias("y_m"),
    ).unique(["match_id", "account_id"], keep="first", maintain_order=True)


def kill_positions(kills: pl.DataFrame) -> pl.DataFrame:
    """Every kill with where killer and victim stood: one row per kill event (match_id, event_index).
    `killer_*` is null for deaths without a killer (zone, falling)."""
    return kills.select(
        "match_id", "event_index", "elapsed_s", "victim_account_id", "victim_team_id", "killer_account_id",
        "killer_team_id", (pl.col("victim_x") / CM_PER_M).alias("victim_x_m"),
        (pl.col("victim_y") / CM_PER_M).alias("victim_y_m"), (pl.col("killer_x") / CM_PER_M).alias("killer_x_m"),
        (pl.col("killer_y") / CM_PER_M).alias("killer_y_m"), (pl.col("distance") / CM_PER_M).alias("distance_m"),
    )


def weapon_kill_events(kills: pl.DataFrame) -> pl.DataFrame:
    """Kills by a player with the weapon (damage causer) that made them, its display name and category:
    one row per kill event that has a killer (match_id, event_index)."""
    credited = kills.filter(pl.col("killer_account_id").is_not_null() & ~pl.col("is_suicide"))
    return with_weapon_category(credited).select(
        "match_id", "event_index", "elapsed_s", "killer_account_id", "killer_team_id", "victim_account_id",
        "damage_causer_name", "weapon_name", "weapon_category", "damage_reason",
        (pl.col("damage_reason") == "HeadShot").alias("is_headshot"), (pl.col("distance") / CM_PER_M).alias("distance_m"),
    )


def damage_events(damage: pl.DataFrame, tracked: Collection[str]) -> pl.DataFrame:
    """Every damage event that a tracked player dealt or took: one row per (match_id, event_index,
    account_id) where `account_id` is the tracked player and `role` is `dealt` or `taken`."""
    tracked = list(tracked)
    columns = ["match_id", "event_index", "elapsed_s", "attacker_account_id", "victim_account_id",
               "damage_causer_name", "weapon_category", "damage_type_category", "damage_reason", "damage"]
    tagged = with_weapon_category(damage.filter(
        pl.col("attacker_account_id").is_in(tracked) | pl.col("victim_account_id").is_in(tracked)))
    dealt = tagged.filter(pl.col("attacker_account_id").is_in(tracked)).select(
        *columns, pl.col("attacker_account_id").alias("account_id"), pl.lit("dealt").alias("role"))
    taken = tagged.filter(pl.col("victim_account_id").is_in(tracked)).select(
        *columns, pl.col("victim_account_id").alias("account_id"), pl.lit("taken").alias("role"))
    return pl.concat([dealt, taken]).sort("match_id", "event_index", "role")


def item_usage(item_uses: pl.DataFrame, throwables: pl.DataFrame) -> pl.DataFrame:
    """Heals, boosts, throwables and smokes each player used: one row per (match_id, account_id).

    - `heals_used`: `LogItemUse` of an item of sub-category `Heal` (bandage, first aid, med kit);
    - `boosts_used`: `LogItemUse` of sub-category `Boost` (energy drink, painkiller, adrenaline);
    - `throwables_used`: `LogPlayerUseThrowable` of any throwable, smokes included;
    - `smokes_thrown`: those of `Item_Weapon_SmokeBomb_C`.
    """
    uses = item_uses.group_by("match_id", pl.col("player_account_id").alias("account_id")).agg(
        (pl.col("item_sub_category") == "Heal").sum().cast(pl.Int64).alias("heals_used"),
        (pl.col("item_sub_category") == "Boost").sum().cast(pl.Int64).alias("boosts_used"),
    )
    thrown = throwables.group_by("match_id", pl.col("player_account_id").alias("account_id")).agg(
        pl.len().cast(pl.Int64).alias("throwables_used"),
        (pl.col("item_id") == "Item_Weapon_SmokeBomb_C").sum().cast(pl.Int64).alias("smokes_thrown"),
    )
    return (uses.join(thrown, on=["match_id", "account_id"], how="full", coalesce=True)
            .with_columns(pl.col("heals_used", "boosts_used", "throwables_used", "smokes_thrown").fill_null(0))
            .filter(pl.col("account_id").is_not_null()))


def knockers(kills: pl.DataFrame, knocks: pl.DataFrame) -> pl.DataFrame:
    """Each kill with the player who knocked the victim first: `dBNOMaker` of `LogPlayerKillV2`, else the
    attacker of the `LogPlayerMakeGroggy` with the kill's `dBNOId` and victim (`LogPlayerKill`)."""
    knock_makers = knocks.select(
        "match_id", "dbno_id", "victim_account_id",
        pl.col("attacker_account_id").alias("knock_attacker_account_id"),
        pl.col("attacker_team_id").alias("knock_attacker_team_id"),
    ).unique(["match_id", "dbno_id", "victim_account_id"], keep="first")
    return kills.join(knock_makers, on=["match_id", "dbno_id", "victim_account_id"], how="left").with_columns(
        pl.coalesce("dbno_maker_account_id", "knock_attacker_account_id").alias("knocker_account_id"),
    )


def killsteals(kills: pl.DataFrame, knocks: pl.DataFrame, damage: pl.DataFrame,
               participants: pl.DataFrame) -> pl.DataFrame:
    """Kills that were stolen: one row per stolen kill (match_id, event_index) with the killer, the victim
    and the player it was stolen from.

    A kill by a player (not of the victim's team) is a killsteal when
    - the victim had been knocked by a player of a team other than the killer's (the killer finished
      someone else's knock), or
    - the victim was not knocked and, in the `KILLSTEAL_WINDOW_S` seconds up to the kill, one player of a
      third team dealt the victim more damage than the killer did.
    """
    team_of = participants.select("match_id", "account_id", "team_id").unique(["match_id", "account_id"])
    credited = knockers(kills, knocks).filter(
        pl.col("killer_account_id").is_not_null() & (pl.col("killer_team_id") != pl.col("victim_team_id"))
    )
    knocked = (
        credited.filter(pl.col("knocker_account_id").is_not_null())
        .join(team_of.rename({"account_id": "knocker_account_id", "team_id": "knocker_team_id"}),
              on=["match_id", "knocker_account_id"], how="left")
        .with_columns(pl.coalesce("knock_attacker_team_id", "knocker_team_id").alias("knocker_team_id"))
        .filter(pl.col("knocker_team_id") != pl.col("killer_team_id"))
        .select("match_id", "event_index", "elapsed_s", "killer_account_id", "victim_account_id",
                pl.col("knocker_account_id").alias("stolen_from_account_id"), pl.lit("knock").alias("rule"))
    )
    unknocked = credited.filter(pl.col("knocker_account_id").is_null()).select(
        "match_id", "event_index", pl.col("elapsed_s").alias("kill_s"), "killer_account_id", "killer_team_id",
        "victim_account_id")
    recent = (
        unknocked.join(damage.filter(_enemy()).select(
            "match_id", "victim_account_id", "attacker_account_id", "attacker_team_id", "elapsed_s", "damage"),
            on=["match_id", "victim_account_id"])
        .filter(pl.col("elapsed_s").is_between(pl.col("kill_s") - KILLSTEAL_WINDOW_S, pl.col("kill_s")))
        .group_by("match_id", "event_index", "attacker_account_id", "attacker_team_id")
        .agg(pl.col("damage").sum(), pl.col("killer_account_id").first(), pl.col("killer_team_id").first(),
             pl.col("victim_account_id").first(), pl.col("kill_s").first())
    )
    by_killer = recent.filter(pl.col("attacker_account_id") == pl.col("killer_account_id")).select(
        "match_id", "event_index", pl.col("damage").alias("killer_damage"))
    top_other = (
        recent.filter(pl.col("attacker_team_id") != pl.col("killer_team_id"))
        .sort("damage", descending=True).unique(["match_id", "event_index"], keep="first")
        .join(by_killer, on=["match_id", "event_index"], how="left")
        .filter(pl.col("damage") > pl.col("killer_damage").fill_null(0.0))
        .select("match_id", "event_index", pl.col("kill_s").alias("elapsed_s"), "killer_account_id",
                "victim_account_id", pl.col("attacker_account_id").alias("stolen_from_account_id"),
                pl.lit("damage").alias("rule"))
    )
    return pl.concat([knocked, top_other]).sort("match_id", "event_index")


def advanced_stats(kills: pl.DataFrame, knocks: pl.DataFrame, damage: pl.DataFrame,
                   participants: pl.DataFrame) -> pl.DataFrame:
    """Per player and match (match_id, account_id), from telemetry:

    - `telemetry_kills`: kills of players of other teams credited to the player (`killer`), as the
      match object counts `kills`; `knocks`: players they knocked;
    - `killsteals`: their kills that `killsteals` flags;
    - `damage_dealt`: damage to players of other teams; `throwable_damage`: the part of it by causers
      of category Throwable (grenades, molotovs, C4, ...); `damage_received`: all damage taken, from
      players, the zone or the environment.
    Every participant of the match has a row (zeros when the telemetry has nothing of theirs), and so does
    every player the telemetry credits with a kill, a knock or damage, even one the match object lacks.
    """
    actors = [
        kills.select("match_id", pl.col("killer_account_id").alias("account_id")),
        knocks.select("match_id", pl.col("attacker_account_id").alias("account_id")),
        damage.select("match_id", pl.col("attacker_account_id").alias("account_id")),
    ]
    players = (pl.concat([participants.select("match_id", "account_id"), *actors])
               .filter(pl.col("account_id").is_not_null()).unique(maintain_order=True))
    dealt = with_weapon_category(damage.filter(_enemy())).group_by(
        "match_id", pl.col("attacker_account_id").alias("account_id")).agg(
        pl.col("damage").sum().alias("damage_dealt"),
        pl.col("damage").filter(pl.col("weapon_category") == THROWABLE_CATEGORY).sum().alias("throwable_damage"))
    received = damage.group_by("match_id", pl.col("victim_account_id").alias("account_id")).agg(
        pl.col("damage").sum().alias("damage_received"))
    kill_counts = kills.filter(_enemy_kill()).group_by(
        "match_id", pl.col("killer_account_id").alias("account_id")).agg(pl.len().cast(pl.Int64).alias("telemetry_kills"))
    knock_counts = knocks.group_by("match_id", pl.col("attacker_account_id").alias("account_id")).agg(
        pl.len().cast(pl.Int64).alias("knocks"))
    steals = killsteals(kills, knocks, damage, participants).group_by(
        "match_id", pl.col("killer_account_id").alias("account_id")).agg(pl.len().cast(pl.Int64).alias("killsteals"))
    frame = players
    for part in (kill_counts, knock_counts, steals, dealt, received):
        frame = frame.join(part, on=["match_id", "account_id"], how="left")
    return frame.with_columns(
        pl.col("telemetry_kills", "knocks", "killsteals").fill_null(0),
        pl.col("damage_dealt", "throwable_damage", "damage_received").fill_null(0.0),
    )


def _zone_columns(name: str, source: str, distance: str) -> list[pl.Expr]:
    """The centre and radius in metres of the zone in the game state's `<source>_*` columns, as `<name>_*_m`, and
    `inside_<name>`: the player's distance to its centre (`distance`) is at most its radius."""
    return [(pl.col(f"{source}_x") / CM_PER_M).alias(f"{name}_x_m"), (pl.col(f"{source}_y") / CM_PER_M).alias(f"{name}_y_m"),
            (pl.col(f"{source}_radius") / CM_PER_M).alias(f"{name}_radius_m"),
            (pl.col(distance) <= pl.col(f"{source}_radius")).alias(f"inside_{name}")]


def circle_samples(positions: pl.DataFrame, game_states: pl.DataFrame) -> pl.DataFrame:
    """Every living player at every `LogGameStatePeriodic` sample with the zones in force then: one row per
    (match_id, account_id, sample_s).

    The player's position is their latest `LogPlayerPosition` at most `CIRCLE_SAMPLE_TOLERANCE_S` before
    the sample. The zones are the sample's own game state: the safe zone, the white circle the blue zone
    closes on (`poisonGasWarningPosition` and `poisonGasWarningRadius`), and the blue zone, outside which
    the zone hurts (`safetyZonePosition` and `safetyZoneRadius`), each with its centre and radius in metres
    and whether the player is inside it (on its edge counts as inside). `distance_from_center_m` and
    `distance_from_edge_m`: to the safe zone's centre and edge, positive outside it and negative inside;
    `outside_zone`: outside the blue zone; `interval_s`: time to the next sample, which
    `time_outside_zone_s` sums. Samples before the first safe zone (radius 0) are left out.
    """
    states = (
        game_states.filter(pl.col("next_zone_radius") > 0)
        .select("match_id", pl.col("elapsed_s").alias("sample_s"), "safe_zone_x", "safe_zone_y", "safe_zone_radius",
                "next_zone_x", "next_zone_y", "next_zone_radius")
        .sort("match_id", "sample_s")
        .with_columns((pl.col("sample_s").shift(-1).over("match_id") - pl.col("sample_s")).fill_null(0.0).alias("interval_s"))
    )
    seen = positions.select(
        "match_id", pl.col("player_account_id").alias("account_id"), pl.col("elapsed_s").alias("position_s"),
        "player_x", "player_y").sort("position_s")
    players = seen.select("match_id", "account_id").unique()
    grid = states.join(players, on="match_id").sort("sample_s")
    joined = grid.join_asof(seen, left_on="sample_s", right_on="position_s", by=["match_id", "account_id"],
                            strategy="backward", tolerance=CIRCLE_SAMPLE_TOLERANCE_S, check_sortedness=False)
    return (
        joined.filter(pl.col("position_s").is_not_null())
        .with_columns(
            ((pl.col("player_x") - pl.col("next_zone_x")).pow(2) + (pl.col("player_y") - pl.col("next_zone_y")).pow(2))
            .sqrt().alias("_to_next"),
            ((pl.col("player_x") - pl.col("safe_zone_x")).pow(2) + (pl.col("player_y") - pl.col("safe_zone_y")).pow(2))
            .sqrt().alias("_to_safe"),
        )
        .select(
            "match_id", "account_id", "sample_s", (pl.col("player_x") / CM_PER_M).alias("x_m"),
            (pl.col("player_y") / CM_PER_M).alias("y_m"), (pl.col("_to_next") / CM_PER_M).alias("distance_from_center_m"),
            ((pl.col("_to_next") - pl.col("next_zone_radius")) / CM_PER_M).alias("distance_from_edge_m"),
            (pl.col("_to_safe") > pl.col("safe_zone_radius")).alias("outside_zone"), "interval_s",
            *_zone_columns("safe_zone", "next_zone", "_to_next"), *_zone_columns("blue_zone", "safe_zone", "_to_safe"),
        )
        .sort("match_id", "account_id", "sample_s")
    )


def circles(game_states: pl.DataFrame) -> pl.DataFrame:
    """The safe zones of each match, phase by phase: one row per (match_id, phase) for every white circle
    (`poisonGasWarningPosition` and radius) the `LogGameStatePeriodic` samples showed, numbered from 1 in the
    order they appeared, with `appeared_s` (the first sample showing it), its centre and radius in metres,
    and `blue_radius_m`, the blue circle's radius at that moment. Samples before the first circle (radius 0)
    are left out; a circle is the same while its centre and radius are, to the centimetre."""
    shown = (
        game_states.filter(pl.col("next_zone_radius") > 0)
        .with_columns(pl.col("next_zone_x", "next_zone_y", "next_zone_radius").round(0))
        .sort("match_id", "elapsed_s")
    )
    first = shown.unique(["match_id", "next_zone_x", "next_zone_y", "next_zone_radius"], keep="first",
                         maintain_order=True)
    return first.select(
        "match_id", (pl.int_range(pl.len()).over("match_id") + 1).cast(pl.Int64).alias("phase"),
        pl.col("elapsed_s").alias("appeared_s"), (pl.col("next_zone_x") / CM_PER_M).alias("x_m"),
        (pl.col("next_zone_y") / CM_PER_M).alias("y_m"), (pl.col("next_zone_radius") / CM_PER_M).alias("radius_m"),
        (pl.col("safe_zone_radius") / CM_PER_M).alias("blue_radius_m"),
    )


def tracked_circle_positions(positions: pl.DataFrame, game_states: pl.DataFrame, tracked: Collection[str]) -> pl.DataFrame:
    """The `circle_samples` of tracked players, the only ones the lake keeps: one row per (match_id, account_id,
    sample_s) for each account on the roster, with position, the safe and blue zones in force and whether the
    player is inside each, distance from the safe zone's centre and edge."""
    return circle_samples(positions.filter(pl.col("player_account_id").is_in(list(tracked))), game_states)


def player_circle_stats(positions: pl.DataFrame, game_states: pl.DataFrame) -> pl.DataFrame:
    """`circle_aggregates` of every player's `circle_samples`, which are computed for it and not kept: one row per
    (match_id, account_id)."""
    return circle_aggregates(circle_samples(positions, game_states))


def circle_aggregates(samples: pl.DataFrame) -> pl.DataFrame:
    """Per player and match (match_id, account_id): average, largest and smallest distance from the next
    zone's centre and edge over the samples of `circle_samples`, and `time_outside_zone_s`, the summed
    sample intervals spent outside the blue circle."""
    return samples.group_by("match_id", "account_id").agg(
        pl.len().cast(pl.Int64).alias("zone_samples"),
        pl.col("distance_from_center_m").mean().alias("avg_distance_from_center_m"),
        pl.col("distance_from_center_m").max().alias("max_distance_from_center_m"),
        pl.col("distance_from_center_m").min().alias("min_distance_from_center_m"),
        pl.col("distance_from_edge_m").mean().alias("avg_distance_from_edge_m"),
        pl.col("distance_from_edge_m").max().alias("max_distance_from_edge_m"),
        pl.col("distance_from_edge_m").min().alias("min_distance_from_edge_m"),
        pl.col("interval_s").filter(pl.col("outside_zone")).sum().alias("time_outside_zone_s"),
    ).sort("match_id", "account_id")
