"""Full-size synthetic PUBG matches for the pubg benchmarks, emitted once and kept between runs.

Match `<n>` (a UUID ending in the number, as PUBG ids are UUIDs) is a public squad match (100 players in 25 teams, 35 000 to 45 000 telemetry events),
the same for the same number: emitted files are kept in `--cache` (by default in the temporary folder)
and copied into a benchmark's landing folder, so only the first run pays for the emission. Emission runs
in worker processes, which have ended before anything is measured.
"""

import datetime as dt
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SEED = 7
CREATED_AT = dt.datetime(2026, 5, 1, 18, tzinfo=dt.UTC)
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "gamestats_bench_pubg_matches"


def match_id(number: int) -> str:
    return f"be0c0000-0000-4000-8000-{number:012d}"


def emit_one(number: int, cache: Path) -> None:
    """Emit match `number` into `cache` (`matches/` and `telemetry/`) unless it is there already."""
    from gamestats_assets.generator.emitters.pubg import emit_match, public_match_plan, write_match

    if (cache / "telemetry" / f"{match_id(number)}.json.gz").exists():
        return
    staged = Path(tempfile.mkdtemp(prefix=f".{match_id(number)}-", dir=cache))
    for path in write_match(emit_match(public_match_plan(match_id(number), CREATED_AT, SEED), SEED), staged):
        (cache / path.parent.name).mkdir(exist_ok=True)
        path.rename(cache / path.parent.name / path.name)
    shutil.rmtree(staged)


def land_matches(count: int, landing: Path, cache: Path = DEFAULT_CACHE, workers: int = 2) -> None:
    """Put matches `0 .. count-1` into `landing` (`landing/pubg`), emitting those the cache lacks."""
    cache.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(emit_one, range(count), [cache] * count))
    for kind, suffix in (("matches", ".json"), ("telemetry", ".json.gz")):
        (landing / kind).mkdir(parents=True, exist_ok=True)
        for number in range(count):
            shutil.copy(cache / kind / f"{match_id(number)}{suffix}", landing / kind)
