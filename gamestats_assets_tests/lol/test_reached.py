"""The skill path, fourth to sixth item and boots statistics on the real games with a timeline (11.16, 12.1, 13.24,
14.1, and the 11.16 game again with the other team winning), each recounted from the Riot files themselves; and the
synthetic ladder's builds, as long as its games allow, mined into frequent sequences."""

from __future__ import annotations

from collections import Counter, defaultdict

import polars as pl
import pytest

from gamestats_assets.defs.lol.transforms import reached
from gamestats_assets.sources.riot import ddragon
from gamestats_assets.sources.riot.league import ALL
from gamestats_assets.sources.riot.queues import QUEUES, OTHER
from gamestats_assets_tests.lol.real_games import (
    TOURNAMENT,
    Game,
    info,
    load,
    load_real,
    tables_of,
    variant,
    winner_swapped,
)

BASIC_BOOTS = 1001
LETTERS = {1: "Q", 2: "W", 3: "E", 4: "R"}


@pytest.fixture(scope="module")
def games() -> list[Game]:
    ranked = load()
    return [ranked, variant(ranked, 2, change=winner_swapped), load(TOURNAMENT), load_real("13.24"),
            load_real("14.1")]


@pytest.fixture(scope="module")
def tables(games) -> dict[str, pl.DataFrame]:
    return tables_of(games)


def players(game: Game) -> list[tuple[int, dict]]:
    """Each player of the match file: (participant id, its entry)."""
    return [(player["participantId"], player) for player in info(game[0])["participants"]]


def patch_of(game: Game) -> str:
    return ddragon.short_patch(info(game[0])["gameVersion"])


def events_of(game: Game) -> list[dict]:
    """The timeline's events in order."""
    return [event for frame in info(game[1])["frames"] for event in frame["events"]]


