"""What each Rocket League stat row measures, declared once for the tables, the API and the pages: its name in words,
its unit, which way is better, how it is compared between games of different lengths, and which stats measure the
same thing (`MEASURES`: a page shows the first of them that has a value, never two bars or columns of one number).

Every stat row a source writes is declared (`STATS`): the scoreboard's, ballchasing's groups (`records.GROUP_STATS`)
and the design's features (`records.FEATURES`). `better` is `HIGHER` where more is better (goals, saves, boost
stolen), `LOWER` where less is (shots and goals against, time at zero boost, boost wasted, demolitions taken),
`NEITHER` for a style (time in a third, boost held, distance to the ball), whose percentile says where the value lies
and never that it is weak. Of the frame mechanics (`records.FRAME_MECHANICS`), higher is better for aerial attempts
and success, shot attempts, accuracy and speed, save success, rotation efficiency and the challenge measures; lower
for rotation timing (a quicker return to last man); neither for the average place, its spread and save attempts (more
attempts says more shots faced as much as a keeper's reach). A stat that adds up over the game (a count, an amount, a
distance, seconds in a state) is compared per minute of the game's length, or for seconds as a share of it, so that
an overtime does not put everyone of the game at the top (`comparable`)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from gamestats_assets.sources.ballchasing.records import CATEGORY_OF, FEATURES, GROUP_OF

HIGHER, LOWER, NEITHER = 1, -1, 0
COUNT, SECONDS, SHARE, PERCENT, UU, SPEED, SQUARED, BOOST, PER_MINUTE = (
    "count", "seconds", "share", "percent", "uu", "uu/s", "uu²", "boost", "per minute")
ADDS_UP = {COUNT, SECONDS, BOOST}
"""The units of what adds up over a game (with `UU` for a total distance: `Stat.adds_up`)."""


@dataclass(frozen=True)
class Stat:
    """A stat row's meaning: `label` in words, `unit` (`share`: 0–1, `percent`: 0–100, `boost`: an amount on
    the game's 0–100 tank scale, `per minute`: an amount per minute), `better` (`HIGHER`, `LOWER` or `NEITHER`)
    and whether it adds up over the game (`adds_up`)."""

    stat_type: str
    label: str
    unit: str
    better: int
    adds_up: bool

    @property
    def compared(self) -> str | None:
        """How the stat is compared between games: `share of the game` for seconds in a state, `per minute` for
        other totals, None for what is compared as it is (a rate, a share, a mean)."""
        if not self.adds_up:
            return None
        return "share of the game" if self.unit == SECONDS else "per minute"

    @property
    def category(self) -> str:
        return CATEGORY_OF.get(self.stat_type, "core")


def _stat(stat_type: str, label: str, unit: str, better: int = NEITHER, adds_up: bool | None = None) -> Stat:
    return Stat(stat_type, label, unit, better, unit in ADDS_UP if adds_up is None else adds_up)


def _grouped(group: str, rows: tuple[tuple, ...]) -> list[Stat]:
    return [_stat(f"{group}_{name}", *rest) for name, *rest in rows]


_BANDS = ("0_25", "25_50", "50_75", "75_100")
STATS: dict[str, Stat] = {stat.stat_type: stat for stat in [
    _stat("score", "score", COUNT, HIGHER), _stat("goals", "goals", COUNT, HIGHER),
    _stat("assists", "assists", COUNT, HIGHER), _stat("saves", "saves", COUNT, HIGHER),
    _stat("shots", "shots", COUNT, HIGHER), _stat("shots_against", "shots against", COUNT, LOWER),
    _stat("goals_against", "goals against", COUNT, LOWER),
    _stat("save_rate", "saves per shot against", SHARE, HIGHER),
    _stat("shot_accuracy", "goals per shot", SHARE, HIGHER),
    *_grouped("boost", (
        ("bpm", "boost used per minute", PER_MINUTE), ("bcpm", "boost collected per minute", PER_MINUTE, HIGHER),
        ("avg_amount", "average boost held", BOOST, NEITHER, False),
        ("amount_collected", "boost collected", BOOST, HIGHER), ("amount_stolen", "boost stolen", BOOST, HIGHER),
        ("amount_collected_big", "boost collected from big pads", BOOST),
        ("amount_stolen_big", "boost stolen from big pads", BOOST, HIGHER),
        ("amount_collected_small", "boost collected from small pads", BOOST),
        ("amount_stolen_small", "boost stolen from small pads", BOOST, HIGHER),
        ("count_collected_big", "big pads taken", COUNT), ("count_stolen_big", "big pads stolen", COUNT, HIGHER),
        ("count_collected_small", "small pads taken", COUNT),
        ("count_stolen_small", "small pads stolen", COUNT, HIGHER),
        ("amount_overfill", "boost overfilled", BOOST, LOWER),
        ("amount_overfill_stolen", "stolen boost overfilled", BOOST, LOWER),
        ("amount_used_while_supersonic", "boost used while supersonic", BOOST, LOWER),
        ("time_zero_boost", "time at zero boost", SECONDS, LOWER),
        ("percent_zero_boost", "time at zero boost", PERCENT, LOWER),
        ("time_full_boost", "time at full boost", SECONDS), ("percent_full_boost", "time at full boost", PERCENT),
        *((f"time_boost_{band}", f"time with {band.replace('_', '–')} boost", SECONDS) for band in _BANDS),
        *((f"percent_boost_{band}", f"time with {band.replace('_', '–')} boost", PERCENT) for band in _BANDS),
    )),
    *_grouped("movement", (
        ("avg_speed", "average speed", SPEED, HIGHER), ("total_distance", "distance travelled", UU, HIGHER, True),
        ("time_supersonic_speed", "time supersonic", SECONDS, HIGHER),
        ("time_boost_speed", "time at boost speed", SECONDS), ("time_slow_speed", "time at slow speed", SECONDS, LOWER),
        ("time_ground", "time on the ground", SECONDS), ("time_low_air", "time in low air", SECONDS),
        ("time_high_air", "time in high air", SECONDS, HIGHER), ("time_powerslide", "time powersliding", SECONDS),
        ("count_powerslide", "powerslides", COUNT), ("avg_powerslide_duration", "average powerslide", SECONDS, NEITHER,
                                                    False),
        ("avg_speed_percentage", "average speed", PERCENT, HIGHER),
        ("percent_slow_speed", "time at slow speed", PERCENT, LOWER),
        ("percent_boost_speed", "time at boost speed", PERCENT),
        ("percent_supersonic_speed", "time supersonic", PERCENT, HIGHER),
        ("percent_ground", "time on the ground", PERCENT), ("percent_low_air", "time in low air", PERCENT),
        ("percent_high_air", "time in high air", PERCENT, HIGHER),
    )),
    *_grouped("positioning", (
        ("avg_distance_to_ball", "distance to the ball", UU),
        ("avg_distance_to_ball_possession", "distance to the ball in possession", UU),
        ("avg_distance_to_ball_no_possession", "distance to the ball out of possession", UU),
        ("avg_distance_to_mates", "distance to teammates", UU, HIGHER),
        *((f"{kind}_{place}", words, unit, better) for kind, unit in (("time", SECONDS), ("percent", PERCENT))
          for place, words, better in (
              ("defensive_third", "time in the defensive third", NEITHER),
              ("neutral_third", "time in the neutral third", NEITHER),
              ("offensive_third", "time in the offensive third", NEITHER),
              ("defensive_half", "time in the defensive half", NEITHER),
              ("offensive_half", "time in the offensive half", NEITHER),
              ("behind_ball", "time behind the ball", HIGHER), ("infront_ball", "time in front of the ball", LOWER),
              ("most_back", "time furthest back", NEITHER), ("most_forward", "time furthest forward", NEITHER),
              ("closest_to_ball", "time closest to the ball", NEITHER),
              ("farthest_from_ball", "time farthest from the ball", NEITHER))),
        ("goals_against_while_last_defender", "goals conceded as last defender", COUNT, LOWER),
    )),
    *_grouped("demo", (("inflicted", "demolitions", COUNT, HIGHER), ("taken", "demolished", COUNT, LOWER))),
    _stat("time_defensive_third_share", "time in the defensive third", SHARE),
    _stat("time_neutral_third_share", "time in the neutral third", SHARE),
    _stat("time_offensive_third_share", "time in the offensive third", SHARE),
    _stat("time_behind_ball_share", "time behind the ball", SHARE, HIGHER),
    _stat("avg_distance_to_ball", "distance to the ball", UU),
    _stat("avg_distance_to_mates", "distance to teammates", UU, HIGHER),
    _stat("position_variance", "pitch covered", SQUARED),
    _stat("aerial_rate", "touches in the air", SHARE, HIGHER),
    _stat("time_high_air_share", "time in high air", SHARE, HIGHER),
    _stat("boost_collected_per_minute", "boost collected per minute", PER_MINUTE, HIGHER),
    _stat("boost_wasted_share", "boost wasted (overfill)", SHARE, LOWER),
    _stat("time_zero_boost_share", "time at zero boost", SHARE, LOWER),
    _stat("time_first_man_share", "time as first man", SHARE),
    _stat("time_second_man_share", "time as second man", SHARE),
    _stat("time_third_man_share", "time as third man", SHARE),
    _stat("challenge_win_rate", "challenges won", SHARE, HIGHER),
    _stat("avg_position_x", "average place across the pitch", UU),
    _stat("avg_position_y", "average place up the pitch", UU),
    _stat("avg_position_z", "average height", UU),
    _stat("position_sd_x", "spread across the pitch", UU, adds_up=False),
    _stat("position_sd_y", "spread up the pitch", UU, adds_up=False),
    _stat("position_sd_z", "spread in height", UU, adds_up=False),
    _stat("aerial_attempts", "aerial attempts", COUNT, HIGHER),
    _stat("aerial_success_rate", "aerials that reached a target", SHARE, HIGHER),
    _stat("shot_attempts", "shot attempts", COUNT, HIGHER),
    _stat("shot_on_target_rate", "shots on target per attempt", SHARE, HIGHER),
    _stat("shot_speed", "ball speed after a shot", SPEED, HIGHER),
    _stat("save_attempts", "save attempts", COUNT),
    _stat("save_success_rate", "save attempts that saved", SHARE, HIGHER),
    _stat("rotation_timing", "seconds from a first man's touch back to last man", SECONDS, LOWER, False),
    _stat("rotation_efficiency", "time in place in the rotation", SHARE, HIGHER),
    _stat("challenge_first_rate", "challenges contested first", SHARE, HIGHER),
    _stat("challenge_timing", "seconds ahead of the opponent in a challenge", SECONDS, HIGHER, False),
]}
"""Every stat row's meaning, by `stat_type`."""

