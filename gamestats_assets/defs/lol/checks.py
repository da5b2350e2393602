"""Checks of the lol domain beyond the publish factory's: games left out of the statistics, and on synthetic
data, the planted effects found."""


import json

import dagster as dg
import polars as pl

from gamestats_assets.defs.lol.assets import CONS_BY_NAME, DOMAIN, games, landing_games, std_key
from gamestats_assets.defs.lol.transforms import truth
from gamestats_assets.lib.authoring.checks import Outcome, asset_check, frame_check, planted_truth_result
from gamestats_assets.lib.authoring.source_checks import one_source_check
from gamestats_assets.lib.core.stats import RateAgainstFloor
from gamestats_assets.lib.core.partitions import every_partition
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import day_folder, landing_files
from gamestats_assets.published.lol import MIN_GAMES, Q_THRESHOLD
from gamestats_assets.sources.riot.league import ALL
from gamestats_assets.sources.riot.parse import TRUTH_FILE

MIN_RECALL = 0.9
MAX_NOT_PLANTED_SHARE = 0.10
MAX_EXCLUDED_SHARE = 0.20
"""Remakes and games with an AFK player are a few in a hundred; far more points at a misread file (a duration
in the wrong unit) or a broken AFK rule."""


def excluded_games(table: pl.DataFrame) -> Outcome:
    """Remakes and games with an AFK player, kept in the lake but counted in no statistic, and their share."""
    excluded = table.filter(~pl.col("counted")).height
    share = excluded / table.height if table.height else 0.0
    return Outcome(passed=share <= MAX_EXCLUDED_SHARE, metadata={
        "games": table.height, "remakes": int(table["remake"].sum()),
        "games_with_afk_player": int((table["afk_players"] > 0).sum()), "excluded": excluded,
        "excluded_share": share, "max_excluded_share": MAX_EXCLUDED_SHARE})


excluded_games_check = frame_check(
    games, "excluded_games", excluded_games, columns=["remake", "afk_players", "counted"],
    description="Counts the remakes and games with an AFK player that no statistic uses; fails when they are "
                f"more than {MAX_EXCLUDED_SHARE:.0%} of the day's games.")


@asset_check(asset=CONS_BY_NAME["discovered_patterns"], name="planted_patterns_found",
             additional_ins={name: every_partition(std_key(name))
                             for name in ("participant_games", "first_objectives", "games")})
def planted_patterns_found(platform: PlatformResource, discovered_patterns: pl.DataFrame,
                           participant_games: pl.DataFrame, first_objectives: pl.DataFrame,
                           games: pl.DataFrame) -> dg.AssetCheckResult:
    """Where the landing days carry the emitter's `planted_effects.json`, at least 90 % of the planted
    effects the games can reveal (`transforms/truth.py`: enough games for 80 % power) are reported, and at
    most 10 % of the reported patterns of every rank (`tier` all) are not planted, each judged by its interval
    (`planted_truth_result`); the metadata gives every effect's n, power and whether it was found, and the games a +5-point win effect needs. Real data has no truth: the check then
    verifies that every reported pattern meets the reporting rule (q below `Q_THRESHOLD`, `MIN_GAMES` on
    each side) and says so."""
    planted = {json.dumps(effect, sort_keys=True): effect
               for path in sorted(platform.landing_dir(DOMAIN).glob(f"*/{TRUTH_FILE}"))
               for effect in json.loads(path.read_text())}
    if not planted:
        breaking = discovered_patterns.filter((pl.col("q_value") >= Q_THRESHOLD) | (pl.col("n") < MIN_GAMES)
                                              | (pl.col("n_baseline") < MIN_GAMES)).height
        return dg.AssetCheckResult(passed=breaking == 0, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"planted_truth": "none (real data)", "reported": discovered_patterns.height,
                                             "reported_against_the_rule": breaking})
    result = truth.score(discovered_patterns.filter(tier=ALL), list(planted.values()),
                         participant_games.drop("date"), first_objectives.drop("date"), games.drop("date"))
    effects = result.pop("effects")
    rates = [RateAgainstFloor("recall_detectable", result["found_detectable"], result["detectable"], MIN_RECALL),
             RateAgainstFloor("planted_share_of_reported", result["found"], result["reported"],
                              1 - MAX_NOT_PLANTED_SHARE)]
    return planted_truth_result(rates, {
        **result, "effects": dg.MetadataValue.json(effects),
        "games_each_side_for_5_points": truth.games_to_detect(0.05)})


CHECKS = [excluded_games_check, planted_patterns_found,
          one_source_check(landing_games, DOMAIN, lambda platform, key: landing_files(day_folder(platform, DOMAIN, key)))]
