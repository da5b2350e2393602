"""The default `gamestats demo` plants enough for its planted-truth checks to decide: at the default size, a
detection that finds every planted case passes (each rate's 95 % interval lies above its floor) rather than warns
that too few were planted, while the smallest demo still warns, with its n."""

from __future__ import annotations

import datetime as dt
import math

import dagster as dg
import polars as pl

from gamestats_assets.cli import demo
from gamestats_assets.defs.l2m.transforms.farm_truth import PRECISION_FLOOR, RECALL_FLOOR
from gamestats_assets.defs.lol.assets import GAMES_PER_PLAYER, PLAYERS_PER_GAME
from gamestats_assets.defs.lol.checks import MAX_NOT_PLANTED_SHARE, MIN_RECALL
from gamestats_assets.defs.rocket.checks import TRUTH_FLOOR
from gamestats_assets.defs.rocket.transforms import daily, skills
from gamestats_assets.generator.emitters import l2m, lol, lol_pool, rocket
from gamestats_assets.lib.authoring.checks import planted_truth_result
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.core.stats import RateAgainstFloor, fewest_to_decide
from gamestats_assets.published.lol import MIN_GAMES
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json

SMALLEST = 100
"""`gamestats demo --days 1 --users 100`."""


def default_size(data_dir) -> tuple[int, int]:
    """The default demo's users and days."""
    return Settings.from_env().users, next(p.default for p in demo.params if p.name == "days")


def perfect(counts: dict[str, tuple[int, float]]) -> dg.AssetCheckResult:
    """The verdict of a check whose detection found every one of `counts` (name → planted, floor)."""
    return planted_truth_result([RateAgainstFloor(name, n, n, floor) for name, (n, floor) in counts.items()])


def farm_counts(users: int) -> dict[str, tuple[int, float]]:
    """Each farm kind's accounts (active every day), as the l2m check judges them: recall and precision."""
    accounts: dict[str, int] = {}
    for farm in l2m.planted_farms(0, users):
        accounts[farm.kind] = accounts.get(farm.kind, 0) + farm.size
    return {**{f"{kind}_recall": (n, RECALL_FLOOR) for kind, n in accounts.items()},
            **{f"{kind}_precision": (n, PRECISION_FLOOR) for kind, n in accounts.items()}}


def test_the_arithmetic_of_deciding():
    """All of n found puts the Wilson lower bound at n / (n + 1.96²): deciding 0.95 takes 73, 0.9 takes 35."""
    assert [fewest_to_decide(floor) for floor in (0.8, 0.9, 0.95)] == [16, 35, 73]
    assert perfect({"rate": (73, 0.95)}).passed and not perfect({"rate": (72, 0.95)}).passed


def test_each_farm_kind_of_the_default_demo_is_planted_enough_to_decide(data_dir):
    users, _ = default_size(data_dir)
    counts = farm_counts(users)
    assert min(n for n, _ in counts.values()) >= fewest_to_decide(PRECISION_FLOOR)
    assert l2m.DECIDING_PRECISION == PRECISION_FLOOR
    assert perfect(counts).passed
    assert sum(farm.size for farm in l2m.planted_farms(0, users)) < users / 4


def test_the_smallest_demo_keeps_its_farms_a_minority_and_warns(data_dir):
    planted = sum(farm.size for farm in l2m.planted_farms(0, SMALLEST))
    assert planted < SMALLEST / 2
    verdict = perfect(farm_counts(SMALLEST))
    assert not verdict.passed and verdict.severity == dg.AssetCheckSeverity.WARN
    assert verdict.description.startswith("Too few planted cases to decide")


def expected_games(champion: str, games: int) -> float:
    """The games a champion is expected to play in `games` of the synthetic ladder: two picks of its position a
    game, each its share of the position's popularity."""
    position = lol_pool.POSITION_OF[champion]
    weights = lol_pool.pick_weights(position)
    rank = [name for name, _ in lol_pool.POOL[position]].index(champion)
    return 2 * games * weights[rank] / sum(weights)


