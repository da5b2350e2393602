"""Headline figures: the few numbers a table exists for (DAU, revenue, a retention rate with its n), recorded
as numeric metadata on each partition's materialization (`record_headline`) so the Dagster UI plots them, and
described in the asset's description (`Headline.describe`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import dagster as dg
import polars as pl

from gamestats_assets.lib.core.figures import readable
from gamestats_assets.lib.core.stats import wilson_interval

Figures = Mapping[str, int | float | None]
"""Headline figures by name; None for a figure the partition has no value for (ARPPU of a day nobody paid)."""


@dataclass(frozen=True)
class Headline:
    """What a table's headline figures mean (`meanings`: name → one sentence) and `compute(frame)`,
    the figures of the table's rows of one partition (or of the whole table when it is not partitioned)."""

    meanings: Mapping[str, str]
    compute: Callable[[pl.DataFrame], Figures]

    def describe(self, description: str) -> str:
        """`description` followed by the meaning of each headline figure."""
        figures = "\n".join(f"- `{name}`: {meaning}" for name, meaning in self.meanings.items())
        return (f"{description.rstrip()}\n\nHeadline figures (numeric materialization metadata, plotted across "
                f"partitions in the UI):\n{figures}")

    def metadata(self, frame: pl.DataFrame) -> dict[str, dg.MetadataValue]:
        """The figures of `frame` as numeric metadata; a figure without a value (None, NaN) is left out,
        so a plot shows a gap rather than a made-up zero."""
        figures = self.compute(frame)
        undeclared = set(figures) - set(self.meanings)
        if undeclared:
            raise ValueError(f"headline figures without a declared meaning: {', '.join(sorted(undeclared))}")
        return {name: _numeric(value) for name, value in figures.items()
                if value is not None and not (isinstance(value, float) and math.isnan(value))}


def _numeric(value: int | float) -> dg.MetadataValue:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a headline figure is a number, not {value!r}")
    return dg.MetadataValue.int(value) if isinstance(value, int) else dg.MetadataValue.float(readable(float(value)))


def record_headline(context: dg.AssetExecutionContext, headline: Headline, frame: pl.DataFrame,
                    partition_column: str | None = None) -> None:
    """Attach `headline`'s figures to the materialization: for a partitioned table, each partition of the
    run gets the figures of its own rows (`partition_column` holding the partition key, e.g. `date`);
    otherwise the whole `frame`'s."""
    if partition_column is None or not (context.has_partition_key or context.has_partition_key_range):
        context.add_asset_metadata(headline.metadata(frame))
        return
    keys = frame.get_column(partition_column).cast(pl.String)
    for partition_key in context.partition_keys:
        context.add_asset_metadata(headline.metadata(frame.filter(keys == partition_key)),
                                   partition_key=partition_key)


def describe_headline(asset: dg.AssetsDefinition, headline: Headline) -> dg.AssetsDefinition:
    """`asset` with its description followed by the meanings of its headline figures."""
    return asset.map_asset_specs(lambda spec: spec.replace_attributes(
        description=headline.describe(spec.description or "")))


def ratio(numerator: int | float, denominator: int | float) -> float | None:
    """`numerator / denominator`, None when the denominator is 0."""
    return numerator / denominator if denominator else None


def rate_figures(name: str, successes: int, trials: int) -> dict[str, int | float | None]:
    """A rate as headline figures: `<name>_rate` (None without trials), its sample size `<name>_n`, the
    successes `<name>_successes` and the 95 % Wilson interval `<name>_ci_low` .. `<name>_ci_high`."""
    low, high = wilson_interval(pl.lit(float(successes)), pl.lit(float(trials)))
    bounds = pl.select(low.alias("low"), high.alias("high")).row(0) if trials else (None, None)
    return {f"{name}_rate": ratio(successes, trials), f"{name}_n": trials, f"{name}_successes": successes,
            f"{name}_ci_low": bounds[0], f"{name}_ci_high": bounds[1]}


def rate_meanings(name: str, rate: str, trials: str, successes: str) -> dict[str, str]:
    """The meanings of `rate_figures(name, ...)`: `rate` says what is measured, `trials` and
    `successes` what is counted."""
    return {f"{name}_rate": rate, f"{name}_n": f"sample size of {name}_rate: {trials}",
            f"{name}_successes": successes,
            f"{name}_ci_low": f"lower bound of the 95 % Wilson interval of {name}_rate",
            f"{name}_ci_high": f"upper bound of the 95 % Wilson interval of {name}_rate"}
