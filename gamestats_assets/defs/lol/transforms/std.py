"""STD tables of the lol domain: one function per table, from the ETL tables of a day's games
(`sources/riot/parse.py`) and the Data Dragon tables of their patches, keyed by `match_id`. A game whose
timeline arrived without its match file keeps its timeline-only rows; columns that need the match file
(position, win) are null."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.lanes import DIFFERENCES
from gamestats_assets.sources.riot.queues import SUMMONERS_RIFT_MAP, queue_name

SHOP_ACTIONS = ("ITEM_PURCHASED", "ITEM_SOLD", "ITEM_UNDO")
SKILL_LETTERS = {1: "Q", 2: "W", 3: "E", 4: "R"}
BASIC_SKILL_MAX = 5
COORDINATION_RADIUS = 2500
"""Map units (the Rift is about 14 800 wide): a teammate this close to an objective's take is 'there'."""
OBJECTIVES = {"DRAGON": "dragon", "RIFTHERALD": "herald", "BARON_NASHOR": "baron", "TOWER": "tower"}
FRAME_MINUTES = 60_000
TEAM_OF_PARTICIPANT = pl.when(pl.col("participant_id") <= 5).then(100).otherwise(200)
REMAKE_SECONDS = 300
"""A game shorter than this is a remake where the file has no `gameEndedInEarlySurrender`."""
AFK_MINUTES = 5
"""A player whose position and experience do not change for this many frames in a row was away (AFK)."""
STARTING_WINDOW_MS = 60_000
"""Purchases before this game time are the starting items: bought in the fountain before the first minions."""
STARTING_SEPARATOR = "+"
"""Joins the starting item ids (ascending, a repeated item as often as bought) into the `starting_items` key."""