def recount(games: list[Game], choices) -> dict[tuple, tuple[int, int]]:
    """(queue, patch, champion_id, *choice) → (games, wins) over every player of `games`, `choices(game)` giving
    each participant id's choices (a tuple each)."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for game in games:
        queue = QUEUES.get(info(game[0])["queueId"], OTHER)
        chosen = choices(game)
        for pid, player in players(game):
            for choice in chosen.get(pid, []):
                key = (queue, patch_of(game), player["championId"], *choice)
                counts[key][0] += 1
                counts[key][1] += bool(player["win"])
    return {key: tuple(value) for key, value in counts.items()}


def published(table: pl.DataFrame, keys: list[str]) -> dict[tuple, tuple[int, int]]:
    return {row[:-2]: row[-2:] for row in table.filter(tier=ALL).select(
        "queue", "patch", "champion_id", *keys, "games", "wins").iter_rows()}


def reached_by_champion(counts: dict[tuple, tuple[int, int]], slot_keys: int) -> Counter:
    """The games of each (queue, patch, champion, slot...) summed over its choices: what pick rate divides by."""
    total: Counter = Counter()
    for key, (games, _) in counts.items():
        total[key[:3 + slot_keys]] += games
    return total


def check_rates(table: pl.DataFrame, counts: dict[tuple, tuple[int, int]], keys: list[str], slot_keys: int) -> None:
    """Every published row of tier `all` has the recounted games and wins, pick rate among its champion's players
    who reached the slot, and a win rate inside its Wilson interval."""
    assert published(table, keys) == counts
    totals = reached_by_champion(counts, slot_keys)
    for row in table.filter(tier=ALL).iter_rows(named=True):
        slot = tuple(row[k] for k in keys[:slot_keys])
        assert row["champion_games"] == totals[(row["queue"], row["patch"], row["champion_id"], *slot)]
        assert row["pick_rate"] == pytest.approx(row["games"] / row["champion_games"])
        assert row["win_rate"] == pytest.approx(row["wins"] / row["games"])
        assert row["win_rate_ci_low"] <= row["win_rate"] <= row["win_rate_ci_high"]
        assert row["low_sample"] == (row["games"] < 100)


def skill_paths(game: Game) -> dict[int, list[tuple[str]]]:
    """Each player's first 15 skill points, of those who put 15 in: the timeline's `SKILL_LEVEL_UP` events of the
    normal kind (evolutions left out) in order."""
    points: dict[int, str] = defaultdict(str)
    for event in events_of(game):
        if event["type"] == "SKILL_LEVEL_UP" and event.get("levelUpType", "NORMAL") == "NORMAL":
            points[event["participantId"]] += LETTERS[event["skillSlot"]]
    return {pid: [(sequence[:15],)] for pid, sequence in points.items() if len(sequence) >= 15}


def test_skill_paths_are_the_first_15_points_of_every_player_who_put_15_in(games, tables):
    counts = recount(games, skill_paths)
    assert counts and len({key[1] for key in counts}) == 4, "every patch has a player past level 15"
    check_rates(tables["skill_path_stats"], counts, ["skill_path"], 0)
    ranked = tables["skill_path_stats"].filter(tier=ALL, patch="11.16")
    assert (ranked["games"] == 2).all() and (ranked["wins"] == 1).all(), "the copy won what the game lost"
    every = sum(len(paths) for game in games for paths in skill_paths(game).values())
    assert tables["skill_path_stats"].filter(tier=ALL)["games"].sum() == every < 10 * len(games)


def kept_purchases(game: Game) -> dict[int, list[int]]:
    """Each player's items bought and kept, in order: an `ITEM_UNDO` takes back the player's latest purchase or
    sale still in force."""
    actions: dict[int, list[dict]] = defaultdict(list)
    for event in events_of(game):
        if event["type"] in ("ITEM_PURCHASED", "ITEM_SOLD"):
            actions[event["participantId"]].append(event)
        elif event["type"] == "ITEM_UNDO" and actions[event["participantId"]]:
            actions[event["participantId"]].pop()
    return {pid: [e["itemId"] for e in done if e["type"] == "ITEM_PURCHASED"] for pid, done in actions.items()}


def late_items(game: Game) -> dict[int, list[tuple[int, int]]]:
    """Each player's core items (legendary or mythic on the game's patch) in purchase order, an upgrade of one it
    bought (Muramana) left out: (slot, item) of the fourth to sixth."""
    items = ddragon.items(patch_of(game))
    core = set(items.filter("is_core")["item_id"])
    upgrade_of = dict(items.select("item_id", "upgrade_of").drop_nulls().iter_rows())
    chosen = {}
    for pid, bought in kept_purchases(game).items():
        path = [item for item in bought if item in core and upgrade_of.get(item) not in bought]
        chosen[pid] = [(slot, item) for slot, item in enumerate(path, 1) if slot >= 4][:3]
    return chosen


def test_late_items_are_the_fourth_to_sixth_core_items_of_the_builds_that_reached_them(games, tables):
    counts = recount(games, late_items)
    assert {key[3] for key in counts} == {4, 5, 6}, "the real games have builds of six core items"
    check_rates(tables["late_item_stats"], counts, ["slot", "item_id"], 1)
    assert tables["late_item_stats"]["item_name"].null_count() == 0


def finished_boots(game: Game) -> dict[int, list[tuple[int]]]:
    """Each player's first boots bought and kept that are built from the basic Boots."""
    items = ddragon.items(patch_of(game))
    tier_two = set(items.filter((pl.col("tier") == "boots") & pl.col("components").list.contains(BASIC_BOOTS))[
        "item_id"])
    firsts = {pid: next((item for item in bought if item in tier_two), None)
              for pid, bought in kept_purchases(game).items()}
    return {pid: [(item,)] for pid, item in firsts.items() if item is not None}


def test_boots_are_the_first_finished_pair_of_each_player(games, tables):
    counts = recount(games, finished_boots)
    assert len(counts) > 10
    check_rates(tables["boots_stats"], counts, ["item_id"], 0)


def test_tier_three_boots_are_not_finished_boots():
    """From 15.1 tier-3 boots are built from tier-2 ones: Armored Advance (3174, from Plated Steelcaps) is not a pair
    of finished boots, Plated Steelcaps (3047) is; the basic Boots are not either."""
    finished = ddragon.tier_two_boots(ddragon.tables()[0])
    on = {patch: set(finished.filter(patch=patch)["item_id"]) for patch in ("14.24", "15.1")}
    assert 3047 in on["15.1"] and 3174 not in on["15.1"] and BASIC_BOOTS not in on["15.1"]
    assert ddragon.items("15.1").filter(item_id=3174)["tier"].to_list() == ["boots"]
    assert on["14.24"] == on["15.1"]


