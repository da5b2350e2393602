"""Knocks with how they ended, fights between teams, and weapon distribution: tables built from the
per-match etl frames (knocks, kills, revives, damage)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.pubg.transforms.extractors import CM_PER_M, _enemy, _enemy_kill
from gamestats_assets.sources.pubg.match import is_ai_bot
from gamestats_assets.sources.pubg.reference import dictionary
from gamestats_assets.sources.pubg.weapons import weapon_category, weapon_causer, with_weapon_category

FIGHT_GAP_S = 30.0
"""Two damage events between the same two teams belong to one fight when at most this far apart (seconds)."""
FIGHT_RADIUS_M = 300.0
"""... and when the second one's victim is at most this far from the first one's victim (metres)."""


def knock_outcomes(knocks: pl.DataFrame, kills: pl.DataFrame, revives: pl.DataFrame) -> pl.DataFrame:
    """Every knock with how it ended: one row per knock (match_id, event_index of the knock).

    `outcome` is `finished` (the victim died with this knock's `dBNOId`), `revived` (a teammate
    revived them) or `unresolved` (neither in the telemetry: the match or the excerpt ended). For a finished
    knock: `finisher_account_id` (the killer credited), `finished_by_knocker` (the knocker themself),
    `finished_by_knocker_team`, and `time_to_finish_s` from knock to death; for a revive,
    `time_to_revive_s`.
    """
    deaths = kills.filter(pl.col("dbno_id") >= 0).select(
        "match_id", "dbno_id", "victim_account_id", pl.col("elapsed_s").alias("died_s"),
        pl.coalesce("finisher_account_id", "killer_account_id").alias("finisher_account_id"),
        pl.col("killer_team_id").alias("finisher_team_id"),
    ).unique(["match_id", "dbno_id", "victim_account_id"], keep="first")
    rescued = revives.select("match_id", "dbno_id", "victim_account_id", pl.col("elapsed_s").alias("revived_s"),
                             "reviver_account_id").unique(["match_id", "dbno_id", "victim_account_id"], keep="first")
    keys = ["match_id", "dbno_id", "victim_account_id"]
    return (
        knocks.select("match_id", "event_index", "dbno_id", pl.col("elapsed_s").alias("knocked_s"),
                      pl.col("attacker_account_id").alias("knocker_account_id"),
                      pl.col("attacker_team_id").alias("knocker_team_id"), "victim_account_id", "victim_team_id",
                      "damage_causer_name")
        .join(deaths, on=keys, how="left")
        .join(rescued, on=keys, how="left")
        .with_columns(
            pl.when(pl.col("died_s").is_not_null()).then(pl.lit("finished"))
            .when(pl.col("revived_s").is_not_null()).then(pl.lit("revived"))
            .otherwise(pl.lit("unresolved")).alias("outcome"),
            (pl.col("finisher_account_id") == pl.col("knocker_account_id")).alias("finished_by_knocker"),
            (pl.col("finisher_team_id") == pl.col("knocker_team_id")).alias("finished_by_knocker_team"),
            (pl.col("died_s") - pl.col("knocked_s")).alias("time_to_finish_s"),
            (pl.col("revived_s") - pl.col("knocked_s")).alias("time_to_revive_s"),
        )
        .drop("died_s", "revived_s")
        .sort("match_id", "event_index")
    )


def knock_summaries(outcomes: pl.DataFrame) -> pl.DataFrame:
    """Per knocker and match (match_id, account_id): knocks made, how many were finished by the knocker,
    by a teammate, by another team, revived, and the median time to finish."""
    return outcomes.group_by("match_id", pl.col("knocker_account_id").alias("account_id")).agg(
        pl.len().cast(pl.Int64).alias("knocks"),
        (pl.col("finished_by_knocker") == True).sum().cast(pl.Int64).alias("finished_by_self"),  # noqa: E712
        ((pl.col("finished_by_knocker_team") == True) & (pl.col("finished_by_knocker") == False))  # noqa: E712
        .sum().cast(pl.Int64).alias("finished_by_teammate"),
        (pl.col("finished_by_knocker_team") == False).sum().cast(pl.Int64).alias("finished_by_other_team"),  # noqa: E712
        (pl.col("outcome") == "revived").sum().cast(pl.Int64).alias("revived"),
        pl.col("time_to_finish_s").median().alias("median_time_to_finish_s"),
    ).filter(pl.col("account_id").is_not_null()).sort("match_id", "account_id")


def fights(damage: pl.DataFrame, knocks: pl.DataFrame, kills: pl.DataFrame) -> pl.DataFrame:
    """Fights between two teams: one row per fight (match_id, fight_id).

    Definition: take the damage events between players of two different teams (zone, environment and team
    damage excluded) and group them by the unordered pair of teams. Within a pair, in time order, an event
    starts a new fight when it comes more than `FIGHT_GAP_S` seconds after the previous one, or when its
    victim stands more than `FIGHT_RADIUS_M` metres from the previous event's victim. A fight's knocks and
    kills are those between the same two teams from its start to `FIGHT_GAP_S` after its last damage.
    `winner_team_id`: the team with more kills, then knocks, then damage; null on a full tie.
    """
    hits = (
        damage.filter(_enemy())
        .with_columns(
            pl.min_horizontal("attacker_team_id", "victim_team_id").alias("team_a"),
            pl.max_horizontal("attacker_team_id", "victim_team_id").alias("team_b"),
        )
        .sort("match_id", "team_a", "team_b", "elapsed_s")
    )
    pair = ("match_id", "team_a", "team_b")
    gap = pl.col("elapsed_s").diff().over(pair)
    moved = ((pl.col("victim_x") - pl.col("victim_x").shift(1).over(pair)).pow(2)
             + (pl.col("victim_y") - pl.col("victim_y").shift(1).over(pair)).pow(2)).sqrt()
    new_fight = gap.is_null() | (gap > FIGHT_GAP_S) | (moved.fill_null(0.0) > FIGHT_RADIUS_M * CM_PER_M)
    hits = hits.with_columns(new_fight.cum_sum().over(pair).alias("_seq"))
    side_a = pl.col("attacker_team_id") == pl.col("team_a")
    per_fight = hits.group_by("match_id", "team_a", "team_b", "_seq").agg(
        pl.col("elapsed_s").min().alias("started_s"), pl.col("elapsed_s").max().alias("last_damage_s"),
        pl.col("damage").filter(side_a).sum().alias("damage_by_a"),
        pl.col("damage").filter(~side_a).sum().alias("damage_by_b"),
        (pl.col("victim_x").mean() / CM_PER_M).alias("center_x_m"), (pl.col("victim_y").mean() / CM_PER_M).alias("center_y_m"),
        pl.len().cast(pl.Int64).alias("damage_events"),
    )

    keys = ["match_id", "team_a", "team_b", "_seq"]
    knock_rows = knocks.select("match_id", "event_index", "elapsed_s", "victim_team_id",
                               pl.col("attacker_team_id").alias("by_team"))
    kill_rows = kills.select("match_id", "event_index", "elapsed_s", "victim_team_id",
                             pl.col("killer_team_id").alias("by_team"))
    result = (
        per_fight.join(_scored_in(per_fight, knock_rows, "knocks"), on=keys, how="left")
        .join(_scored_in(per_fight, kill_rows, "kills"), on=keys, how="left")
        .with_columns(pl.col("knocks_by_a", "knocks_by_b", "kills_by_a", "kills_by_b").fill_null(0))
    )
    return (
        result
        .with_columns(_winner().alias("winner_team_id"))
        .sort("match_id", "started_s", "team_a", "team_b")
        .with_columns(pl.int_range(1, pl.len() + 1).over("match_id").cast(pl.Int64).alias("fight_id"))
        .select("match_id", "fight_id", "team_a", "team_b", "started_s",
                (pl.col("last_damage_s") - pl.col("started_s")).alias("duration_s"), "damage_events",
                "damage_by_a", "damage_by_b", "knocks_by_a", "knocks_by_b", "kills_by_a", "kills_by_b",
                "winner_team_id", "center_x_m", "center_y_m")
    )


def _scored_in(per_fight: pl.DataFrame, events: pl.DataFrame, name: str) -> pl.DataFrame:
    """`<name>_by_a` / `<name>_by_b`: events (knocks or kills, with `by_team`) one team of a fight scored
    on the other between the fight's start and `FIGHT_GAP_S` after its last damage (an event in two such
    windows of the same teams counts for the later fight only)."""
    return (
        per_fight.join(events.filter(pl.col("by_team").is_not_null()).rename({"elapsed_s": "at_s"}), on="match_id")
        .filter(((pl.col("by_team") == pl.col("team_a")) & (pl.col("victim_team_id") == pl.col("team_b")))
                | ((pl.col("by_team") == pl.col("team_b")) & (pl.col("victim_team_id") == pl.col("team_a"))))
        .filter(pl.col("at_s").is_between(pl.col("started_s"), pl.col("last_damage_s") + FIGHT_GAP_S))
        .sort("started_s", descending=True)
        .unique(["match_id", "event_index"], keep="first")
        .group_by("match_id", "team_a", "team_b", "_seq")
        .agg((pl.col("by_team") == pl.col("team_a")).sum().cast(pl.Int64).alias(f"{name}_by_a"),
             (pl.col("by_team") == pl.col("team_b")).sum().cast(pl.Int64).alias(f"{name}_by_b"))
    )


def _winner() -> pl.Expr:
    """Team a or b by kills, then knocks, then damage; null on a full tie."""
    a_first = ((pl.col("kills_by_a") > pl.col("kills_by_b"))
               | ((pl.col("kills_by_a") == pl.col("kills_by_b")) & (pl.col("knocks_by_a") > pl.col("knocks_by_b")))
               | ((pl.col("kills_by_a") == pl.col("kills_by_b")) & (pl.col("knocks_by_a") == pl.col("knocks_by_b"))
                  & (pl.col("damage_by_a") > pl.col("damage_by_b"))))
    tie = ((pl.col("kills_by_a") == pl.col("kills_by_b")) & (pl.col("knocks_by_a") == pl.col("knocks_by_b"))
           & (pl.col("damage_by_a") == pl.col("damage_by_b")))
    return pl.when(tie).then(None).when(a_first).then(pl.col("team_a")).otherwise(pl.col("team_b"))


def weapon_distribution(damage: pl.DataFrame, kills: pl.DataFrame, knocks: pl.DataFrame) -> pl.DataFrame:
    """Each player's kills, knocks and damage to other teams by weapon category: one row per (match_id,
    account_id, weapon_category). Kills are those of players of other teams credited to the player
    (`killer`), knocks those they made, damage what they dealt to players of other teams; summed over
    categories they give the player's totals in `advanced_stats`. AI bots have no rows (player statistics
    are players')."""
    dealt = with_weapon_category(damage.filter(_enemy())).group_by(
        "match_id", pl.col("attacker_account_id").alias("account_id"), "weapon_category").agg(
        pl.col("damage").sum().alias("damage_dealt"), pl.len().cast(pl.Int64).alias("hits"))
    killed = with_weapon_category(kills.filter(_enemy_kill())).group_by(
        "match_id", pl.col("killer_account_id").alias("account_id"), "weapon_category").agg(
        pl.len().cast(pl.Int64).alias("kills"))
    knocked = with_weapon_category(knocks.filter(pl.col("attacker_account_id").is_not_null())).group_by(
        "match_id", pl.col("attacker_account_id").alias("account_id"), "weapon_category").agg(
        pl.len().cast(pl.Int64).alias("knocks"))
    keys = ["match_id", "account_id", "weapon_category"]
    return (
        dealt.join(killed, on=keys, how="full", coalesce=True).join(knocked, on=keys, how="full", coalesce=True)
        .filter(~is_ai_bot(pl.col("account_id")))
        .with_columns(pl.col("kills", "knocks", "hits").fill_null(0), pl.col("damage_dealt").fill_null(0.0))
        .select(*keys, "kills", "knocks", "damage_dealt", "hits")
        .sort(keys)
    )


