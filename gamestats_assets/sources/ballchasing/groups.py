"""The rows of ballchasing's per-player stat groups (`records.GROUP_STATS`), and the features derived from them.

A stat of group `g` named `k` by ballchasing is the stat row `g_k` (`boost_bcpm`), whether read from ballchasing's
JSON or computed from a raw replay's frames; `features` derives the design's features from these rows the same
way for every source."""

from __future__ import annotations

import math
from collections.abc import Mapping

from gamestats_assets.sources.ballchasing.records import GROUP_OF, StatValue, missing, ratio



def group_rows(values: Mapping[str, float | None], reasons: Mapping[str, str]) -> list[StatValue]:
    """A row per group stat: its value from `values` (keyed `g_k`), else (absent, or not a number: a
    mean over nothing) null with the reason given in `reasons` for it or for its group."""
    return [
        StatValue(stat, float(values[stat])) if values.get(stat) is not None and math.isfinite(values[stat])
        else missing(stat, reasons.get(stat) or reasons.get(group) or f"the source gave no {stat}")
        for stat, group in GROUP_OF.items()
    ]


def features(values: Mapping[str, float | None], team_size: int, no_stats: str,
             no_boost: str | None = None) -> list[StatValue]:
    """The design's features that the groups define (`records.FEATURES`), from the group rows; null
    with `no_stats` (`no_boost` for the boost features, when given, or a narrower reason) where the rows they
    need are missing.

    Time shares are of the player's time on the pitch (the thirds' sum) except time at zero boost (of
    the player's time in the game, as ballchasing's `percent_zero_boost`, without which it is unknown); first /
    third man are most forward / most back; a second man exists in teams of three or more, the time on the
    pitch as neither. A value that is not a number (a mean over no time) is missing."""

    def get(stat: str) -> float | None:
        value = values.get(stat)
        return value if value is not None and math.isfinite(value) else None

    thirds = [get(f"positioning_time_{name}_third") for name in ("defensive", "neutral", "offensive")]
    on_pitch = sum(thirds) if None not in thirds else None
    heights = [get(f"movement_time_{name}") for name in ("ground", "low_air", "high_air")]
    sides = [get("positioning_time_behind_ball"), get("positioning_time_infront_ball")]
    collected, overfill, bcpm = get("boost_amount_collected"), get("boost_amount_overfill"), get("boost_bcpm")
    zero, zero_percent = get("boost_time_zero_boost"), get("boost_percent_zero_boost")
    live = zero * 100 / zero_percent if zero and zero_percent else (on_pitch if zero == 0 else None)
    forward, back = get("positioning_time_most_forward"), get("positioning_time_most_back")
    rows = [
        ratio("time_defensive_third_share", thirds[0], on_pitch, no_stats),
        ratio("time_neutral_third_share", thirds[1], on_pitch, no_stats),
        ratio("time_offensive_third_share", thirds[2], on_pitch, no_stats),
        ratio("time_behind_ball_share", sides[0], sum(sides) if None not in sides else None, no_stats),
        ratio("time_high_air_share", heights[2], sum(heights) if None not in heights else None, no_stats),
        StatValue("avg_distance_to_ball", get("positioning_avg_distance_to_ball"))
        if get("positioning_avg_distance_to_ball") is not None else missing("avg_distance_to_ball", no_stats),
        StatValue("avg_distance_to_mates", get("positioning_avg_distance_to_mates"))
        if team_size > 1 and get("positioning_avg_distance_to_mates") is not None
        else missing("avg_distance_to_mates", "the player had no teammate on the pitch" if team_size <= 1 else no_stats),
        ratio("boost_collected_per_minute", collected, collected / bcpm if collected and bcpm else None,
              "the player collected no boost" if bcpm is not None else no_boost or no_stats),
        ratio("boost_wasted_share", overfill, (collected or 0) + (overfill or 0) if collected is not None else None,
              "the player collected no boost" if collected is not None else no_boost or no_stats),
        ratio("time_zero_boost_share", zero, live,
              no_boost or no_stats if zero is None else "the source gave no share of the time at zero boost"),
    ]
    if team_size < 2:
        alone = "the player had no teammate on the pitch"
        return [*rows, missing("time_first_man_share", alone), missing("time_third_man_share", alone),
                missing("time_second_man_share", alone)]
    rows += [ratio("time_first_man_share", forward, on_pitch, no_stats),
             ratio("time_third_man_share", back, on_pitch, no_stats)]
    if team_size < 3:
        return [*rows, missing("time_second_man_share", "no second man in teams of fewer than three")]
    between = on_pitch - forward - back if None not in (on_pitch, forward, back) else None
    return [*rows, ratio("time_second_man_share", max(between, 0.0) if between is not None else None, on_pitch,
                         no_stats)]