def test_the_default_demo_plays_every_detectable_lol_effect_enough_to_decide(data_dir):
    """Each planted max order of the default demo's games is expected on both sides of its comparison with
    `MIN_GAMES` and two standard deviations to spare, so the effects the check judges (with the UTILITY vision
    slope) are enough for finding them all to pass both of its rates."""
    users, days = default_size(data_dir)
    games = days * users * GAMES_PER_PLAYER // PLAYERS_PER_GAME
    orders = [e for e in lol.PLANTED if e.pattern_type == "skill_max_order"]
    half = [expected_games(e.subject, games) / 2 for e in orders]
    detectable = sum(side - 2 * math.sqrt(side / 2) >= MIN_GAMES for side in half) + 1
    assert detectable >= fewest_to_decide(MIN_RECALL)
    assert perfect({"recall_detectable": (detectable, MIN_RECALL),
                    "planted_share_of_reported": (detectable, 1 - MAX_NOT_PLANTED_SHARE)}).passed


def test_the_synthetic_ladder_picks_a_few_champions_often_and_most_rarely():
    """Expected pick rates over the whole pool: the most played in 15–25 % of games, the median under 5 %."""
    rates = sorted((expected_games(champion, 1) for champion in lol_pool.CLASS_OF), reverse=True)
    assert len(rates) == 162
    assert 0.15 <= rates[0] <= 0.25 and rates[len(rates) // 2] < 0.05 and rates[-1] < 0.02


def test_the_default_demo_plants_enough_rocket_league_weaknesses_to_decide(data_dir):
    """A detection finding every planted weakness passes the precision floor; whether the real detection finds
    them is the power the players' games give it, which the check reports beside its verdict."""
    users, _ = default_size(data_dir)
    planted = sum(p["weakness"] is not None for p in rocket.truth_document(seed=0, n_players=users)["players"])
    assert planted >= fewest_to_decide(TRUTH_FLOOR)
    assert perfect({"precision": (planted, TRUTH_FLOOR)}).passed


def test_rocket_league_weaknesses_are_planted_in_players_with_the_games_to_show_them(data_dir):
    """A weakness is planted in proportion to a player's activity: the planted players play about twice the games
    of the others, while the population's games stay `GAMES_PER_ACTIVE_DAY` an active day (the demo's run time
    does not grow) and the share planted stays near `WEAKNESS_SHARE`; the gap planted is the real one."""
    users, _ = default_size(data_dir)
    players = rocket.population(0, users)
    planted = [p.activity for p in players if p.weakness is not None]
    others = [p.activity for p in players if p.weakness is None]
    assert 0.25 <= len(planted) / users <= rocket.WEAKNESS_SHARE
    assert 0.95 <= sum(p.activity for p in players) / users <= 1.05
    assert sum(planted) / len(planted) >= 1.8 * sum(others) / len(others)
    assert rocket.WEAKNESS_GAP == 1.2


def test_the_default_demo_finds_enough_rocket_league_weaknesses_to_decide(data_dir):
    """The default demo's three days of Rocket League games through the rocket transforms: the detection finds
    enough planted weaknesses, with few enough false ones, for its precision to pass rather than warn."""
    users, days = default_size(data_dir)
    anchor = dt.date(2026, 1, 1)
    stats, seen = [], []
    for offset in range(days):
        day = anchor + dt.timedelta(days=offset)
        parsed = [parse_replay_json(d) for d in rocket.generate_replays(day, seed=0, n_players=users, anchor=anchor)]
        etl = daily.etl_tables(parsed, day)
        best = daily.matches(etl["matches"])
        players = daily.match_players(etl["match_players"], best)
        seen.append(daily.users(players, best))
        stats.append(daily.player_stats(etl["match_stats"], players, best))
    truth = pl.DataFrame(rocket.truth_document(seed=0, n_players=users)["players"],
                         schema={"player_id": pl.String, "weakness": pl.String})
    found = skills.truth_scores(skills.skill_scores(skills.player_levels(pl.concat(stats), pl.concat(seen))), truth)
    assert planted_truth_result([RateAgainstFloor("precision", found["true_positives"], found["found"],
                                                  TRUTH_FLOOR)]).passed, found