def afk_players(frames: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Players away from the game: one row per (match_id, participant_id) whose participant frames keep the
    same position and experience for `AFK_MINUTES` frames after the first (a dead player respawns and walks
    out within two minutes; one who disconnected stands still). Experience never falls, so frames with the
    same experience are consecutive, and counting a player's frames per (experience, position) finds a still
    stretch without sorting the frames."""
    by_player = ("match_id", "participant_id")
    return (
        frames.lazy().filter(pl.col("position_x").is_not_null() & pl.col("xp").is_not_null())
        .group_by(*by_player, "xp", "position_x", "position_y").agg(pl.len().alias("frames"))
        .filter(pl.col("frames") > AFK_MINUTES)
        .select(*by_player).unique()
    )


def games(matches: pl.DataFrame, participants: pl.DataFrame, frames: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Every game with its match file and whether the statistics count it: one row per match_id.

    `queue` from `queueId` (`sources/riot/queues.py`), `patch` (`major.minor`), `summoners_rift`
    (map 11). `remake`: a player's `gameEndedInEarlySurrender`, or, where no player has the field, a game
    under `REMAKE_SECONDS`. `afk_players`: players the timeline shows away (`afk_players`; 0 without a
    timeline). `counted` = neither a remake nor a game with an AFK player, of a known patch: the others stay
    in the lake and are counted by the `excluded_games` check, but no statistic uses them.
    `banned_champion_ids`: the champions either team banned, each once.
    """
    flags = participants.lazy().group_by("match_id").agg(
        pl.col("game_ended_in_early_surrender").any().alias("early_surrender"),
        pl.col("game_ended_in_early_surrender").is_not_null().any().alias("has_flag"))
    away = afk_players(frames).group_by("match_id").agg(pl.len().cast(pl.Int32).alias("afk_players"))
    remake = pl.when(pl.col("has_flag")).then(pl.col("early_surrender")).otherwise(
        pl.col("game_duration_s") < REMAKE_SECONDS).fill_null(False)
    return (
        matches.lazy().select("match_id", "queue_id", "patch", "map_id", "game_duration_s", "banned_champion_ids")
        .join(flags, on="match_id", how="left").join(away, on="match_id", how="left")
        .select("match_id", "queue_id", queue_name(pl.col("queue_id")).alias("queue"), "patch",
                (pl.col("map_id") == SUMMONERS_RIFT_MAP).fill_null(False).alias("summoners_rift"),
                remake.alias("remake"), pl.col("afk_players").fill_null(0).cast(pl.Int32),
                pl.col("banned_champion_ids").fill_null([]))
        .with_columns((~pl.col("remake") & (pl.col("afk_players") == 0) & pl.col("patch").is_not_null())
                      .alias("counted"))
        .sort("match_id").collect()
    )


def game_patches(events: pl.DataFrame | pl.LazyFrame, matches: pl.DataFrame) -> pl.LazyFrame:
    """The patch of every game with a timeline: one row per match_id (null without its match file)."""
    return events.lazy().select("match_id").unique().join(matches.lazy().select("match_id", "patch"), on="match_id",
                                                          how="left")


def resolved_shop_actions(events: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Purchases and sales that were not undone, one row per action (key match_id, event_index).

    `ITEM_UNDO` reverts the participant's most recent shop action that is still in force (the shop's undo
    stack: several undos in a row revert several actions). Matched like brackets: with `depth` the running
    count of actions minus undos, an undo cancels the latest earlier action whose depth equals the undo's
    depth plus one. `seq` numbers the actions in (match, participant, event) order, so it is sorted within
    every group the as-of joins use.
    """
    shop = (
        events.lazy().filter(pl.col("type").is_in(SHOP_ACTIONS) & pl.col("participant_id").is_not_null())
        .select("match_id", "event_index", "type", "timestamp", "participant_id", "item_id", "before_id", "after_id")
        .sort("match_id", "participant_id", "event_index")
        .with_columns(pl.int_range(pl.len()).alias("seq"))
        .with_columns(pl.when(pl.col("type") == "ITEM_UNDO").then(-1).otherwise(1).cum_sum()
                      .over("match_id", "participant_id").alias("depth"))
        .collect()
    )
    actions = shop.filter(pl.col("type") != "ITEM_UNDO")
    undos = shop.filter(pl.col("type") == "ITEM_UNDO").with_columns((pl.col("depth") + 1).alias("depth"))
    cancelled = undos.select("match_id", "participant_id", "depth", "seq").join_asof(
        actions.select("match_id", "participant_id", "depth", "seq", pl.col("seq").alias("cancelled_seq")),
        on="seq", by=["match_id", "participant_id", "depth"], strategy="backward", check_sortedness=False,
    )["cancelled_seq"].drop_nulls()
    return actions.filter(~pl.col("seq").is_in(cancelled.implode())).drop("depth")


def item_purchases(events: pl.DataFrame, matches: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """Completed items bought, in order: one row per (match_id, participant_id, completed_at, item_id).

    Items are those of the game's own patch (`items` by `patch`, `game_patches`). A purchase counts
    when it was not undone and the item is completed: legendary, mythic, or upgraded boots
    (components and starters are resolved away). Items missing from Data Dragon are kept with a null name and
    tier; `named_on` is the reference patch that named the item (the game's own, or the nearest the reference has). `core_rank` numbers the participant's core (legendary and mythic) items 1, 2, 3... by completion
    time; an upgrade of an item already on the path (Manamune → Muramana) keeps a null rank. `sold_at` is the
    first later sale of the same item, if any.
    """
    actions = resolved_shop_actions(events)
    patches = game_patches(events, matches).collect()
    purchases = actions.filter(pl.col("type") == "ITEM_PURCHASED").join(patches, on="match_id", how="left").join(
        items.select("patch", "item_id", "item_name", "tier", "is_core", "upgrade_of",
                     pl.col("components").list.len().alias("n_components"), pl.col("reference_patch").alias("named_on")),
        on=["patch", "item_id"], how="left", nulls_equal=True)
    completed = purchases.filter(
        pl.col("is_core") | ((pl.col("tier") == "boots") & (pl.col("n_components") > 0)) | pl.col("tier").is_null()
    ).sort("seq")
    sales = actions.filter(pl.col("type") == "ITEM_SOLD").select(
        "match_id", "participant_id", "item_id", "seq", pl.col("timestamp").alias("sold_at")).sort("seq")
    completed = completed.join_asof(sales, on="seq", by=["match_id", "participant_id", "item_id"], strategy="forward",
                                    check_sortedness=False)
    core = completed.filter(pl.col("is_core").fill_null(False))
    earlier_core = core.group_by("match_id", "participant_id").agg(pl.col("item_id").alias("path_items"))
    completed = completed.join(earlier_core, on=["match_id", "participant_id"], how="left")
    is_upgrade = pl.col("upgrade_of").is_not_null() & pl.col("path_items").list.contains(pl.col("upgrade_of"))
    on_path = pl.col("is_core").fill_null(False) & ~is_upgrade.fill_null(False)
    return (
        completed.with_columns(
            pl.when(on_path).then(on_path.cast(pl.Int32).cum_sum().over("match_id", "participant_id", order_by="seq"))
            .alias("core_rank"))
        .select("match_id", "participant_id", "item_id", "item_name", "named_on", "tier", "is_core", "core_rank",
                pl.col("timestamp").alias("completed_at"), "sold_at", pl.col("event_index"))
        .sort("match_id", "participant_id", "completed_at")
    )


def starting_items(events: pl.DataFrame, matches: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """The items a player started with: one row per (match_id, participant_id) that bought anything but a
    trinket (free, taken by all) before `STARTING_WINDOW_MS`, purchases undone or sold back within it left out.

    `starting_items` is the item ids, ascending and repeated as bought, joined by `STARTING_SEPARATOR`
    (Doran's Blade and a potion are `1055+2003`); `starting_item_names` their names in that order joined by
    ` + ` (an id the Data Dragon of the game's patch lacks as `item <id>`); `items_named_on` the newest
    reference patch that named them.
    """
    actions = resolved_shop_actions(events).filter(pl.col("timestamp") < STARTING_WINDOW_MS)
    sold = actions.filter(pl.col("type") == "ITEM_SOLD").select(
        "match_id", "participant_id", "item_id", "seq", pl.col("seq").alias("sold_seq")).sort("seq")
    bought = (actions.filter(pl.col("type") == "ITEM_PURCHASED").sort("seq")
              .join_asof(sold, on="seq", by=["match_id", "participant_id", "item_id"], strategy="forward",
                         check_sortedness=False))
    sold_back = bought.filter(pl.col("sold_seq").is_not_null()).group_by("sold_seq").agg(pl.col("seq").max())
    kept = bought.filter(~pl.col("seq").is_in(sold_back["seq"].implode()))
    named = kept.join(game_patches(events, matches).collect(), on="match_id", how="left").join(
        items.select("patch", "item_id", "item_name", "tier", "reference_patch"), on=["patch", "item_id"],
        how="left", nulls_equal=True)
    return (
        named.filter(pl.col("tier").fill_null("") != "trinket").sort("match_id", "participant_id", "item_id", "seq")
        .group_by("match_id", "participant_id", maintain_order=True)
        .agg(pl.col("item_id").cast(pl.String).str.join(STARTING_SEPARATOR).alias("starting_items"),
             pl.coalesce("item_name", pl.lit("item ") + pl.col("item_id").cast(pl.String)).str.join(" + ")
             .alias("starting_item_names"),
             pl.col("reference_patch").max().alias("items_named_on"))
        .sort("match_id", "participant_id")
    )


def skill_orders(events: pl.DataFrame) -> pl.DataFrame:
    """Skill level-up order and max order: one row per (match_id, participant_id).

    `skill_sequence` lists the skills in the order points went in (`QWEQQR...`, evolutions excluded).
    `max_order` ranks Q, W and E: skills that reached 5 points first come first, by when they did; the
    others follow by points at the end (more first), then by when their last point went in.
    """
    levels = events.lazy().filter(
        (pl.col("type") == "SKILL_LEVEL_UP") & (pl.col("level_up_type").fill_null("NORMAL") == "NORMAL")
        & pl.col("skill_slot").is_between(1, 4)
    ).select("match_id", "participant_id", "event_index", "timestamp",
             pl.col("skill_slot").replace_strict(SKILL_LETTERS, return_dtype=pl.String).alias("skill"))
    sequences = levels.group_by("match_id", "participant_id").agg(
        pl.col("skill").sort_by("event_index").str.join("").alias("skill_sequence"))
    in_order = pl.col("timestamp").sort_by("event_index")
    per_skill = (
        levels.filter(pl.col("skill") != "R")
        .group_by("match_id", "participant_id", "skill")
        .agg(pl.len().alias("points"), in_order.get(BASIC_SKILL_MAX - 1, null_on_oob=True).alias("maxed_at"),
             in_order.last().alias("last_at"))
    )
    orders = (
        per_skill.sort(pl.col("maxed_at").is_null(), "maxed_at", pl.col("points"), "last_at",
                       descending=[False, False, True, False], nulls_last=True)
        .group_by("match_id", "participant_id", maintain_order=True)
        .agg(pl.col("skill").str.join(">").alias("max_order"))
    )
    return sequences.join(orders, on=["match_id", "participant_id"], how="left").sort("match_id", "participant_id").collect()


def objective_takes(events: pl.LazyFrame) -> pl.LazyFrame:
    """Every elite monster and tower taken: one row per event (key match_id, event_index) with the taking team.

    Monsters name their team in `killerTeamId` (or through the killer's participant id); a BUILDING_KILL's
    `teamId` is the team that lost the tower, so the taker is the other one.
    """
    monsters = events.filter(pl.col("type") == "ELITE_MONSTER_KILL").select(
        "match_id", "event_index", "timestamp", "position_x", "position_y",
        pl.col("monster_type").replace_strict(OBJECTIVES, default=pl.col("monster_type").str.to_lowercase())
        .alias("objective"),
        pl.coalesce("killer_team_id", pl.when(pl.col("killer_id").is_between(1, 10))
                    .then(pl.when(pl.col("killer_id") <= 5).then(100).otherwise(200))).alias("team_id"))
    towers = events.filter((pl.col("type") == "BUILDING_KILL") & (pl.col("building_type") == "TOWER_BUILDING")).select(
        "match_id", "event_index", "timestamp", "position_x", "position_y", pl.lit("tower").alias("objective"),
        (300 - pl.col("team_id")).alias("team_id"))
    return pl.concat([monsters, towers]).sort("match_id", "event_index")


def first_objectives(events: pl.DataFrame, participants: pl.DataFrame) -> pl.DataFrame:
    """First objectives per team: one row per (match_id, team_id) for each team of a game with a timeline.

    `first_<objective>` is true when this team took the game's first dragon / herald / baron / tower, false
    when the other team did, null when nobody took one; `<objective>s` counts the team's takes. `win` comes
    from the match file (null without it).
    """
    events = events.lazy()
    takes = objective_takes(events).filter(pl.col("objective").is_in(list(OBJECTIVES.values())))
    teams = events.select("match_id").unique().join(pl.LazyFrame({"team_id": [100, 200]}), how="cross")
    first = takes.sort("event_index").group_by("match_id", "objective").agg(pl.col("team_id").first().alias("first_team"))
    counts = takes.group_by("match_id", "team_id", "objective").len()
    columns = []
    for objective in OBJECTIVES.values():
        teams = teams.join(first.filter(objective=objective).select("match_id", pl.col("first_team").alias(objective)),
                           on="match_id", how="left").join(
            counts.filter(objective=objective).select("match_id", "team_id", pl.col("len").alias(f"{objective}s")),
            on=["match_id", "team_id"], how="left")
        columns += [(pl.col(objective) == pl.col("team_id")).alias(f"first_{objective}"),
                    pl.col(f"{objective}s").fill_null(0).cast(pl.Int32)]
    wins = participants.lazy().group_by("match_id", "team_id").agg(pl.col("win").first())
    return (teams.select("match_id", pl.col("team_id").cast(pl.Int64), *columns)
            .join(wins, on=["match_id", "team_id"], how="left").sort("match_id", "team_id").collect())


def game_minutes(matches: pl.LazyFrame, events: pl.LazyFrame) -> pl.LazyFrame:
    """Game length in minutes per match: the match file's duration, else the timeline's last event."""
    from_timeline = events.group_by("match_id").agg((pl.col("timestamp").max() / FRAME_MINUTES).alias("timeline_min"))
    return from_timeline.join(matches.select("match_id", (pl.col("game_duration_s") / 60).alias("match_min")),
                              on="match_id", how="full", coalesce=True).select(
        "match_id", pl.coalesce("match_min", "timeline_min").alias("minutes"))


def vision_deaths(events: pl.DataFrame, participants: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """Vision and deaths per player: one row per (match_id, participant_id) of a game with a timeline.

    `vision_per_min` = (wards placed + enemy wards killed) / game minutes; `deaths_per_10` = deaths
    (CHAMPION_KILL victims) per 10 game minutes. `team_position` from the match file (null without it).
    """
    events, participants, matches = events.lazy(), participants.lazy(), matches.lazy()
    placed = events.filter(type="WARD_PLACED").group_by("match_id", pl.col("creator_id").alias("participant_id")).agg(
        pl.len().alias("wards_placed"))
    killed = events.filter(type="WARD_KILL").group_by("match_id", pl.col("killer_id").alias("participant_id")).agg(
        pl.len().alias("wards_killed"))
    deaths = events.filter(type="CHAMPION_KILL").group_by("match_id", pl.col("victim_id").alias("participant_id")).agg(
        pl.len().alias("deaths"))
    players = events.filter(pl.col("participant_id").is_between(1, 10)).select("match_id", "participant_id").unique()
    minutes = game_minutes(matches, events)
    table = players
    for counts in (placed, killed, deaths):
        table = table.join(counts, on=["match_id", "participant_id"], how="left")
    return (
        table.join(minutes, on="match_id", how="left")
        .join(participants.select("match_id", "participant_id", "team_position"), on=["match_id", "participant_id"],
              how="left")
        .with_columns(pl.col("wards_placed", "wards_killed", "deaths").fill_null(0).cast(pl.Int32))
        .with_columns(((pl.col("wards_placed") + pl.col("wards_killed")) / pl.col("minutes")).alias("vision_per_min"),
                      (pl.col("deaths") * 10 / pl.col("minutes")).alias("deaths_per_10"))
        .select("match_id", "participant_id", "team_position", "minutes", "wards_placed", "wards_killed",
                "vision_per_min", "deaths", "deaths_per_10")
        .sort("match_id", "participant_id")
        .collect()
    )


def team_coordination(events: pl.DataFrame, frames: pl.DataFrame) -> pl.DataFrame:
    """Teammates present at each objective take: one row per take (key match_id, event_index).

    `teammates_near` counts the taking team's players within `COORDINATION_RADIUS` of the take's position
    in the participant frame nearest in time (frames are a minute apart, so this is presence around the take).
    """
    takes = objective_takes(events.lazy()).filter(pl.col("position_x").is_not_null() & pl.col("team_id").is_not_null())
    nearest = takes.with_columns((pl.col("timestamp") / FRAME_MINUTES).round().cast(pl.Int32).alias("frame_index"))
    positions = frames.lazy().select("match_id", "frame_index", "participant_id",
                              pl.col("position_x").alias("px"), pl.col("position_y").alias("py")).with_columns(
        TEAM_OF_PARTICIPANT.alias("team_id"))
    distance = ((pl.col("px") - pl.col("position_x")) ** 2 + (pl.col("py") - pl.col("position_y")) ** 2).sqrt()
    near = nearest.join(positions, on=["match_id", "frame_index", "team_id"], how="left").group_by(
        "match_id", "event_index").agg((distance <= COORDINATION_RADIUS).sum().cast(pl.Int32).alias("teammates_near"))
    return (nearest.join(near, on=["match_id", "event_index"], how="left")
            .select("match_id", "event_index", "objective", "team_id", "timestamp", "teammates_near")
            .sort("match_id", "event_index").collect())


def participant_games(participants: pl.DataFrame, matches: pl.DataFrame, purchases: pl.DataFrame,
                      skills: pl.DataFrame, vision: pl.DataFrame, champions: pl.DataFrame,
                      game_table: pl.DataFrame) -> pl.DataFrame:
    """One row per player of a game with its match file (key match_id, participant_id): the facts the stats use.

    `queue`, `patch`, `summoners_rift` and `counted` come from `games`: statistics use counted games
    only, within one queue and patch.
    `kda` = (kills + assists) / max(deaths, 1); `dpm` = damage to champions per game minute;
    `gold_per_min`, `cs_per_min` (lane and jungle minions) likewise; `core_1..3` the first three core
    items by completion (names; null when fewer were completed); `max_order` from the skill order;
    `vision_per_min` and `deaths_per_10` from the timeline (null when it is missing), `vision_score_per_min`
    from the match file's `visionScore`. `champion_name` comes from the Data Dragon of the game's patch:
    null for an id it does not know.
    """
    minutes = pl.col("game_duration_s") / 60
    path = (purchases.filter(pl.col("core_rank").is_between(1, 3))
            .group_by("match_id", "participant_id")
            .agg(*[pl.col("item_name").filter(pl.col("core_rank") == rank).first().alias(f"core_{rank}")
                   for rank in (1, 2, 3)],
                 *[pl.col("item_id").filter(pl.col("core_rank") == rank).first().alias(f"core_{rank}_id")
                   for rank in (1, 2, 3)]))
    return (
        participants.join(matches.select("match_id", "game_duration_s", "game_start", "patch"), on="match_id")
        .join(game_table.select("match_id", "queue", "summoners_rift", "counted"), on="match_id", how="left")
        .join(champions.select("patch", "champion_id", pl.col("champion_name").alias("dd_champion_name")),
              on=["patch", "champion_id"], how="left", nulls_equal=True)
        .join(path, on=["match_id", "participant_id"], how="left")
        .join(skills.select("match_id", "participant_id", "max_order"), on=["match_id", "participant_id"], how="left")
        .join(vision.select("match_id", "participant_id", "vision_per_min", "deaths_per_10"),
              on=["match_id", "participant_id"], how="left")
        .select(
            "match_id", "participant_id", "puuid", "team_id", "team_position", "champion_id",
            pl.col("dd_champion_name").alias("champion_name"), "win", "kills", "deaths", "assists",
            ((pl.col("kills") + pl.col("assists")) / pl.max_horizontal(pl.col("deaths"), 1)).alias("kda"),
            (pl.col("total_damage_dealt_to_champions") / minutes).alias("dpm"),
            (pl.col("gold_earned") / minutes).alias("gold_per_min"),
            ((pl.col("total_minions_killed").fill_null(0) + pl.col("neutral_minions_killed").fill_null(0)) / minutes)
            .alias("cs_per_min"),
            "vision_per_min", (pl.col("vision_score") / minutes).alias("vision_score_per_min"), "deaths_per_10",
            "max_order", "core_1", "core_2", "core_3", "core_1_id", "core_2_id", "core_3_id",
            (pl.col("game_duration_s") / 60).alias("minutes"), "game_start", "queue", "patch", "summoners_rift",
            pl.col("counted").fill_null(False),
        )
        .sort("match_id", "participant_id")
    )


def participant_facts(players: pl.DataFrame, purchases: pl.DataFrame, lanes: pl.DataFrame,
                      first_objectives: pl.DataFrame) -> pl.DataFrame:
    """The warehouse's participant fact table, every condition a compound query can ask about: one row per
    player of a game with its match file (key match_id, participant_id).

    The `participant_games` columns; `completed_items`, every completed item with its id, name and
    completion minute (`completed_at_min`), in completion order; the lane opponent (`opponent_champion_id`)
    and the gold, XP and CS differences to it at 10 and 15 minutes (`lanes.lane_states`; null without one);
    and whether the player's team took the game's first dragon, herald, baron and tower (`first_<objective>`,
    null when nobody took one or the game has no timeline).
    """
    completions = (purchases.sort("completed_at")
                   .group_by("match_id", "participant_id", maintain_order=True)
                   .agg(pl.struct("item_id", "item_name", (pl.col("completed_at") / FRAME_MINUTES)
                                  .alias("completed_at_min")).alias("completed_items")))
    firsts = first_objectives.select("match_id", "team_id", *[f"first_{o}" for o in OBJECTIVES.values()])
    return (
        players.join(completions, on=["match_id", "participant_id"], how="left")
        .with_columns(pl.col("completed_items").fill_null(pl.lit([], dtype=completions.schema["completed_items"])))
        .join(lanes.select("match_id", "participant_id", "opponent_champion_id", *DIFFERENCES),
              on=["match_id", "participant_id"], how="left")
        .join(firsts, on=["match_id", "team_id"], how="left")
    )