MEASURES: tuple[tuple[str, ...], ...] = (
    ("boost_bcpm", "boost_collected_per_minute"),
    ("boost_percent_zero_boost", "time_zero_boost_share", "boost_time_zero_boost"),
    ("boost_percent_full_boost", "boost_time_full_boost"),
    *((f"boost_percent_boost_{band}", f"boost_time_boost_{band}") for band in _BANDS),
    ("movement_avg_speed", "movement_avg_speed_percentage"),
    *((f"movement_percent_{state}", f"movement_time_{state}")
      for state in ("slow_speed", "boost_speed", "supersonic_speed", "ground", "low_air")),
    ("movement_percent_high_air", "time_high_air_share", "movement_time_high_air"),
    ("positioning_avg_distance_to_ball", "avg_distance_to_ball"),
    ("positioning_avg_distance_to_mates", "avg_distance_to_mates"),
    *((f"positioning_percent_{third}_third", f"time_{third}_third_share", f"positioning_time_{third}_third")
      for third in ("defensive", "neutral", "offensive")),
    ("positioning_percent_behind_ball", "time_behind_ball_share", "positioning_time_behind_ball"),
    ("positioning_percent_most_back", "time_third_man_share", "positioning_time_most_back"),
    ("positioning_percent_most_forward", "time_first_man_share", "positioning_time_most_forward"),
    *((f"positioning_percent_{place}", f"positioning_time_{place}")
      for place in ("defensive_half", "offensive_half", "infront_ball", "closest_to_ball", "farthest_from_ball")),
)
"""The stats that measure one thing, each group in the order a page prefers them (a percentage before seconds, a
ballchasing stat before the feature derived from it): a page shows the first with a value and leaves the others out.
A stat in no group measures something of its own."""

