"""What every peer benchmark shares: the check that both sides computed the same table, and the one JSON line that
reports both sides' seconds and CPU seconds and the project's ratio to its peer."""

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import Stopwatch  # noqa: E402

RELATIVE_TOLERANCE = 1e-9
"""How far two sums of floats may differ and still be equal: the sides add the same values in different orders."""


def difference(project: pl.DataFrame, peer: pl.DataFrame, keys: Sequence[str]) -> str | None:
    """None when `peer` holds the rows of `project` (the project's columns, in any row order, floats within
    `RELATIVE_TOLERANCE`), else what differs."""
    try:
        peer = peer.select(project.columns).cast(project.schema)
        assert_frame_equal(project.sort(keys), peer.sort(keys), check_exact=False, rel_tol=RELATIVE_TOLERANCE,
                           abs_tol=0.0)
    except (AssertionError, pl.exceptions.PolarsError) as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def ratio(project: float, peer: float) -> float | None:
    """`project` over `peer`, None when the peer's side took too little to be counted (a clock's tick)."""
    return round(project / peer, 2) if peer else None


def report(benchmark: str, peer_name: str, project: Stopwatch, peer: Stopwatch, mismatch: str | None,
           **figures) -> None:
    """Print the benchmark's JSON line: `figures` (sizes and counts), both sides' seconds and CPU seconds,
    `gamestats_to_<peer>_ratio` of each (below 1: the project is faster), and whether the results were equal."""
    print(json.dumps({
        "benchmark": benchmark,
        **figures,
        "gamestats": project.as_dict(),
        peer_name: peer.as_dict(),
        f"gamestats_to_{peer_name}_ratio": {
            "seconds": ratio(project.seconds, peer.seconds),
            "cpu_seconds": ratio(project.cpu_seconds, peer.cpu_seconds),
        },
        "results_equal": mismatch is None,
        **({"difference": mismatch} if mismatch else {}),
    }))
