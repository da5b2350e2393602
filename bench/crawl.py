"""Every page of `gamestats serve` as its users reach it: from the home page, every same-site link followed and
every endpoint the pages call answered, in Debian's headless Chromium at a desktop's and a phone's width.

Builds the data as `pages.py` does (a synthetic PUBG season through the real pubg assets and one synthetic day of
lol, l2m and rocket, published into a fresh database), starts `gamestats serve` (with an admin token, so the admin
page's reads are called as an organiser's), then crawls: each page is opened at `WIDTHS` and waited for its data (`body[data-state=ready]`);
its console errors, its links and the requests it made (with their status) are kept. Every distinct link is asked
for once; of each page file at most `--per-page` distinct addresses are opened in the browser (a player page per
player is the same page). Prints one JSON object: pages opened, links, endpoints, the answers other than 200 and
the console errors, each with where it came from.

    python bench/crawl.py --per-page 3
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
Needs `chromium` on PATH.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))
from common import admin_url, bench_database, drop_database  # noqa: E402
from pages import build_day  # noqa: E402
from serve import build_season, free_port, serve  # noqa: E402

DATABASE = "gamestats_bench_crawl"
TOKEN = "crawl-admin-token"
ADMIN_KEY = "gamestats-api-token"
"""Where the admin page keeps the organiser's key for the tab (`pages/js/admin.js`)."""
WIDTHS = ((1400, 900), (390, 844))
SEEN = """(() => ({
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  requests: performance.getEntriesByType('resource')
    .filter(e => e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest')
    .map(e => [e.name, e.responseStatus]),
  shown: document.getElementById('errors')?.innerText || '',
  state: document.body?.dataset.state || '',
}))()"""


def same_site(base: str, url: str) -> str | None:
    """`url` without its fragment when it is of the site `base`, else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base or parts.scheme not in ("http", "https"):
        return None
    return parts._replace(fragment="").geturl()


def is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path == "/" or path.endswith(".html")


def visit(page, url: str, width: tuple[int, int]) -> dict:
    """`url` opened at `width`, waited for its data (or its error state): what it showed and asked."""
    page.viewport(*width)
    page.goto(url)
    try:
        page.ready(60)
    except AssertionError:
        pass
    time.sleep(0.2)
    seen = page.evaluate(SEEN)
    return {**seen, "errors": list(page.errors)}


def crawl(base: str, page, per_page: int) -> dict:
    """The crawl from `base`/ (see the module's docstring)."""
    client = httpx.Client(timeout=60, headers={"Authorization": f"Bearer {TOKEN}"})
    links: dict[str, str] = {}
    endpoints: dict[str, int] = {}
    opened: dict[str, int] = {}
    problems: list[dict] = []
    queue, queued = deque([f"{base}/"]), {f"{base}/"}
    page.goto(f"{base}/")
    page.ready(60)
    page.evaluate(f"sessionStorage.setItem({ADMIN_KEY!r}, {TOKEN!r})")
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        if opened.get(path, 0) >= per_page:
            continue
        opened[path] = opened.get(path, 0) + 1
        for width in WIDTHS:
            seen = visit(page, url, width)
            where = {"page": url[len(base):], "width": width[0]}
            problems += [{**where, "console": error} for error in seen["errors"]]
            if seen["shown"]:
                problems.append({**where, "error_box": seen["shown"]})
            if seen["state"] != "ready":
                problems.append({**where, "state": seen["state"] or "never ready"})
            for requested, status in seen["requests"]:
                endpoints[requested] = status
                if status != 200:
                    problems.append({**where, "endpoint": requested[len(base):], "status": status})
            for link in seen["links"]:
                found = same_site(base, urljoin(url, link))
                if found is None:
                    continue
                links.setdefault(found, url[len(base):])
                if is_page(found) and found not in queued:
                    queued.add(found)
                    queue.append(found)
    statuses = {}
    for link, source in links.items():
        statuses[link] = client.get(link).status_code
        if statuses[link] != 200:
            problems.append({"page": source, "link": link[len(base):], "status": statuses[link]})
    return {"pages_opened": sum(opened.values()), "page_files": sorted(opened), "widths": [w for w, _ in WIDTHS],
            "links": len(links), "endpoints": len(endpoints), "problems": problems,
            "non_200": sum(1 for p in problems if "status" in p),
            "console_errors": sum(1 for p in problems if "console" in p)}


def main() -> None:
    from gamestats_assets_tests.serve.chromium import Browser

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-page", type=int, default=3, help="distinct addresses of each page file opened")
    parser.add_argument("--users", type=int, default=300, help="synthetic users of the lol, l2m and rocket day")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--matches", type=int, default=2)
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("chromium is not installed (Debian: apt-get install chromium)")
    admin = admin_url()
    data_dir = Path(tempfile.mkdtemp(prefix="bench_crawl_"))
    pg_url = bench_database(admin, DATABASE)
    os.environ.update({"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url,
                       "GAMESTATS_SOURCE": "synthetic", "GAMESTATS_API_TOKEN": TOKEN})
    started = time.perf_counter()
    build_season(["Pro", "Challenger"], args.rounds, args.matches, 0)
    build_day(args.users)
    build_seconds = time.perf_counter() - started
    port = free_port()
    server = serve(port, 1)
    page = Browser(executable)
    try:
        started = time.perf_counter()
        result = crawl(f"http://127.0.0.1:{port}", page, args.per_page)
        crawl_seconds = time.perf_counter() - started
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=30)
        drop_database(admin, DATABASE)
        shutil.rmtree(data_dir)
    print(json.dumps({"benchmark": "crawl", "users": args.users, "per_page": args.per_page,
                      "build_seconds": round(build_seconds, 1), "crawl_seconds": round(crawl_seconds, 1), **result,
                      "load_average_1m": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
