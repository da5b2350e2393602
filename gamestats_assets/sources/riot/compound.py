"""Compound queries over the participant fact table: a champion's games that meet every condition, against
the same champion's other games. `gamestats lol query` runs them on the warehouse's `lol.participant_facts`,
`gamestats serve` on its published copy `lol.participant_query_facts` (`nested` reads it back).

scipy is imported by the functions that use it, so loading the code location does not load it."""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import polars as pl
from pydantic import Field

from gamestats_assets.lib.core.stats import proportion_test, wilson_bounds
from gamestats_assets.sources.riot import ddragon

LANE_MINUTES = (10, 15)
LANE_MEASURES = ("gold", "xp", "cs")
DIFFERENCES = tuple(f"{measure}_diff_{minute}" for minute in LANE_MINUTES for measure in LANE_MEASURES)
"""The player's measure minus the lane opponent's at each minute."""
COMPLETED_IDS = "completed_item_ids"
"""The published copy's flat form of `completed_items`: the completed item ids in completion order, comma-separated."""

METRICS = ("dpm", "kda", "win", "kills", "deaths", "assists", "gold_per_min", "cs_per_min", "vision_per_min",
           "deaths_per_10", "minutes", *DIFFERENCES)
OBJECTIVES = ("dragon", "herald", "baron", "tower")
BASIC_SKILLS = "QWE"


class UnknownName(ValueError):
    """A champion, item or metric name that is not known, with the closest known names."""


@dataclass(frozen=True)
class Condition:
    """One condition of a compound query: how it reads, and the rows of the fact table that meet it."""
    label: str
    holds: pl.Expr


@dataclass(frozen=True)
class GroupSummary:
    """A group of a champion's games and its mean of the metric, with the mean's 95 % interval (Wilson's for a
    win rate, Student's t otherwise)."""

    n: Annotated[int, Field(description="the group's games")]
    mean: Annotated[float | None, Field(description="the metric's mean over them (null without a game)")]
    ci_low: Annotated[float | None, Field(description="the lower bound of the mean's 95 % interval (null below two "
                                                      "games, or one game of a win rate)")]
    ci_high: Annotated[float | None, Field(description="its upper bound")]


@dataclass(frozen=True)
class CompoundResult:
    """A champion's counted games that meet every condition against its other games of the same queues and
    patches, on one metric."""

    champion: Annotated[str, Field(description="the champion, as Data Dragon names it")]
    completed: Annotated[tuple[str, ...], Field(description="the items every game of `meeting` completed, as Data "
                                                            "Dragon names them")]
    metric: Annotated[str, Field(description="the metric compared (`dpm`, `kda`, `win`, ...)")]
    meeting: Annotated[GroupSummary, Field(description="the games meeting every condition")]
    others: Annotated[GroupSummary, Field(description="the champion's other games")]
    p_value: Annotated[float | None, Field(description="the two-sided p of the difference of the means (Welch's "
                                                       "t-test; a two-proportion z-test for `win`; null below two "
                                                       "games a side)")]
    queues: Annotated[tuple[str, ...], Field(description="the queues asked (empty: every queue)")] = ()
    patches: Annotated[tuple[str, ...], Field(description="the patches asked (empty: every patch)")] = ()
    conditions: Annotated[tuple[str, ...], Field(description="every condition, as it reads")] = ()

    def lines(self) -> list[str]:
        def show(label: str, group: GroupSummary) -> str:
            if group.mean is None:
                return f"{label}: n={group.n}, no games"
            interval = ("no interval from one game" if group.ci_low is None
                        else f"95% CI {group.ci_low:.3f}–{group.ci_high:.3f}")
            return f"{label}: {self.metric} {group.mean:.3f} ({interval}), n={group.n}"
        condition = ", ".join(self.conditions) or "no condition"
        p = "n/a" if self.p_value is None else f"{self.p_value:.3g}"
        scope = (f"queue {', '.join(self.queues) or 'any'}, patch {', '.join(self.patches) or 'any'}, "
                 "counted games")
        return [scope, show(f"{self.champion} with {condition}", self.meeting),
                show(f"{self.champion}, other games", self.others), f"p = {p}"]


