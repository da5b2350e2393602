"""The 3D replay viewer as a browser loads it: the time from navigation to the viewer's first drawn frame on the
longest real 3v3 replay the project holds, and the frames a second it draws while the replay plays.

The replay is chosen among the project's real raw replays (`data/reference/rocket/replays`, the test fixtures'
`gamestats_assets_tests/fixtures/rocketleague/**/*.replay`): a 3v3 game (team size 3, at least three players of
each team on the scoreboard), the longest by its header's frames. It is landed in a fresh data folder and run by
the rocket assets into a fresh database (`gamestats_bench_viewer_load`), `gamestats serve` is started, and the
replay's page is opened `--loads` times in Debian's headless Chromium at a desktop's size (the first load is cold:
the API has not cached its answers yet). From the browser's own clock, from navigation start:
`first_frame_ms` (the viewer's `viewer-first-frame` mark) and `data_shown_ms` (the page's analysis, `data-shown`).
Then the replay plays at 1× for `--play-seconds` and `playback_fps` is the frames the viewer drew a second.
WebGL is Chromium's software renderer here (SwiftShader): a machine with a GPU draws faster. Prints one JSON
object; `target_ms` is the design's 5 s initial load.

    python bench/rocket/viewer_load.py --loads 5
    python bench/rocket/viewer_load.py --replay gamestats_assets_tests/fixtures/rocketleague/paired/x.replay
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
Needs `chromium` on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from common import admin_url, bench_database, drop_database  # noqa: E402
from serve import free_port, serve  # noqa: E402

DATABASE = "gamestats_bench_viewer_load"
DAY = "2026-03-01"
REPLAYS = (ROOT / "data" / "reference" / "rocket" / "replays",
           ROOT / "gamestats_assets_tests" / "fixtures" / "rocketleague")
TARGET_MS = 5000
DESKTOP = (1280, 900)
TIMING = """(() => {
  const first = performance.getEntriesByName('viewer-first-frame')[0];
  const shown = performance.getEntriesByName('data-shown')[0];
  return {first_frame_ms: first ? first.startTime : null, data_shown_ms: shown ? shown.startTime : null,
          errors: document.getElementById('errors')?.innerText || ''};
})()"""
PLAY = """new Promise((done) => {
  document.querySelector('#viewer .viewer-play').click();
  const drawn = window.replayViewer.framesDrawn, started = performance.now();
  setTimeout(() => done({frames: window.replayViewer.framesDrawn - drawn, ms: performance.now() - started,
                         samples: window.replayViewer.sample}), %d);
})"""


def longest_3v3(paths: list[Path]) -> tuple[Path, float]:
    """The longest 3v3 replay of `paths`, and its length in seconds by its header."""
    from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone

    found = []
    for path in paths:
        try:
            header = read_header_alone(path)
        except ReplayParseError:
            continue
        teams = [sum(p.team == team for p in header.players) for team in (0, 1)]
        if header.team_size == 3 and min(teams) >= 3:
            found.append((header.num_frames / header.record_fps, path))
    if not found:
        sys.exit("no 3v3 replay among " + ", ".join(map(str, paths)))
    seconds, path = max(found)
    return path, seconds


def publish(path: Path) -> str:
    """The replay at `path` landed on `DAY` and run by the rocket assets; its match id."""
    from gamestats_assets.definitions import build_definitions
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets.sources.replays.header import read_header_alone

    folder = Settings.from_env().landing_dir("rocket") / DAY
    folder.mkdir(parents=True)
    shutil.copy(path, folder)
    defs = build_definitions(Settings.from_env())
    graph = defs.resolve_asset_graph()
    keys = [k for k in graph.materializable_asset_keys if k.path[0] == "rocket" and graph.get(k).partitions_def]
    job = defs.resolve_implicit_global_asset_job_def()
    assert job.execute_in_process(asset_selection=keys, instance=dg.DagsterInstance.ephemeral(),
                                  partition_key=DAY).success
    return read_header_alone(path).match_id


def load(page, url: str) -> dict:
    page.goto(url)
    page.ready(60)
    page.wait_for("document.getElementById('viewer').dataset.state === 'drawn'", seconds=120)
    timing = page.evaluate(TIMING)
    if timing["errors"] or page.errors:
        raise RuntimeError(f"{url}: {page.errors} {timing['errors']}")
    return timing


def main() -> None:
    from gamestats_assets_tests.serve.chromium import Browser

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=5, help="loads of the replay's page (the first is cold)")
    parser.add_argument("--play-seconds", type=float, default=5.0, help="seconds of playback measured")
    parser.add_argument("--replay", type=Path, help="this 3v3 replay instead of the project's longest")
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("chromium is not installed (Debian: apt-get install chromium)")
    replay, seconds = longest_3v3([args.replay.resolve()] if args.replay else
                                  [path for folder in REPLAYS for path in sorted(folder.rglob("*.replay"))])
    admin = admin_url()
    data_dir = Path(tempfile.mkdtemp(prefix="bench_viewer_"))
    pg_url = bench_database(admin, DATABASE)
    os.environ.update({"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url, "GAMESTATS_SOURCE": "files",
                       "GAMESTATS_START_DATE": DAY})
    started = time.perf_counter()
    match_id = publish(replay)
    build_seconds = time.perf_counter() - started
    port = free_port()
    server = serve(port, 1)
    page = Browser(executable)
    try:
        base = f"http://127.0.0.1:{port}"
        answer = httpx.get(f"{base}/api/v1/rocket/replays/{match_id}/frames", timeout=60)
        frames = answer.json()["data"]
        page.viewport(*DESKTOP)
        loads = [load(page, f"{base}/replay.html?id={match_id}") for _ in range(args.loads)]
        played = page.evaluate(PLAY % round(args.play_seconds * 1000))
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=30)
        drop_database(admin, DATABASE)
        shutil.rmtree(data_dir)
    warm = [timing["first_frame_ms"] for timing in loads[1:]] or [loads[0]["first_frame_ms"]]
    print(json.dumps({
        "benchmark": "rocket_viewer_load", "replay": os.path.relpath(replay, ROOT),
        "replay_seconds": round(seconds, 1),
        "samples": frames["samples"], "rate": frames["rate"], "cars": len(frames["cars"]),
        "frames_answer_bytes": answer.num_bytes_downloaded,
        "build_seconds": round(build_seconds, 1), "loads": args.loads, "target_ms": TARGET_MS,
        "cold_first_frame_ms": round(loads[0]["first_frame_ms"], 1),
        "cold_data_shown_ms": round(loads[0]["data_shown_ms"], 1),
        "first_frame_ms_median": round(statistics.median(warm), 1), "first_frame_ms_max": round(max(warm), 1),
        "under_target": max(timing["first_frame_ms"] for timing in loads) < TARGET_MS,
        "playback_fps": round(played["frames"] / played["ms"] * 1000, 1),
        "playback_seconds": round(played["ms"] / 1000, 2), "renderer": "SwiftShader (software WebGL)",
        "cores": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
