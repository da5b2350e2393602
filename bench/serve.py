"""`gamestats serve` under load: N concurrent clients on loopback against each endpoint, beside the same SQL run
through psycopg without HTTP (the limit).

Builds the issue's scaled dataset into a fresh database: a synthetic season through the real pubg assets
(`--divisions` × 16 teams, `--rounds` rounds of `--matches` matches, telemetry of `--events` events a lobby), and
`--rocket-player-games` Rocket League player-games and `--l2m-days` days of L2M KPIs at the published tables'
shape (`serve_data.py`). Starts `gamestats serve --workers W` on 127.0.0.1, then for each endpoint times its first
request (uncached: the SQL and the encoding), sends requests from `--clients` concurrent clients (HTTP/1.1
keep-alive) — with `wrk` (`apt-get install wrk`) for `--seconds` when it is installed, since a Python client takes
the cores the server runs on, else `--requests` with httpx — and runs the endpoint's main SQL statement
`--requests` times (at most `--seconds`) from up to 16 psycopg connections. Prints one JSON object: per endpoint
p50/p95/p99 in ms and requests per second of both, and `http_to_sql_rps_ratio` (1 means the HTTP layer costs
nothing; answers are kept by publish, so it can pass 1).

Repeating one URL measures the answers kept by URL (`serve/fastpath.py`). `site_traffic` then sends what a site's
visitors send: `--requests` requests per document, each for a round (PUBG) or a player or replay
(RocketTrainer) drawn from the published ones, so most answers are computed, not kept (`computed_share`: distinct
URLs over requests), each beside the documents' p95 budget (`budgets_p95_ms`). `--baseline DIR` serves another
version's package (a checkout of `main`, say) on the same database first and measures it the same way, so both
figures come from one run.

    python bench/serve.py --clients 100 --workers 2 --seconds 8 --keep   # then --reuse to measure again
    git archive main | tar -x -C /tmp/main && python bench/serve.py --reuse --baseline /tmp/main
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serve_data  # noqa: E402
from common import admin_url, bench_database, drop_database, free_port, reused_database  # noqa: E402

DATABASE = "gamestats_bench_serve"
SQL_CONNECTIONS = 16
"""The most connections the SQL alone is run over: PostgreSQL's default allows 100 in all, and more than a few per
core only queue."""
BASE = "/api/v1/tournaments"


def build_season(divisions: list[str], rounds: int, matches: int, events: int) -> None:
    """The season through the pubg assets, published into GAMESTATS_PG_URL."""
    from gamestats_assets.definitions import defs, location_resources
    from gamestats_assets.defs.pubg import assets as pubg
    from gamestats_assets.defs.pubg.assets import LANDING
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets.lib.deploy.runner import QUIET_CONSOLE

    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    config = {"ops": {"pubg__landing__synthetic_tournament": {"config": {
        "divisions": divisions, "rounds": rounds, "matches_per_round": matches, "min_events": events,
        "max_events": events}}}}
    assert dg.materialize([pubg.synthetic_tournament], instance=instance, resources=resources,
                          run_config=config).success
    keys = sorted(LANDING.find(resources["platform"]))
    instance.add_dynamic_partitions("pubg_match", keys)
    for name, tags in (("pubg_pubg_match", {"dagster/asset_partition_range_start": keys[0],
                                            "dagster/asset_partition_range_end": keys[-1]}), ("pubg_snapshots", {})):
        assert defs.resolve_job_def(name).execute_in_process(instance=instance, tags=tags,
                                                             run_config=QUIET_CONSOLE).success, name


def endpoints(pg_url: str) -> dict[str, tuple[str, dict, str, tuple]]:
    """{name: (path, params, the endpoint's main SQL, its parameters)} over the season built."""
    with psycopg.connect(pg_url) as conn:
        season, division, round_id = conn.execute(
            "SELECT season_id, division_id, round_id FROM pubg.team_leaderboards JOIN pubg.tournament_rounds "
            "USING (season_id, round_id) WHERE scope = 'round' ORDER BY round_id DESC LIMIT 1").fetchone()
    board = ("SELECT *, count(*) OVER () AS total_count FROM pubg.{} WHERE scope = 'round' AND season_id = %s "
             "AND division_id = %s AND round_id = %s ORDER BY rank LIMIT 100")
    context = {"season_id": season, "division": division, "round": round_id}
    return {
        "team_leaderboard": (f"{BASE}/leaderboard/teams", context, board.format("team_leaderboards"),
                             (season, division, round_id)),
        "player_leaderboard": (f"{BASE}/leaderboard/players", {**context, "include_weapons": "true"},
                               board.format("player_leaderboards"), (season, division, round_id)),
        "match_history": (f"{BASE}/matches/recent", {"season_id": season, "division": division},
                          "SELECT o.match_id, s.account_id, s.placement, s.kills FROM pubg.tournament_match_outcomes o "
                          "JOIN pubg.match_summaries s USING (match_id) WHERE o.scored AND o.season_id = %s "
                          "AND o.division_id = %s ORDER BY o.started_at DESC", (season, division)),
        "rounds": (f"{BASE}/rounds", {"season_id": season}, "SELECT * FROM pubg.tournament_rounds WHERE season_id = %s",
                   (season,)),
        "schedule": (f"{BASE}/schedule", {"season_id": season, "round": round_id},
                     "SELECT * FROM pubg.tournament_scheduled_matches WHERE season_id = %s AND round_id = %s",
                     (season, round_id)),
    }


def scaled_endpoints(pg_url: str) -> dict[str, tuple[str, dict, str, tuple | dict]]:
    """The Rocket League and Lineage 2M endpoints over the scaled tables (`serve_data`), as `endpoints` gives them."""
    from gamestats_assets.serve.queries.rocket import percentile_of
    from gamestats_assets.serve.queries.rocket_analytics import COMPARISON

    with psycopg.connect(pg_url) as conn:
        player, replay = conn.execute("SELECT player_id, match_id FROM rocket.player_stats ORDER BY date DESC, "
                                      "match_id LIMIT 1").fetchone()
        first, last = conn.execute("SELECT min(date), max(date) FROM l2m.l2m_daily_kpis").fetchone()
    last = min(last, first + dt.timedelta(days=365))
    return {
        "rocket_replay": (f"/api/v1/rocket/replays/{replay}", {},
                          "SELECT s.player_id, s.rank_band, s.category, s.stat_type, s.value, "
                          f"peers_below.rank_percentile, s.null_reason FROM rocket.player_stats s {percentile_of('s')} "
                          "WHERE s.match_id = %s ORDER BY s.player_id, s.category, s.stat_type",
                          (replay,)),
        "rocket_progress": ("/api/v1/rocket/analytics/progress", {"player_id": player},
                            "SELECT s.stat_type, s.date, avg(s.value) AS mean, count(s.value) AS games, "
                            f"avg(peers_below.rank_percentile) FROM rocket.player_stats s {percentile_of('s')} "
                            "WHERE s.player_id = %s AND s.value IS NOT NULL "
                            "GROUP BY s.stat_type, s.date ORDER BY s.stat_type, s.date", (player,)),
        "rocket_comparison": ("/api/v1/rocket/analytics/comparison", {"player_id": player}, COMPARISON,
                              {"player": player, "players": [player]}),
        "l2m_kpis_year": ("/api/v1/l2m/kpis", {"from": first.isoformat(), "to": last.isoformat(), "server_id": 1},
                          "SELECT * FROM l2m.l2m_daily_kpis WHERE date BETWEEN %s AND %s AND server_id = 1 "
                          "ORDER BY date, country_code, server_id", (first, last)),
    }


BUDGETS_MS = {"team_leaderboard": 100, "player_leaderboard": 200, "match_history": 50, "rockettrainer": 200}
"""The documents' p95 targets: the PUBG tournament page's per endpoint, RocketTrainer's for every endpoint."""


def site_traffic(pg_url: str, requests: int, seed: int = 7) -> dict[str, tuple[int, list[tuple[str, dict]]]]:
    """{name: (its p95 budget in ms, `requests` requests)} as a site's visitors send them: each request a round
    (PUBG boards and match history, page sizes varied so that a round's page is rarely asked twice), a player or
    a replay (RocketTrainer) drawn from the published ones, in a random order."""
    pick = random.Random(seed)
    with psycopg.connect(pg_url) as conn:
        rounds = conn.execute("SELECT DISTINCT season_id, division_id, round_id FROM pubg.tournament_scheduled_matches "
                              "ORDER BY 1, 2, 3").fetchall()
        players = [r[0] for r in conn.execute("SELECT DISTINCT player_id FROM rocket.player_stats ORDER BY 1")]
        replays = [r[0] for r in conn.execute("SELECT match_id FROM rocket.matches ORDER BY 1")]

    def a_round(**extra) -> dict:
        season, division, round_id = pick.choice(rounds)
        return {"season_id": season, "division": division, "round": round_id, "limit": pick.randint(1, 100), **extra}

    rocket_paths = ("analytics/progress", "analytics/comparison", "analytics/weaknesses", "replays/recent",
                    "analytics/heatmap", "training/recommendations")

    def a_rocket_request() -> tuple[str, dict]:
        if pick.random() < 0.25:
            return f"/api/v1/rocket/replays/{pick.choice(replays)}", {}
        return f"/api/v1/rocket/{pick.choice(rocket_paths)}", {"player_id": pick.choice(players)}

    return {
        "team_leaderboard": (BUDGETS_MS["team_leaderboard"],
                             [(f"{BASE}/leaderboard/teams", a_round()) for _ in range(requests)]),
        "player_leaderboard": (BUDGETS_MS["player_leaderboard"],
                               [(f"{BASE}/leaderboard/players", a_round(include_weapons="true"))
                                for _ in range(requests)]),
        "match_history": (BUDGETS_MS["match_history"],
                          [(f"{BASE}/matches/recent", a_round()) for _ in range(requests)]),
        "rockettrainer": (BUDGETS_MS["rockettrainer"], [a_rocket_request() for _ in range(requests)]),
    }


async def traffic_load(base: str, sent: list[tuple[str, dict]], clients: int) -> dict:
    """`sent` (each a path and its parameters) from `clients` concurrent keep-alive clients, each taking the next."""
    latencies: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    remaining = iter(sent)

    async def client_loop(client: httpx.AsyncClient) -> None:
        for path, params in remaining:
            started = time.perf_counter()
            try:
                status = (await client.get(path, params=params)).status_code
            except httpx.HTTPError as error:
                status = type(error).__name__
            latencies.setdefault(endpoint_of(path), []).append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        seconds = time.perf_counter() - started
    distinct = len({(path, tuple(sorted(params.items()))) for path, params in sent})
    every = [latency for each in latencies.values() for latency in each]
    by_endpoint = {name: {k: v for k, v in summary(each, seconds).items() if k != "requests_per_second"}
                   for name, each in sorted(latencies.items())} if len(latencies) > 1 else None
    return {**summary(every, seconds), "statuses": {str(k): v for k, v in statuses.items()},
            "distinct_urls": distinct, "computed_share": round(distinct / len(sent), 3), "by_endpoint": by_endpoint}


def endpoint_of(path: str) -> str:
    """`path` without a replay id: the endpoint it asks."""
    return path.rsplit("/", 1)[0] + "/{replay_id}" if "/replays/" in path and not path.endswith("recent") else path


def summary(latencies: list[float], seconds: float) -> dict:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {"requests": len(latencies), "p50_ms": round(cuts[49] * 1000, 2), "p95_ms": round(cuts[94] * 1000, 2),
            "p99_ms": round(cuts[98] * 1000, 2), "requests_per_second": round(len(latencies) / seconds, 1)}


async def http_load(base: str, path: str, params: dict, clients: int, requests: int) -> dict:
    latencies: list[float] = []
    remaining = iter(range(requests))
    failures = 0
    first_failure = None

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal failures, first_failure
        for _ in remaining:
            started = time.perf_counter()
            try:
                response = await client.get(path, params=params)
            except httpx.HTTPError as error:
                failures += 1
                first_failure = first_failure or repr(error)
                continue
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                failures += 1
                first_failure = first_failure or f"{response.status_code}: {response.text[:200]}"

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await client.get(path, params=params)
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        seconds = time.perf_counter() - started
    return {**summary(latencies, seconds), "failed": failures, "first_failure": first_failure}


WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "seconds": %.3f, '
    .. '"non_2xx": %d, "socket_errors": %d}\\n', summary.requests, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""
"""wrk's report as one JSON line: its latency percentiles (wrk measures in microseconds) and its counts."""


def wrk_load(base: str, path: str, params: dict, clients: int, seconds: int) -> dict:
    """`clients` keep-alive connections of wrk (a load generator in C, two threads) on `path` for `seconds`: the
    server's rate without a Python client taking the cores it runs on."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_REPORT)
        script.flush()
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "-s", script.name,
                              str(httpx.URL(base + path, params=params))], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return {**report, "requests_per_second": round(report["requests"] / report["seconds"], 1)}


def sql_load(pg_url: str, query: str, params: tuple, clients: int, requests: int, seconds: float) -> dict:
    """`query` `requests` times (or for `seconds`, whichever ends first) from `clients` connections; the first
    error a connection meets is raised."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    connections = [psycopg.connect(pg_url, autocommit=True) for _ in range(clients)]
    deadline = time.perf_counter() + seconds

    def loop(conn: psycopg.Connection) -> None:
        while True:
            with lock:
                if next(counter, None) is None or time.perf_counter() > deadline:
                    return
            started = time.perf_counter()
            conn.execute(query, params).fetchall()
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(len(connections)) as pool:
        for running in [pool.submit(loop, conn) for conn in connections]:
            running.result()
    seconds = time.perf_counter() - started
    for conn in connections:
        conn.close()
    return summary(latencies, seconds)


def serve(port: int, workers: int, source: Path | None = None) -> subprocess.Popen:
    """`gamestats serve` on `port`, its package imported from `source` (a checkout) when given."""
    path = {"PYTHONPATH": str(source)} if source else {}
    process = subprocess.Popen([str(Path(sys.executable).parent / "gamestats"), "serve", "--port", str(port),
                                "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "GAMESTATS_API_REQUESTS_PER_MINUTE": str(10**9), **path})
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gamestats serve did not start")


def measure(args, pg_url: str, measured: dict, traffic: dict, source: Path | None, with_sql: bool) -> tuple[dict, dict]:
    """A server of the package at `source` (this one when None) on the database: each endpoint of `measured`
    repeated (the kept answers), then the site's `traffic`; the SQL alone beside each endpoint when `with_sql`."""
    port = free_port()
    server = serve(port, args.workers, source)
    base = f"http://127.0.0.1:{port}"
    results, site = {}, {}
    try:
        for name, (path, params, query, query_params) in measured.items():
            first = time.perf_counter()
            assert httpx.get(base + path, params=params, timeout=120).status_code == 200, path
            first_ms = round((time.perf_counter() - first) * 1000, 1)
            http = (wrk_load(base, path, params, args.clients, args.seconds) if shutil.which("wrk")
                    else asyncio.run(http_load(base, path, params, args.clients, args.requests)))
            results[name] = {"first_request_ms": first_ms, "http": http}
            if with_sql:
                limit = sql_load(pg_url, query, query_params, min(args.clients, SQL_CONNECTIONS), args.requests,
                                 args.seconds)
                results[name] |= {"sql": limit, "http_to_sql_rps_ratio":
                                  round(http["requests_per_second"] / limit["requests_per_second"], 3)}
        for name, (budget, sent) in traffic.items():
            load = asyncio.run(traffic_load(base, sent, args.clients))
            site[name] = {**load, "budget_p95_ms": budget, "within_budget": load["p95_ms"] <= budget}
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results, site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10, help="how long wrk loads each endpoint")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--divisions", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--matches", type=int, default=6)
    parser.add_argument("--events", type=int, default=3000, help="telemetry events a lobby (0: simulated only)")
    parser.add_argument("--rocket-player-games", type=int, default=100_000,
                        help="Rocket League player-games generated at the published tables' shape (0: none)")
    parser.add_argument("--rocket-days", type=int, default=100, help="the days they span")
    parser.add_argument("--l2m-days", type=int, default=365, help="days of L2M daily KPIs generated (0: none)")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE} built for a next --reuse")
    parser.add_argument("--reuse", action="store_true", help=f"serve the database {DATABASE} a --keep run left")
    parser.add_argument("--baseline", type=Path,
                        help="a checkout of another version (e.g. `git worktree add /tmp/main main`): served first on "
                             "the same database and measured the same way, reported under `baseline`")
    args = parser.parse_args()
    admin = admin_url()
    data_dir = Path(tempfile.mkdtemp(prefix="bench_serve_"))
    pg_url = reused_database(admin, DATABASE) if args.reuse else bench_database(admin, DATABASE)
    os.environ.update({"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url, "GAMESTATS_SOURCE": "synthetic",
                       "GAMESTATS_ANCHOR_DATE": (dt.date.today() - dt.timedelta(days=20)).isoformat()})
    started = time.perf_counter()
    scaled = {}
    if not args.reuse:
        build_season(["Pro", "Challenger", "Open"][:args.divisions], args.rounds, args.matches, args.events)
        scaled = serve_data.build(pg_url, args.rocket_player_games, args.rocket_days, args.l2m_days)
    build_seconds = time.perf_counter() - started
    try:
        measured = endpoints(pg_url)
        if args.rocket_player_games and args.l2m_days:
            measured |= scaled_endpoints(pg_url)
        traffic = site_traffic(pg_url, args.requests) if args.rocket_player_games else {}
        baseline = (measure(args, pg_url, measured, traffic, args.baseline, with_sql=False)
                    if args.baseline else None)
        results, site = measure(args, pg_url, measured, traffic, None, with_sql=True)
    finally:
        if not args.keep:
            drop_database(admin, DATABASE)
        shutil.rmtree(data_dir)
    print(json.dumps({"benchmark": "serve", "clients": args.clients, "requests_per_endpoint": args.requests,
                      "load_generator": "wrk" if shutil.which("wrk") else "httpx",
                      "workers": args.workers, "season": {"divisions": args.divisions, "teams_per_division": 16,
                                                          "rounds": args.rounds, "matches_per_round": args.matches,
                                                          "telemetry_events_per_lobby": args.events},
                      "scaled": scaled, "build_seconds": round(build_seconds, 1), "endpoints": results,
                      "site_traffic": site, "budgets_p95_ms": BUDGETS_MS,
                      "baseline": None if baseline is None else {"source": str(args.baseline), "endpoints": baseline[0],
                                                                 "site_traffic": baseline[1]},
                      "load_average_1m": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