SAME_AS: dict[str, tuple[str, ...]] = {stat: group for group in MEASURES for stat in group}
"""Each stat of a `MEASURES` group, and its group."""


def declared_stats() -> set[str]:
    """Every stat row the sources write: the scoreboard's, ballchasing's groups and the design's features."""
    core = {"score", "goals", "assists", "saves", "shots", "shots_against", "goals_against", "save_rate",
            "shot_accuracy"}
    return core | set(GROUP_OF) | {stat for stats in FEATURES.values() for stat in stats}


def better_of(stat_type: str) -> int:
    """Which way `stat_type` is better (`HIGHER`, `LOWER`; `NEITHER` for a style or an undeclared stat)."""
    found = STATS.get(stat_type)
    return found.better if found else NEITHER


def comparable(stat: pl.Expr, value: pl.Expr, seconds: pl.Expr) -> pl.Expr:
    """A stat's value as it is compared with other games' (its rank percentile is of this): a total that adds up
    over the game per minute of the game's `seconds`, seconds in a state as a share of them, anything else as it
    is; none for a total whose game length is unknown or zero."""
    per_minute = [s.stat_type for s in STATS.values() if s.compared == "per minute"]
    share = [s.stat_type for s in STATS.values() if s.compared == "share of the game"]
    known = seconds.is_not_null() & (seconds > 0)
    return (pl.when(stat.is_in(per_minute)).then(pl.when(known).then(value * 60 / seconds))
            .when(stat.is_in(share)).then(pl.when(known).then(value / seconds))
            .otherwise(value))


