"""When objectives fall and first dragon against first herald: the counts of `objective_timing` and
`dragon_vs_herald` on the real games of 11.16, 12.1, 13.24 and 14.1 (copied to clear the table's threshold) equal a
count made straight from their Riot JSON; the planted herald is found with its interval."""

from __future__ import annotations

import math
from collections import Counter

import polars as pl
import pytest

from gamestats_assets.defs.lol.tables import STATISTICS, STD_TABLES, computed
from gamestats_assets.defs.lol.transforms import objectives, truth
from gamestats_assets.generator.emitters import lol
from gamestats_assets.published.lol import MIN_GAMES
from gamestats_assets_tests.lol.real_games import (
    RANKED,
    TOURNAMENT,
    Game,
    changes,
    info,
    lasting,
    load,
    load_real,
    parsed,
    variant,
    winner_swapped,
)

COPIES, SWAPPED = 32, 12
"""Each real game is counted `COPIES` times, the other team winning `SWAPPED` of them."""
QUEUES = {420: "ranked_solo", 440: "ranked_flex", 0: "other"}
NAMES = {"DRAGON": "dragon", "RIFTHERALD": "herald", "BARON_NASHOR": "baron", "HORDE": "grubs"}
TABLES = [table for table in STATISTICS if table.name in ("objective_timing", "dragon_vs_herald")]


def real_games() -> list[Game]:
    return [load(RANKED), load(TOURNAMENT), load_real("13.24"), load_real("14.1")]


def statistics_of(games: list[Game]) -> dict[str, pl.DataFrame]:
    etl = dict(zip(("matches", "participants", "timeline_events", "participant_frames"), parsed(games), strict=True))
    return computed(etl, [*STD_TABLES, *TABLES])


def copies(game: Game, first_id: int, change=None) -> list[Game]:
    return [variant(game, first_id + n, change=changes(*filter(None, (change, winner_swapped if n < SWAPPED else None))))
            for n in range(COPIES)]


def takes_in_json(game: Game) -> tuple[str, str, int, list[tuple[str, float, int]]]:
    """A game's queue, patch, winning team and every objective take (objective, minute, taking team), read from its
    JSON alone."""
    match, timeline = (info(document) for document in game)
    takes = []
    for frame in timeline["frames"]:
        for event in frame["events"]:
            if event["type"] == "ELITE_MONSTER_KILL":
                takes.append((NAMES.get(event["monsterType"], event["monsterType"].lower()),
                              event["timestamp"] / 60_000, event["killerTeamId"]))
            elif event["type"] == "BUILDING_KILL" and event["buildingType"] == "TOWER_BUILDING":
                takes.append(("tower", event["timestamp"] / 60_000, 300 - event["teamId"]))
    winner = next(team["teamId"] for team in match["teams"] if team["win"])
    patch = ".".join(match["gameVersion"].split(".")[:2])
    return QUEUES[match["queueId"]], patch, winner, takes


