"""Scoring discovered patterns against what the synthetic emitter planted (`planted_effects.json`): recall
over every planted effect and over the detectable ones, and the share of reported patterns not planted."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import counted
from gamestats_assets.published.lol import MIN_GAMES

MULTIPLIER_UNITS = ("DPM multiplier",)
WIN_UNIT = "win log-odds"
DETECTION_ALPHA = 0.001
POWER = 0.8
CONDITION_COLUMNS = {"first_core_item": "core_1", "skill_max_order": "max_order"}


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def normal_quantile(p: float) -> float:
    """The standard normal quantile (bisection on `normal_cdf`: exact to 1e-10, no scipy import)."""
    low, high = -40.0, 40.0
    while high - low > 1e-10:
        middle = (low + high) / 2
        low, high = (middle, high) if normal_cdf(middle) < p else (low, middle)
    return (low + high) / 2


def win_rate_with(log_odds: float, baseline: float = 0.5) -> float:
    """The win rate `baseline` becomes with `log_odds` added."""
    return 1 / (1 + math.exp(-(math.log(baseline / (1 - baseline)) + log_odds)))


def two_proportion_power(difference: float, n_with: int, n_without: int, alpha: float = DETECTION_ALPHA,
                         baseline: float = 0.5) -> float:
    """Power of the two-sided two-proportion z-test to find win rates `baseline + difference` (n_with games)
    against `baseline` (n_without)."""
    if min(n_with, n_without) == 0:
        return 0.0
    moved = baseline + difference
    pooled = (moved * n_with + baseline * n_without) / (n_with + n_without)
    null_error = math.sqrt(pooled * (1 - pooled) * (1 / n_with + 1 / n_without))
    error = math.sqrt(moved * (1 - moved) / n_with + baseline * (1 - baseline) / n_without)
    return normal_cdf((abs(difference) - normal_quantile(1 - alpha / 2) * null_error) / error)


def one_proportion_power(difference: float, n: int, alpha: float = DETECTION_ALPHA, baseline: float = 0.5) -> float:
    """Power of the two-sided test of one win rate against `baseline` to find `baseline + difference`."""
    if n == 0:
        return 0.0
    moved = baseline + difference
    return normal_cdf((abs(difference) * math.sqrt(n) - normal_quantile(1 - alpha / 2)
                       * math.sqrt(baseline * (1 - baseline))) / math.sqrt(moved * (1 - moved)))


def games_to_detect(difference: float, alpha: float = DETECTION_ALPHA, power: float = POWER) -> int:
    """Games needed on each side to find a win-rate `difference` from 50 % with `power` at `alpha`."""
    n = 1
    while two_proportion_power(difference, n, n, alpha) < power:
        n *= 2
    low, high = n // 2, n
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if two_proportion_power(difference, middle, middle, alpha) >= power else (middle, high)
    return high


def planted_sign(effect: dict) -> int:
    neutral = 1.0 if effect["unit"] in MULTIPLIER_UNITS else 0.0
    return 1 if effect["size"] > neutral else -1


def effect_power(effect: dict, players: pl.DataFrame, first_objectives: pl.DataFrame) -> tuple[int, int, float]:
    """(n with the planted condition, n without, power to find it) in the counted games: for a win effect the
    power of a two-proportion z-test (a binomial test against 50 % for an objective) at `DETECTION_ALPHA`,
    its win rate moved by the planted log-odds from 50 %; DPM and death-rate effects, planted large, are
    detectable with `MIN_GAMES` on each side."""
    if effect["pattern_type"] == "first_objective":
        objective = effect["condition"].removeprefix("first ")
        takers = first_objectives.filter(pl.col(f"first_{objective}") & pl.col("win").is_not_null()).height
        return takers, takers, one_proportion_power(win_rate_with(effect["size"]) - 0.5, takers)
    if effect["pattern_type"] == "vision_deaths":
        n = players.filter(pl.col("team_position") == effect["subject"]).height
        return n, n, 1.0 if n >= MIN_GAMES else 0.0
    games = players.filter(pl.col("champion_name") == effect["subject"])
    column = CONDITION_COLUMNS[effect["pattern_type"]]
    n_with = games.filter(pl.col(column) == effect["condition"]).height
    n_without = games.height - n_with
    if effect["unit"] != WIN_UNIT:
        return n_with, n_without, 1.0 if min(n_with, n_without) >= MIN_GAMES else 0.0
    counts = games[column].drop_nulls().value_counts()
    compared = max(1, counts.filter((pl.col("count") >= MIN_GAMES)
                                    & (games.height - pl.col("count") >= MIN_GAMES)).height)
    return n_with, n_without, two_proportion_power(win_rate_with(effect["size"]) - 0.5, n_with, n_without,
                                                   DETECTION_ALPHA / compared)


def score(patterns: pl.DataFrame, planted: Sequence[dict], players: pl.DataFrame | None = None,
          first_objectives: pl.DataFrame | None = None, games: pl.DataFrame | None = None) -> dict:
    """Recall of the planted effects and the share of reported patterns that are not planted; with the games
    (`participant_games`, `first_objectives`, `games`), each effect's n and power and the recall over
    the detectable ones.

    An effect is *found* when a reported pattern has its type, subject and condition with the planted sign
    (`planted_sign`); every other reported pattern, such as another condition of a planted champion, is
    *not planted*. An effect is *detectable* when `effect_power` reaches `POWER`."""
    reported = patterns.select("pattern_type", "subject", "condition", "effect").rows()
    truth = {(e["pattern_type"], e["subject"], e["condition"], planted_sign(e) > 0) for e in planted}
    matches = [(t, s, c, v > 0) in truth for t, s, c, v in reported]
    found_keys = {(t, s, c) for (t, s, c, _), hit in zip(reported, matches, strict=True) if hit}
    found = sum(matches)
    not_planted = len(reported) - found
    result = {"planted": len(planted), "found": found, "recall": found / len(planted) if planted else 1.0,
              "reported": len(reported), "not_planted": not_planted,
              "not_planted_share": not_planted / len(reported) if reported else 0.0}
    if players is None:
        return result
    players = counted(players)
    rift = counted(games, summoners_rift=True).select("match_id")
    objectives = first_objectives.join(rift, on="match_id")
    effects = []
    for effect in planted:
        n_with, n_without, power = effect_power(effect, players, objectives)
        effects.append({"pattern_type": effect["pattern_type"], "subject": effect["subject"],
                        "condition": effect["condition"], "n": n_with, "n_baseline": n_without,
                        "power": round(power, 4), "detectable": power >= POWER,
                        "found": (effect["pattern_type"], effect["subject"], effect["condition"]) in found_keys})
    detectable = [e for e in effects if e["detectable"]]
    return {**result, "detectable": len(detectable), "found_detectable": sum(e["found"] for e in detectable),
            "recall_detectable": (sum(e["found"] for e in detectable) / len(detectable)) if detectable else 1.0,
            "effects": effects}
