"""Run lanes: the tags that put a run in the background (a tracked player's backfill) or among the snapshots (the
tables over every day, rebuilt by the automation sensor after new data). The run queue starts every waiting run of
a higher priority first (`dagster/priority`, 0 unless tagged) and lets one background run hold a run slot at a time
(`tag_concurrency_limits` of `dagster.yaml`); a background run's steps claim a pool slot after every other run's (a
step's priority adds its run's); and the process of a run of either lane runs at a lower CPU priority
(`BACKGROUND_NICENESS`), so that a live run, and the parse of an upload, on the same cores is scheduled first."""

from collections.abc import Mapping

LANE_TAG = "gamestats/lane"
BACKGROUND = {"dagster/priority": "-100", LANE_TAG: "background"}
"""The tags of a background run (Dagster copies a backfill's tags to each of its runs)."""
BACKGROUND_NICENESS = 10
"""How much a background run's process lowers its CPU priority (`os.nice`): at 10, the kernel gives it about a tenth
of a core that a live run at 0 wants too."""


SNAPSHOTS = {LANE_TAG: "snapshots"}
"""The tags of a run the automation sensor starts: no slot limit or queue priority of its own."""


def yields_cores(tags: Mapping[str, str]) -> bool:
    """Whether a run's process lowers its CPU priority: a background run's and a snapshots' run's."""
    return tags.get(LANE_TAG) in (BACKGROUND[LANE_TAG], SNAPSHOTS[LANE_TAG])