FIREARMS = ("AR", "DMR", "SR", "SMG", "Shotgun", "LMG", "Pistol")
"""The weapon categories whose shots have an accuracy (throwables, melee and launchers do not)."""


def weapon_accuracy(attacks: pl.DataFrame, damage: pl.DataFrame) -> pl.DataFrame:
    """Each player's accuracy and headshot rate with each firearm: one row per (match_id, account_id,
    weapon_id).

    - `shots`: the player's `LogPlayerAttack` events of attack type `Weapon` with a weapon of
      `FIREARMS` (the weapon's item id, `weapon_name` as the official `itemId` dictionary names it);
    - `hits`: those shots (`attackId`) that damaged a player of another team (`LogPlayerTakeDamage`
      with the shot's `attackId`; a shotgun's pellets hitting together are one hit), `damage_dealt` what
      they took;
    - `headshots`: hits with a `HeadShot` among their damage events;
    - `accuracy` = hits / shots, `headshot_rate` = headshots / hits (null without a hit).
    AI bots have no rows. Hits are counted only for shots in the telemetry, so accuracy never exceeds 1.
    """
    items = attacks["weapon_id"].unique().drop_nulls().to_list()
    names = dictionary("itemId")
    weapons = pl.DataFrame(
        {"weapon_id": items, "weapon_name": [names.get(i, i) for i in items],
         "weapon_category": [weapon_category(weapon_causer(i)) for i in items]},
        schema={"weapon_id": pl.String, "weapon_name": pl.String, "weapon_category": pl.String})
    shots = (
        attacks.filter((pl.col("attack_type") == "Weapon") & pl.col("attacker_account_id").is_not_null()
                       & ~is_ai_bot(pl.col("attacker_account_id")))
        .join(weapons.filter(pl.col("weapon_category").is_in(FIREARMS)), on="weapon_id")
        .select("match_id", "attack_id", pl.col("attacker_account_id").alias("account_id"), "weapon_id",
                "weapon_name", "weapon_category")
        .unique(["match_id", "attack_id", "account_id"], keep="first")
    )
    hits = (
        damage.filter(_enemy()).group_by("match_id", "attack_id", pl.col("attacker_account_id").alias("account_id"))
        .agg(pl.col("damage").sum().alias("damage_dealt"), (pl.col("damage_reason") == "HeadShot").any().alias("headshot"))
    )
    keys = ["match_id", "account_id", "weapon_id"]
    return (
        shots.join(hits, on=["match_id", "attack_id", "account_id"], how="left")
        .group_by(*keys, "weapon_name", "weapon_category").agg(
            pl.len().cast(pl.Int64).alias("shots"),
            pl.col("damage_dealt").is_not_null().sum().cast(pl.Int64).alias("hits"),
            pl.col("headshot").fill_null(False).sum().cast(pl.Int64).alias("headshots"),
            pl.col("damage_dealt").sum().fill_null(0.0).alias("damage_dealt"))
        .with_columns((pl.col("hits") / pl.col("shots")).alias("accuracy"),
                      pl.when(pl.col("hits") > 0).then(pl.col("headshots") / pl.col("hits")).alias("headshot_rate"))
        .select(*keys, "weapon_name", "weapon_category", "shots", "hits", "headshots", "accuracy", "headshot_rate",
                "damage_dealt")
        .sort(keys)
    )


