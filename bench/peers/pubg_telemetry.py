"""PUBG telemetry against the plain `json` + pandas script a user writes: one real telemetry file, parsed and its
events counted per type, by both, in one run.

The real telemetry excerpts of the test fixtures (`gamestats_assets_tests/fixtures/pubg/*.jsonl`, one event a line)
are repeated into one file of about `--events` events, a full match's size. The project's side is its telemetry
reader (`read_telemetry`: every event routed, the typed tables decoded, the counts per type); the peer's reads each
line with `json.loads` (every event a Python object, as `chicken-dinner`'s telemetry objects wrap them), puts the
events in a pandas frame and counts them per `_T`. `chicken-dinner` itself would be the peer, but it requires
click < 8, which the project's Dagster excludes. Each side reads the file `--rounds` times; the counts per type
are checked equal. Prints one JSON line.

    python bench/peers/pubg_telemetry.py --events 40000
"""

import argparse
import json
import tempfile
from pathlib import Path

import pandas as pd
import polars as pl
from side_by_side import Stopwatch, difference, report

from gamestats_assets.sources.pubg.telemetry import read_telemetry

FIXTURES = Path(__file__).resolve().parents[2] / "gamestats_assets_tests" / "fixtures" / "pubg"
KEYS = ("event_type",)


def match_file(folder: Path, events: int) -> Path:
    """The fixtures' events repeated, in their order, until the file holds at least `events`."""
    lines = [line for path in sorted(FIXTURES.glob("*.jsonl")) for line in path.read_text().splitlines() if line]
    copies = -(-events // len(lines))
    path = folder / "telemetry.jsonl"
    path.write_text("\n".join(lines * copies) + "\n")
    return path


def project_counts(path: Path) -> pl.DataFrame:
    return read_telemetry(path).event_counts.select("event_type", "events")


def pandas_counts(path: Path) -> pl.DataFrame:
    """What a user writes: every event decoded, the events in one frame, counted per type."""
    with path.open() as file:
        events = [json.loads(line) for line in file if line.strip()]
    counts = pd.DataFrame(events)["_T"].value_counts()
    return pl.DataFrame({"event_type": counts.index.to_list(), "events": counts.to_list()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    project, peer = Stopwatch(), Stopwatch()
    with tempfile.TemporaryDirectory(prefix="peers_pubg_") as folder:
        path = match_file(Path(folder), args.events)
        with project:
            ours = [project_counts(path) for _ in range(args.rounds)][-1]
        with peer:
            theirs = [pandas_counts(path) for _ in range(args.rounds)][-1]
        size = path.stat().st_size
    report("pubg_telemetry", "pandas", project, peer, difference(ours, theirs, KEYS), events=int(ours["events"].sum()),
           telemetry_bytes=size, rounds=args.rounds)


if __name__ == "__main__":
    main()