SKILL_INDICATORS: dict[str, tuple[str, ...]] = {
    "shooting": ("shot_accuracy", "shot_on_target_rate", "shot_speed"),
    "saves": ("save_rate", "save_success_rate"),
    "aerials": ("aerial_rate", "time_high_air_share", "aerial_success_rate"),
    "boost_management": ("boost_wasted_share", "time_zero_boost_share"),
    "positioning": ("time_behind_ball_share",),
    "rotation": ("avg_distance_to_mates", "rotation_timing", "rotation_efficiency"),
    "challenges": ("challenge_win_rate", "challenge_first_rate", "challenge_timing"),
}
"""The stats each skill is read from; which way each is better is its declaration's (`measures.STATS`). A game's
skill is read from the indicators its source gives (the frame mechanics only a raw replay's frames give), and the
skill's `indicators` name them."""

WEAK_BELOW = 25.0
"""The percentile (in the better direction) under which a stat or skill is weak: the band's bottom quarter."""
MIDDLE = 50.0
"""The band's median: a weak stat's or skill's 95 % interval lies wholly below it."""
DIRECTIONS = {HIGHER: "higher", LOWER: "lower", NEITHER: None}
"""`Stat.better` as an answer says it."""


def weak(percentile: float | None, high: float | None) -> bool:
    """Whether a percentile in the better direction says weak: below `WEAK_BELOW` with the high end of its 95 %
    interval below `MIDDLE`, so that neither one poor game nor a band's spread alone makes a weakness; never
    without an interval (one game)."""
    return percentile is not None and high is not None and percentile < WEAK_BELOW and high < MIDDLE


def toward_better(stat_type: str, percentile: float | None) -> float | None:
    """A value's rank percentile turned so that 100 is best: as it is where more is better, `100 − p` where less is,
    None for a stat neither better nor worse (its value's percentile says where it lies, not how good it is)."""
    better = better_of(stat_type)
    if percentile is None or better == NEITHER:
        return None
    return percentile if better == HIGHER else 100.0 - percentile