ENGAGEMENT_SCHEMA = {
    "match_id": pl.String, "engagement_id": pl.Int64, "teams": pl.Int64, "team_ids": pl.String,
    "third_party": pl.Boolean, "fights": pl.Int64, "started_s": pl.Float64, "duration_s": pl.Float64,
    "damage": pl.Float64, "knocks": pl.Int64, "kills": pl.Int64, "center_x_m": pl.Float64, "center_y_m": pl.Float64,
}


def engagements(fights_: pl.DataFrame) -> pl.DataFrame:
    """Engagements: the fights (`fights`) of one place and time joined, so a third team that joins two
    fighting teams makes one engagement of three. One row per (match_id, engagement_id).

    Two fights belong to one engagement when they overlap in time (one starts at most `FIGHT_GAP_S` seconds
    after the other's last damage) and their centres are at most `FIGHT_RADIUS_M` metres apart, and so on
    transitively. `teams` counts the teams that dealt or took damage in it (`team_ids`, ascending);
    `third_party`: three teams or more. Damage, knocks and kills are its fights' sums.
    """
    if fights_.is_empty():
        return pl.DataFrame(schema=ENGAGEMENT_SCHEMA)
    spans = fights_.select("match_id", "fight_id", "started_s", (pl.col("started_s") + pl.col("duration_s"))
                           .alias("ended_s"), "center_x_m", "center_y_m")
    pairs = (
        spans.join(spans, on="match_id", suffix="_o")
        .filter(pl.col("fight_id") < pl.col("fight_id_o"))
        .filter((pl.col("started_s_o") <= pl.col("ended_s") + FIGHT_GAP_S)
                & (pl.col("started_s") <= pl.col("ended_s_o") + FIGHT_GAP_S))
        .filter(((pl.col("center_x_m") - pl.col("center_x_m_o")).pow(2)
                 + (pl.col("center_y_m") - pl.col("center_y_m_o")).pow(2)).sqrt() <= FIGHT_RADIUS_M)
        .select("match_id", "fight_id", "fight_id_o")
    )
    root = {key: key for key in fights_.select("match_id", "fight_id").iter_rows()}

    def find(key):
        while root[key] != key:
            root[key] = root[root[key]]
            key = root[key]
        return key

    for match_id, a, b in pairs.iter_rows():
        root[find((match_id, a))] = find((match_id, b))
    groups = pl.DataFrame([(m, f, find((m, f))[1]) for m, f in root], orient="row",
                          schema={"match_id": pl.String, "fight_id": pl.Int64, "_group": pl.Int64})
    members = fights_.join(groups, on=["match_id", "fight_id"])
    teams = (
        pl.concat([members.select("match_id", "_group", pl.col("team_a").alias("team")),
                   members.select("match_id", "_group", pl.col("team_b").alias("team"))])
        .unique().sort("team")
        .group_by("match_id", "_group").agg(pl.len().cast(pl.Int64).alias("teams"),
                                            pl.col("team").cast(pl.String).str.join(",").alias("team_ids"))
    )
    return (
        members.group_by("match_id", "_group").agg(
            pl.len().cast(pl.Int64).alias("fights"), pl.col("started_s").min(),
            (pl.col("started_s") + pl.col("duration_s")).max().alias("_ended_s"),
            (pl.col("damage_by_a") + pl.col("damage_by_b")).sum().alias("damage"),
            (pl.col("knocks_by_a") + pl.col("knocks_by_b")).sum().cast(pl.Int64).alias("knocks"),
            (pl.col("kills_by_a") + pl.col("kills_by_b")).sum().cast(pl.Int64).alias("kills"),
            pl.col("center_x_m").mean(), pl.col("center_y_m").mean(),
        )
        .join(teams, on=["match_id", "_group"])
        .with_columns((pl.col("_ended_s") - pl.col("started_s")).alias("duration_s"),
                      (pl.col("teams") >= 3).alias("third_party"))
        .sort("match_id", "started_s", "_group")
        .with_columns(pl.int_range(1, pl.len() + 1).over("match_id").cast(pl.Int64).alias("engagement_id"))
        .select(list(ENGAGEMENT_SCHEMA)).cast(ENGAGEMENT_SCHEMA)
    )