def resolve(name: str, known: Sequence[str], what: str) -> str:
    """The known name equal to `name` ignoring case, or `UnknownName` with the closest matches."""
    by_folded = {k.casefold(): k for k in known}
    if name.casefold() in by_folded:
        return by_folded[name.casefold()]
    close = difflib.get_close_matches(name.casefold(), list(by_folded), n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(by_folded[c]) for c in close)}?" if close else ""
    raise UnknownName(f"unknown {what} {name!r}{hint}")


def summarize(values: pl.Series, metric: str) -> GroupSummary:
    from scipy import stats
    n = values.len()
    if n == 0:
        return GroupSummary(0, None, None, None)
    mean = float(values.mean())
    if metric == "win":
        return GroupSummary(n, mean, *wilson_bounds(float(values.sum()), n))
    if n < 2:
        return GroupSummary(n, mean, None, None)
    half = float(stats.t.ppf(0.975, n - 1)) * float(values.std()) / math.sqrt(n)
    return GroupSummary(n, mean, mean - half, mean + half)


def difference_p(meeting: pl.Series, others: pl.Series, metric: str) -> float | None:
    from scipy import stats
    if meeting.len() < 2 or others.len() < 2:
        return None
    if metric == "win":
        return proportion_test(meeting.len(), float(meeting.sum()), others.len(), float(others.sum()))[1]
    result = stats.ttest_ind(meeting.to_numpy(), others.to_numpy(), equal_var=False)
    return None if math.isnan(result.pvalue) else float(result.pvalue)


def known_champions() -> pl.DataFrame:
    """Every champion of every shipped patch, once per (id, key, name), by id: a name a game mode's variant shares
    (16.x's `Jade_Ezreal`, id 60081) resolves to the champion's own id first."""
    return ddragon.tables()[1].select("champion_id", "champion_key", "champion_name").unique().sort("champion_id")


def champion_id_of(champion: str) -> tuple[str, int]:
    """The known name of `champion` (name or key, any case) and its id; `UnknownName` otherwise."""
    champions = known_champions()
    name = resolve(champion, champions["champion_name"].to_list() + champions["champion_key"].to_list(), "champion")
    row = champions.filter((pl.col("champion_name") == name) | (pl.col("champion_key") == name)).row(0, named=True)
    return row["champion_name"], row["champion_id"]


def completed_condition(completed: Sequence[str]) -> tuple[tuple[str, ...], Condition | None]:
    """The known names of `completed` and the condition that every one was completed (None for no item)."""
    items = ddragon.tables()[0].select("item_id", "item_name").unique()
    names = tuple(resolve(item, items["item_name"].unique().to_list(), "item") for item in completed)
    if not names:
        return names, None
    ids = pl.col("completed_items").list.eval(pl.element().struct.field("item_id"))
    holds = pl.all_horizontal([ids.list.eval(pl.element().is_in(items.filter(item_name=name)["item_id"].to_list()))
                               .list.any() for name in names])
    return names, Condition(f"{' and '.join(names)} completed", holds)


def first_item_condition(item: str) -> Condition:
    """The player's first core item (legendary or mythic) was `item`."""
    items = ddragon.tables()[0].filter("is_core").select("item_id", "item_name").unique()
    name = resolve(item, items["item_name"].unique().to_list(), "core item")
    return Condition(f"{name} first", pl.col("core_1_id").is_in(items.filter(item_name=name)["item_id"].to_list()))


def max_order_condition(order: str) -> Condition:
    """Skills maxed in `order` (`Q>E>W`, `QEW`, any case)."""
    letters = "".join(letter for letter in order.upper() if letter.isalpha())
    if sorted(letters) != sorted(BASIC_SKILLS):
        raise UnknownName(f"unknown max order {order!r}: give Q, W and E once each, e.g. Q>E>W")
    normalised = ">".join(letters)
    return Condition(f"max order {normalised}", pl.col("max_order") == normalised)