def test_the_builds_of_three_items_are_what_they_were(tables):
    """Core ranks past three leave `participant_games` and the three-item core paths as they were: every player's
    `core_1..3` are its ranks 1 to 3."""
    ranks = tables["item_purchases"].filter(pl.col("core_rank").is_between(1, 3)).pivot(
        "core_rank", index=["match_id", "participant_id"], values="item_id")
    joined = tables["participant_games"].join(ranks, on=["match_id", "participant_id"], how="left")
    for rank in (1, 2, 3):
        assert (joined[f"core_{rank}_id"].eq_missing(joined[str(rank)])).all()
    assert tables["item_purchases"]["core_rank"].max() > 3


def sequences(game: Game) -> dict[int, list[tuple[int, str]]]:
    """Each player's core items in purchase order as in `late_items`, named: (depth, the first `depth` names
    joined by ` > `) for every depth 4 to 6 the build reached."""
    items = ddragon.items(patch_of(game))
    core = set(items.filter("is_core")["item_id"])
    name = dict(items.select("item_id", "item_name").iter_rows())
    upgrade_of = dict(items.select("item_id", "upgrade_of").drop_nulls().iter_rows())
    chosen = {}
    for pid, bought in kept_purchases(game).items():
        path = [name[item] for item in bought if item in core and upgrade_of.get(item) not in bought]
        chosen[pid] = [(depth, " > ".join(path[:depth])) for depth in (4, 5, 6) if len(path) >= depth]
    return chosen


def test_item_sequences_are_the_builds_prefixes_beyond_three_items(games, tables):
    """Every sequence of four to six core items before the support threshold, recounted from the files; and the
    threshold: on one game alone nothing is frequent, on twelve copies of it every sequence is."""
    mined = reached.reached_fold("sequence", pl.String, {}, reached.item_sequences, within={"depth": pl.Int32})
    counts = recount(games, sequences)
    assert {key[3] for key in counts} == {4, 5, 6}
    check_rates(mined(players=tables["participant_games"], purchases=tables["item_purchases"],
                      tiers=tables["game_tiers"]), counts, ["depth", "sequence"], 1)
    assert tables["item_sequence_stats"].is_empty()
    copies = [variant(load_real("13.24"), number) for number in range(1, 13)]
    frequent = tables_of(copies)["item_sequence_stats"].filter(tier=ALL)
    expected = recount(copies, sequences)
    assert published(frequent, ["depth", "sequence"]) == expected and (frequent["games"] == 12).all()
    assert (frequent["pick_rate"] >= reached.MIN_SUPPORT).all()


def test_the_synthetic_builds_complete_more_core_items_in_longer_games_and_are_mined(planted):
    """The planted ladder's players hold about three core items at 25 minutes and five or six at 40 (`lol.CORE_GOLD`),
    so its builds reach the fourth to sixth items and their usual orders are frequent sequences."""
    cores = planted.std["item_purchases"].group_by("match_id", "participant_id").agg(
        pl.col("core_rank").max().alias("cores"))
    builds = planted.std["participant_games"].join(cores, on=["match_id", "participant_id"], how="left").with_columns(
        pl.col("cores").fill_null(0))
    at_25 = builds.filter(pl.col("minutes").is_between(24, 26))["cores"]
    at_40 = builds.filter(pl.col("minutes").is_between(39, 41))["cores"]
    assert 2.6 <= at_25.mean() <= 3.4 and at_25.max() <= 4
    assert 5 <= at_40.mean() <= 6 and at_40.min() >= 4 and at_40.max() == 6
    assert set(planted.cons["late_item_stats"]["slot"]) == {4, 5, 6}
    mined = planted.cons["item_sequence_stats"].filter(tier=ALL)
    assert mined.height > 10 and 4 in set(mined["depth"])
    assert ((mined["pick_rate"] >= reached.MIN_SUPPORT) & (mined["games"] >= reached.MIN_SUPPORT_GAMES)).all()