def expected_timing(game: Game) -> dict[tuple, tuple[int, int, int]]:
    """(games, takes, first taker's wins) by (queue, patch, objective, period) of `COPIES` copies of `game`, the
    other team winning `SWAPPED` of them, rows of fewer than `MIN_GAMES` games left out."""
    queue, patch, winner, takes = takes_in_json(game)
    period_of = {}
    counts: dict[tuple, Counter] = {}
    first: dict[str, tuple[float, int]] = {}
    for objective, minute, team in takes:
        first.setdefault(objective, (minute, team))
        start = int(minute // 5 * 5)
        period_of[objective, start] = f"{start}-{start + 5} min"
        counts.setdefault((objective, start), Counter())["takes"] += COPIES
    rows = {}
    for objective, (minute, team) in first.items():
        start = int(minute // 5 * 5)
        wins = COPIES - SWAPPED if team == winner else SWAPPED
        rows[queue, patch, objective, period_of[objective, start]] = (
            COPIES, counts[objective, start]["takes"], wins)
        rows[queue, patch, objective, "all"] = (
            COPIES, COPIES * sum(1 for name, _, _ in takes if name == objective), wins)
    return rows


@pytest.fixture(scope="module")
def real_statistics() -> dict[str, pl.DataFrame]:
    return statistics_of([copy for index, game in enumerate(real_games())
                          for copy in copies(game, 5000 + 100 * index)])


def test_objective_timing_counts_equal_a_count_of_the_riot_json(real_statistics):
    table = real_statistics["objective_timing"]
    found = {(row["queue"], row["patch"], row["objective"], row["period"]): (row["games"], row["takes"], row["wins"])
             for row in table.iter_rows(named=True)}
    expected = {key: value for game in real_games() for key, value in expected_timing(game).items()}
    assert found == expected
    assert {"grubs", "dragon", "herald", "baron", "tower"} <= set(table["objective"])
    assert (table["games"] >= MIN_GAMES).all()
    assert (table["win_rate_ci_low"] <= table["win_rate"]).all() and (table["q_value"] >= table["p_value"]).all()
    firsts = table.filter(pl.col("period") != "all")
    assert (firsts["share_of_games"] == 1.0).all() and (firsts["from_minute"] <= firsts["first_minute_mean"]).all()


def test_dragon_vs_herald_counts_equal_a_count_of_the_riot_json(real_statistics):
    """The 11.16 and 12.1 games' first dragon and first herald went to different teams; in 13.24 and 14.1 one team
    took both, so neither side has a team there and the table has no row."""
    table = real_statistics["dragon_vs_herald"]
    expected = {}
    for game in real_games():
        queue, patch, winner, takes = takes_in_json(game)
        first = {}
        for objective, _, team in takes:
            first.setdefault(objective, team)
        if first["dragon"] != first["herald"]:
            dragon_wins = COPIES - SWAPPED if first["dragon"] == winner else SWAPPED
            expected[queue, patch] = (COPIES, dragon_wins, COPIES, COPIES - dragon_wins)
    found = {(row["queue"], row["patch"]): (row["dragon_games"], row["dragon_wins"], row["herald_games"],
                                            row["herald_wins"]) for row in table.iter_rows(named=True)}
    assert found == expected and set(found) == {("ranked_solo", "11.16"), ("other", "12.1")}
    for row in table.iter_rows(named=True):
        assert row["difference"] == pytest.approx(row["dragon_win_rate"] - row["herald_win_rate"])
        assert row["difference_ci_low"] < row["difference"] < row["difference_ci_high"]
        assert row["same_length_difference"] == pytest.approx(row["difference"]), "both sides from the same games"


def test_same_length_difference_weighs_the_strata_cochran_mantel_haenszel():
    """Two strata: 30 dragon teams winning 20 against 10 herald teams winning 5, and 10 winning 2 against 30
    winning 9; the weights are 30·10/40 = 7.5 in both."""
    result = objectives.same_length_difference([(20, 30, 5, 10), (2, 10, 9, 30)])
    assert result["same_length_difference"] == pytest.approx(((20 / 30 - 0.5) + (0.2 - 0.3)) / 2)
    error = math.sqrt(7.5**2 * ((2 / 3) * (1 / 3) / 30 + 0.25 / 10 + 0.2 * 0.8 / 10 + 0.3 * 0.7 / 30)) / 15
    assert result["same_length_ci_high"] - result["same_length_difference"] == pytest.approx(1.959963984540054 * error)
    assert (result["same_length_dragon_games"], result["same_length_herald_games"]) == (40, 40)


def test_a_shorter_herald_game_is_compared_with_dragon_games_as_long():
    """The 11.16 game with its herald removed (so only its dragon team counts), 40 copies at 22 minutes of which the
    dragon team wins 30, beside 40 copies of the 13.24 game with its first dragon removed, at 33 minutes, the herald
    team winning 10: the raw difference is 0.5, but the two sides share no length, so nothing is compared."""
    def without(monster: str):
        def change(_: dict, timeline_info: dict) -> None:
            for frame in timeline_info["frames"]:
                frame["events"] = [e for e in frame["events"] if e.get("monsterType") != monster]
        return change
    def in_seconds(minutes: int):
        def change(match_info: dict, _: dict) -> None:
            match_info["gameDuration"] = minutes * 60
            match_info["gameEndTimestamp"] = match_info["gameCreation"] + minutes * 60_000
        return change
    dragon = [variant(load(RANKED), 7000 + n, version="13.24.547.9214", change=changes(
        without("RIFTHERALD"), in_seconds(22), *([winner_swapped] if n < 10 else []))) for n in range(40)]
    herald = [variant(load_real("13.24"), 7100 + n, change=changes(
        without("DRAGON"), lasting(33), *([] if n < 10 else [winner_swapped]))) for n in range(40)]
    [row] = statistics_of([*dragon, *herald])["dragon_vs_herald"].iter_rows(named=True)
    assert (row["dragon_games"], row["dragon_wins"], row["herald_games"], row["herald_wins"]) == (40, 30, 40, 10)
    assert row["difference"] == pytest.approx(0.5)
    assert row["same_length_difference"] is None and row["same_length_dragon_games"] == 0


def test_the_planted_herald_is_found_with_its_interval(planted):
    """The emitter gives the first herald's team +5 points (`lol.HERALD_WIN`) and the first dragon to either team at
    random; a dragon team without the first herald lost it to the other team (45 %) or nobody took one (50 %)."""
    std = planted.std
    [row] = planted.cons["dragon_vs_herald"].iter_rows(named=True)
    herald_rate = truth.win_rate_with(lol.HERALD_WIN)
    firsts = std["first_objectives"].filter(pl.col("first_dragon").fill_null(False)
                                            & ~pl.col("first_herald").fill_null(False))
    unclaimed = firsts["first_herald"].is_null().mean()
    planted_difference = unclaimed * 0.5 + (1 - unclaimed) * (1 - herald_rate) - herald_rate
    assert row["difference_ci_low"] <= planted_difference <= row["difference_ci_high"]
    assert row["herald_win_rate_ci_low"] <= herald_rate <= row["herald_win_rate_ci_high"]
    assert row["dragon_games"] == firsts.height
    timing = planted.cons["objective_timing"].filter(objective="herald", period="all").row(0, named=True)
    assert timing["win_rate_ci_low"] <= herald_rate <= timing["win_rate_ci_high"]
    assert 8 <= timing["first_minute_mean"] <= 13, "the emitter's first herald falls between minutes 8 and 13"
