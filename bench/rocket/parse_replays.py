"""Raw Rocket League replays parsed per second on one core: header, network frames and per-player features.

Pins the process to one CPU and polars to one thread, then parses every sample replay of the test
fixtures ``--rounds`` times (header + frames through subtr-actor, hits, boost pickups, features). Prints
one JSON object: replays per second overall, and per file its frames, seconds and frames per second.

    python bench/rocket/parse_replays.py --rounds 3
"""

import os

os.environ["POLARS_MAX_THREADS"] = "1"
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from gamestats_assets.sources.replays.features import replay_match  # noqa: E402
from gamestats_assets.sources.replays.frames import read_frames  # noqa: E402

REPLAYS = Path(__file__).resolve().parents[2] / "data" / "reference" / "rocket" / "replays"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(REPLAYS.glob("*.replay"))
    per_file, total_seconds, parsed = {}, 0.0, 0
    for path in files:
        timings = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            frames = read_frames(path)
            replay_match(frames)
            timings.append(time.perf_counter() - started)
        best = min(timings)
        total_seconds += sum(timings)
        parsed += len(timings)
        per_file[path.name] = {"bytes": path.stat().st_size, "frames": frames.ball.height,
                               "cars_rows": frames.cars.height, "seconds_best": round(best, 3),
                               "frames_per_second": round(frames.ball.height / best)}
    print(json.dumps({
        "benchmark": "rocket_parse_replays",
        "cores": 1,
        "rounds": args.rounds,
        "replays_parsed": parsed,
        "replays_per_second": round(parsed / total_seconds, 3),
        "files": per_file,
    }))


if __name__ == "__main__":
    main()
