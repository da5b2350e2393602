"""Runs of chosen assets executed in this process, as the tests run them (`execute_assets`)."""

from collections.abc import Iterable
from typing import Any

import dagster as dg


def execute_assets(job: dg.JobDefinition, asset_selection: Iterable[dg.AssetKey],
                   **kwargs: Any) -> dg.ExecuteInProcessResult:
    """`job.execute_in_process(asset_selection=...)`: the same run, recorded with the same selection, checks, tags
    and partitions, executed as `job`'s subset of those assets. Given a selection, `execute_in_process` copies the
    whole job and snapshots that copy for every run, which for the job of every asset costs more than a small
    run's own work; the subset's copy holds only the selected assets."""
    selection = list(asset_selection)
    return job.get_subset(asset_selection=frozenset(selection)).execute_in_process(asset_selection=selection, **kwargs)
