"""Headline figures: numeric metadata per partition of a run, with their meanings in the description."""

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.authoring.headline import Headline, describe_headline, rate_figures, ratio, record_headline

DAYS = dg.DailyPartitionsDefinition(start_date="2026-03-01")
ACTIVE = Headline({"active": "users active on the day", "per_event": "events per active user"},
                  lambda day: {"active": int(day["users"].sum()),
                               "per_event": ratio(int(day["events"].sum()), int(day["users"].sum()))})


@dg.asset(partitions_def=DAYS)
def activity(context: dg.AssetExecutionContext) -> None:
    """Users and events per day and segment."""
    frame = pl.DataFrame({"date": ["2026-03-01", "2026-03-01", "2026-03-02"], "users": [3, 2, 0],
                          "events": [9, 1, 0]}).with_columns(pl.col("date").str.to_date())
    record_headline(context, ACTIVE, frame, "date")


def test_each_partition_of_a_run_gets_its_own_figures_and_a_missing_figure_is_left_out():
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([activity], instance=instance, tags={
        "dagster/asset_partition_range_start": "2026-03-01", "dagster/asset_partition_range_end": "2026-03-02"})
    assert result.success
    figures = {m.partition: {k: v.value for k, v in m.metadata.items()}
               for m in result.asset_materializations_for_node("activity")}
    assert figures == {"2026-03-01": {"active": 5, "per_event": 2.0}, "2026-03-02": {"active": 0}}
    assert isinstance(result.asset_materializations_for_node("activity")[0].metadata["active"], dg.IntMetadataValue)


def test_the_description_says_what_each_figure_means():
    described = describe_headline(activity, ACTIVE)
    [spec] = described.specs
    assert spec.description.startswith("Users and events per day and segment.")
    assert "- `active`: users active on the day" in spec.description
    assert "- `per_event`: events per active user" in spec.description


def test_a_figure_without_a_meaning_is_refused():
    headline = Headline({"active": "users"}, lambda frame: {"active": 1, "spend": 2.0})
    with pytest.raises(ValueError, match="without a declared meaning: spend"):
        headline.metadata(pl.DataFrame())


def test_a_rate_comes_with_its_sample_size_and_wilson_interval():
    figures = rate_figures("d1", 30, 100)
    assert figures["d1_rate"] == 0.3 and figures["d1_n"] == 100 and figures["d1_successes"] == 30
    assert figures["d1_ci_low"] == pytest.approx(0.2189, abs=1e-4)
    assert figures["d1_ci_high"] == pytest.approx(0.3958, abs=1e-4)
    assert rate_figures("d1", 0, 0) == {"d1_rate": None, "d1_n": 0, "d1_successes": 0, "d1_ci_low": None,
                                        "d1_ci_high": None}
