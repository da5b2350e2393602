"""Checks of the lol domain beyond the publish factory's: on synthetic data, the planted effects are found."""


import json

import dagster as dg
import polars as pl

from gamestats_assets.defs.lol.assets import CONS_BY_NAME, DOMAIN
from gamestats_assets.defs.lol.transforms import truth
from gamestats_assets.lib.resources import PlatformResource
from gamestats_assets.sources.riot.parse import TRUTH_FILE

MIN_RECALL = 0.9
MAX_NOT_PLANTED_SHARE = 0.10


@dg.asset_check(asset=CONS_BY_NAME["discovered_patterns"], name="planted_patterns_found")
def planted_patterns_found(platform: PlatformResource, discovered_patterns: pl.DataFrame) -> dg.AssetCheckResult:
    """Where the landing days carry the emitter's ``planted_effects.json``, at least 90 % of the planted
    effects are reported and at most 10 % of the reported patterns are not planted. Real data has no truth:
    the check then passes and says so."""
    planted = {json.dumps(effect, sort_keys=True): effect
               for path in sorted(platform.landing_dir(DOMAIN).glob(f"*/{TRUTH_FILE}"))
               for effect in json.loads(path.read_text())}
    if not planted:
        return dg.AssetCheckResult(passed=True, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"planted_truth": "none (real data)"})
    result = truth.score(discovered_patterns, list(planted.values()))
    passed = result["recall"] >= MIN_RECALL and result["not_planted_share"] <= MAX_NOT_PLANTED_SHARE
    return dg.AssetCheckResult(passed=passed, severity=dg.AssetCheckSeverity.WARN, metadata=result)


CHECKS = [planted_patterns_found]
