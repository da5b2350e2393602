"""Raw Rocket League replays parsed per second on one core, beside subtr-actor's own stat computation on the same
replays in the same run.

Pins the process to one CPU and polars to one thread. For every real replay the project ships
(`data/reference/rocket/replays/`) and every replay of the same-game fixtures (`fixtures/rocketleague/paired/`),
`--rounds` times each side: the project's (`read_frames`: header and network frames through subtr-actor's
parser, hits, pickups; `replay_match`: the stat groups and features) and subtr-actor's (`get_summed_stats` with the
modules the peer `bench/peers/rocket_subtr_actor.py` asks for), and the project's parse alone (`read_frames`).
Both sides parse the file from its bytes each time. Prints one JSON object: replays per second per core of each
side (wall and CPU seconds: the box may be shared) and their ratios, the parse's seconds per replay, and per file
its frames, both sides' best seconds and the parse's best wall and CPU seconds.

    python bench/rocket/parse_replays.py --rounds 3
"""

import os

os.environ["POLARS_MAX_THREADS"] = "1"
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import subtr_actor  # noqa: E402

from gamestats_assets.sources.replays.features import replay_match  # noqa: E402
from gamestats_assets.sources.replays.frames import read_frames  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "peers"))
from rocket_subtr_actor import MODULES, REPLAYS  # noqa: E402

PAIRED = ROOT / "gamestats_assets_tests" / "fixtures" / "rocketleague" / "paired"


def _timed(step: Callable[[], object], rounds: int) -> tuple[list[float], float, object]:
    """Each round's seconds, the CPU seconds of all rounds (the box is shared: CPU seconds are what a core
    spent), and the last result."""
    timings, result, cpu = [], None, time.process_time()
    for _ in range(rounds):
        started = time.perf_counter()
        result = step()
        timings.append(time.perf_counter() - started)
    return timings, time.process_time() - cpu, result


def _project(path: Path) -> int:
    frames = read_frames(path)
    replay_match(frames)
    return frames.ball.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted([*REPLAYS.glob("*.replay"), *PAIRED.glob("*.replay")])
    per_file, seconds = {}, {"gamestats": 0.0, "subtr_actor": 0.0}
    cpu_seconds = dict(seconds)
    parse_seconds: list[tuple[float, float]] = []
    for path in files:
        ours, ours_cpu, frames = _timed(lambda path=path: _project(path), args.rounds)
        theirs, theirs_cpu, _ = _timed(lambda path=path: subtr_actor.get_summed_stats(str(path), MODULES),
                                       args.rounds)
        parse, parse_cpu, _ = _timed(lambda path=path: read_frames(path), args.rounds)
        parse_seconds.append((min(parse), parse_cpu / args.rounds))
        seconds["gamestats"] += sum(ours)
        seconds["subtr_actor"] += sum(theirs)
        cpu_seconds["gamestats"] += ours_cpu
        cpu_seconds["subtr_actor"] += theirs_cpu
        per_file[path.name] = {"bytes": path.stat().st_size, "frames": frames,
                               "gamestats_seconds_best": round(min(ours), 3),
                               "subtr_actor_seconds_best": round(min(theirs), 3),
                               "parse_seconds_best": round(min(parse), 3),
                               "parse_cpu_seconds_mean": round(parse_cpu / args.rounds, 3)}
    parsed = len(files) * args.rounds
    rates = {side: round(parsed / total, 3) for side, total in seconds.items()}
    cpu_rates = {side: round(parsed / total, 3) for side, total in cpu_seconds.items()}
    print(json.dumps({
        "benchmark": "rocket_parse_replays",
        "cores": 1,
        "rounds": args.rounds,
        "replays": len(files),
        "replays_parsed_per_side": parsed,
        "replays_per_second_per_core": rates,
        "replays_per_cpu_second": cpu_rates,
        "parse_seconds_per_replay": {"best_wall_mean": round(sum(w for w, _ in parse_seconds) / len(files), 3),
                                     "cpu_mean": round(sum(c for _, c in parse_seconds) / len(files), 3)},
        "gamestats_to_subtr_actor_seconds_ratio": round(seconds["gamestats"] / seconds["subtr_actor"], 3),
        "gamestats_to_subtr_actor_cpu_ratio": round(cpu_seconds["gamestats"] / cpu_seconds["subtr_actor"], 3),
        "subtr_actor_modules": MODULES,
        "files": per_file,
    }))


if __name__ == "__main__":
    main()
