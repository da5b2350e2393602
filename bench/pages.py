"""The pages of `gamestats serve` as a browser loads them: for each page, the time to first paint and to its data
shown, in Debian's headless Chromium against `gamestats serve` on loopback.

Builds a synthetic PUBG season through the real pubg assets and one synthetic day of lol, l2m and rocket
(`--users` users) into a fresh database, starts `gamestats serve`, then opens each page `--loads` times (the
first load is cold: the API's answers are not cached yet; the cache is keyed by publish, so later loads are
the usual case) and reads the browser's own clock: `first_paint_ms` (the `first-contentful-paint` entry) and
`data_shown_ms` (the page's `data-shown` mark, set once its tables and charts are drawn), both from navigation
start. Prints one JSON object; `target_ms` is the issue's 1 s for data shown.

    python bench/pages.py --loads 5
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
Needs `chromium` on PATH.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import psycopg

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))
from common import admin_url, bench_database, drop_database  # noqa: E402
from serve import build_season, free_port, serve  # noqa: E402

DATABASE = "gamestats_bench_pages"
DAY = dt.date(2026, 2, 1)
PAGES = ("index.html", "tournament.html", "tournament.html?tab=players", "tournament.html?tab=matches",
         "tierlist.html", "champion.html", "kpi.html", "player.html")
TARGET_MS = 1000
TIMING = """(() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const shown = performance.getEntriesByName('data-shown')[0];
  return {first_paint_ms: paint ? paint.startTime : null, data_shown_ms: shown ? shown.startTime : null,
          errors: document.getElementById('errors')?.innerText || ''};
})()"""


def build_day(users: int) -> None:
    """One synthetic day of lol, l2m and rocket, published."""
    from gamestats_assets.definitions import build_definitions
    from gamestats_assets.lib.core.settings import Settings

    os.environ.update({"GAMESTATS_USERS": str(users), "GAMESTATS_START_DATE": DAY.isoformat()})
    defs = build_definitions(Settings.from_env())
    job = defs.resolve_implicit_global_asset_job_def()
    graph = defs.resolve_asset_graph()
    instance = dg.DagsterInstance.ephemeral()
    for domain in ("lol", "l2m", "rocket"):
        for partitioned in (True, False):
            keys = [k for k in graph.materializable_asset_keys
                    if k.path[0] == domain and (graph.get(k).partitions_def is not None) == partitioned]
            kwargs = {"partition_key": DAY.isoformat()} if partitioned else {}
            assert job.execute_in_process(asset_selection=keys, instance=instance, **kwargs).success, domain


def measure(page, url: str, loads: int) -> dict:
    samples = []
    for _ in range(loads):
        page.goto(url)
        page.ready(60)
        samples.append(page.evaluate(TIMING))
    if any(s["errors"] for s in samples) or page.errors:
        raise RuntimeError(f"{url}: {page.errors} {samples[-1]['errors']}")
    paints = [s["first_paint_ms"] for s in samples if s["first_paint_ms"] is not None]
    shown = [s["data_shown_ms"] for s in samples]
    warm = shown[1:] or shown
    return {"cold_data_shown_ms": round(shown[0], 1),
            "first_paint_ms_median": round(statistics.median(paints), 1) if paints else None,
            "data_shown_ms_median": round(statistics.median(warm), 1), "data_shown_ms_max": round(max(warm), 1),
            "under_target": max(warm) < TARGET_MS}


def main() -> None:
    from gamestats_assets_tests.serve.chromium import Browser

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=5, help="loads of each page (the first is cold)")
    parser.add_argument("--users", type=int, default=300, help="synthetic users of the lol, l2m and rocket day")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--matches", type=int, default=2)
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("chromium is not installed (Debian: apt-get install chromium)")
    admin = admin_url()
    data_dir = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    pg_url = bench_database(admin, DATABASE)
    os.environ.update({"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url, "GAMESTATS_SOURCE": "synthetic"})
    started = time.perf_counter()
    build_season(["Pro", "Challenger"], args.rounds, args.matches, 0)
    build_day(args.users)
    build_seconds = time.perf_counter() - started
    port = free_port()
    server = serve(port, 1)
    page = Browser(executable)
    try:
        with psycopg.connect(pg_url) as conn:
            match_id = conn.execute("SELECT match_id FROM pubg.fights GROUP BY match_id ORDER BY count(*) DESC LIMIT 1"
                                    ).fetchone()[0]
            server_id = conn.execute("SELECT server_id FROM l2m.l2m_server_farms GROUP BY server_id "
                                     "ORDER BY sum(accounts) DESC LIMIT 1").fetchone()[0]
        paths = {**{path: path for path in PAGES}, "match.html": f"match.html?id={match_id}",
                 "kpi.html?server_id": f"kpi.html?server_id={server_id}"}
        results = {name: measure(page, f"http://127.0.0.1:{port}/{path}", args.loads) for name, path in paths.items()}
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=30)
        drop_database(admin, DATABASE)
        shutil.rmtree(data_dir)
    print(json.dumps({"benchmark": "pages", "loads": args.loads, "users": args.users, "target_ms": TARGET_MS,
                      "season": {"divisions": 2, "rounds": args.rounds, "matches_per_round": args.matches},
                      "build_seconds": round(build_seconds, 1), "pages": results,
                      "load_average_1m": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