def first_objective_condition(objective: str) -> Condition:
    """The player's team took the game's first `objective`."""
    name = resolve(objective, OBJECTIVES, "objective")
    return Condition(f"team took the first {name}", pl.col(f"first_{name}").fill_null(False))


def against_condition(champion: str) -> Condition:
    """The player's lane opponent (same position, other team) was `champion`."""
    name, champion_id = champion_id_of(champion)
    return Condition(f"against {name} in lane", pl.col("opponent_champion_id") == champion_id)


def minutes_condition(minutes: str) -> Condition:
    """The game lasted from `a` minutes up to, not including, `b` (`"a-b"`; `"a-"` has no end)."""
    start, _, end = minutes.partition("-")
    try:
        low, high = float(start or 0), float(end) if end else math.inf
    except ValueError:
        raise UnknownName(f"unknown game length {minutes!r}: give minutes as FROM-TO, e.g. 25-35 or 40-") from None
    return Condition(f"games of {start or 0}–{end or '…'} minutes",
                     (pl.col("minutes") >= low) & (pl.col("minutes") < high))


def compound_query(facts: pl.DataFrame, champion: str, completed: Sequence[str], metric: str,
                   queues: Sequence[str] = (), patches: Sequence[str] = (), *, first_item: str | None = None,
                   max_order: str | None = None, first_objective: str | None = None, against: str | None = None,
                   minutes: str | None = None) -> CompoundResult:
    """`metric` for `champion`'s counted games in `facts` (the participant fact table) of `queues` and
    `patches` (every one when empty) that meet every condition given, beside the champion's other games
    there: mean, n and 95 % interval of each group and Welch's t-test p (for `win`: Wilson intervals and a
    two-proportion z-test). Only counted games (no remake, no AFK player) are compared, both groups from
    the same queues and patches. Names match the Data Dragon of every shipped patch case-insensitively;
    an unknown one raises `UnknownName` with the closest known names."""
    metric = resolve(metric, METRICS, "metric")
    champion_name, champion_id = champion_id_of(champion)
    item_names, items = completed_condition(completed)
    asked = ((first_item, first_item_condition), (max_order, max_order_condition),
             (first_objective, first_objective_condition), (against, against_condition), (minutes, minutes_condition))
    conditions = [*([items] if items else []), *(condition(value) for value, condition in asked if value)]
    scope = pl.col("counted") & (pl.col("queue").is_in(list(queues)) if queues else pl.lit(True)) & (
        pl.col("patch").is_in(list(patches)) if patches else pl.lit(True))
    meets = pl.all_horizontal([pl.lit(True)] + [condition.holds for condition in conditions]).fill_null(False)
    games = facts.filter((pl.col("champion_id") == champion_id) & scope).with_columns(
        meets.alias("meets"), pl.col(metric).cast(pl.Float64).alias("value")).filter(pl.col("value").is_not_null())
    meeting, others = games.filter("meets")["value"], games.filter(~pl.col("meets"))["value"]
    return CompoundResult(
        champion_name, item_names, metric, summarize(meeting, metric), summarize(others, metric),
        difference_p(meeting, others, metric), tuple(queues), tuple(patches),
        tuple(condition.label for condition in conditions),
    )


def flattened(facts: pl.DataFrame) -> pl.DataFrame:
    """The participant fact table with flat columns only, as PostgreSQL holds it: `completed_items` becomes
    `COMPLETED_IDS` (names and minutes are not asked about by any condition)."""
    ids = pl.col("completed_items").list.eval(pl.element().struct.field("item_id").cast(pl.String)).list.join(",")
    return facts.with_columns(ids.alias("completed_items")).rename({"completed_items": COMPLETED_IDS})


def nested(rows: pl.DataFrame) -> pl.DataFrame:
    """`flattened`'s rows with `completed_items` (each item's `item_id`) back, as `compound_query` reads them."""
    items = pl.col(COMPLETED_IDS).str.extract_all(r"\d+").list.eval(
        pl.struct(pl.element().cast(pl.Int64).alias("item_id")))
    return rows.with_columns(items.alias(COMPLETED_IDS)).rename({COMPLETED_IDS: "completed_items"})
