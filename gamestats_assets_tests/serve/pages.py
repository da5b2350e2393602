"""What the page tests share: the app served by uvicorn on loopback in a thread (a browser needs a real port),
one Chromium for a module, and a screenshot of the page written when a test fails."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from gamestats_assets.serve.app import create_app
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets_tests.serve.chromium import DESKTOP, PHONE, Browser, chromium_or_skip
from gamestats_assets_tests.serve.running import landed_upload

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-screenshots"
"""Where a failing page test leaves its screenshot (`test-screenshots/<test>.png` in the repository)."""


@contextlib.contextmanager
def served(pg_url: str, **settings) -> Iterator[str]:
    """The base URL of the app over `pg_url`, served until the block ends, on a port the system gave its socket (a
    port found free and bound later may meanwhile be another test process's)."""
    app = create_app(ServeSettings(pg_url=pg_url, requests_per_minute=100_000, **settings))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextlib.contextmanager
def browser() -> Iterator[Browser]:
    opened = Browser(chromium_or_skip())
    try:
        yield opened
    finally:
        opened.close()


@contextlib.contextmanager
def signed_in_admin(base: str, key: str) -> Iterator[Browser]:
    """The admin page at `base` in Chromium (times shown in UTC), signed in with the API key `key`."""
    with browser() as opened:
        opened.call("Emulation.setTimezoneOverride", timezoneId="UTC")
        opened.goto(f"{base}/admin.html")
        opened.ready()
        opened.evaluate(f"sessionStorage.setItem('gamestats-api-token', {key!r})")
        yield opened


@contextlib.contextmanager
def shot_on_failure(page: Browser, name: str) -> Iterator[None]:
    """Runs the block; if it fails, the page as it was is in `SCREENSHOTS/<name>.png`, named in the failure."""
    try:
        yield
    except BaseException as failure:
        try:
            path = page.screenshot(SCREENSHOTS / f"{name}.png")
        except Exception as error:  # noqa: BLE001 - the failure matters more than the screenshot
            path = f"(no screenshot: {error})"
        raise AssertionError(f"{failure}\nscreenshot: {path}\npage errors: {page.errors}") from failure


def clean_load(page: Browser, url: str) -> None:
    """Opens `url`, waits for its data, and asserts the page reported no error (console, exception, failed load,
    or the page's own error box)."""
    page.goto(url)
    page.ready()
    shown = page.evaluate("document.getElementById('errors')?.innerText || ''")
    assert not page.errors and not shown, f"errors on {url}: {page.errors} {shown}"


def text(page: Browser, selector: str) -> str:
    """The rendered text of the first element `selector` finds (empty without one)."""
    return page.evaluate(f"document.querySelector({selector!r})?.innerText || ''")


def followed_upload(page: Browser, base: str, run_day, data_dir: Path, match: str) -> None:
    """An upload the page saved while no daemon runs, followed as its player does: its day run (`run_day`, by the
    day's folder it landed in), the page then says it is served and links the game's page, which opens clean."""
    run_day(landed_upload(data_dir, match).parent.name)
    page.wait_for("document.getElementById('upload').dataset.status === 'processed'", seconds=60)
    assert text(page, "#upload-status").startswith("Served")
    href = page.evaluate("document.getElementById('upload-analysis').getAttribute('href')")
    assert href == f"replay.html?id={match}"
    clean_load(page, f"{base}/{href}")


CUT = """(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const clips = (e) => ["hidden", "clip"].includes(getComputedStyle(e).overflowX);
  const name = (e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}: ${(e.innerText || "").trim().slice(0, 40)}`;
  const cut = [];
  for (const e of document.body.querySelectorAll("*")) {
    const box = e.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(e).visibility === "hidden" || !(e.innerText || "").trim()) continue;
    if (clips(e) && e.scrollWidth > e.clientWidth + 1) { cut.push(`${name(e)} (its text cut)`); continue; }
    let inside = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scrolls(a)) { inside = true; break; }
      const edge = a.getBoundingClientRect();
      if (clips(a) && box.right > edge.right + 1) { cut.push(`${name(e)} (cut by ${name(a)})`); inside = true; break; }
    }
    if (!inside && box.right > width + 1) cut.push(`${name(e)} (past the window's edge)`);
  }
  return [...new Set(cut)];
})()"""
"""Every element with text that the page cuts: text hidden by its own `overflow`, a part past the edge of an
ancestor that hides its overflow, or past the window's edge outside a container that scrolls sideways."""


def cut_elements(page: Browser) -> list[str]:
    """What of the page's text is cut off at its width (`CUT`)."""
    return page.evaluate(CUT)


WIDER = """[...document.querySelectorAll('table')].filter((t) => t.getBoundingClientRect().width
  && getComputedStyle(t).visibility !== 'hidden').filter((t) => {
    const card = (t.closest('.card') || document.querySelector('main') || document.body).getBoundingClientRect();
    const box = t.getBoundingClientRect();
    return box.right > Math.min(card.right, innerWidth) + 1 || box.left < card.left - 1; })
  .map((t) => `${t.closest('[id]')?.id || ''} ${t.className} (${Math.round(t.getBoundingClientRect().width)} px)`)"""
"""Every table shown wider than its card (or the page's main column, or the window): one whose columns a reader
scrolls sideways to, or does not see."""


def tables_wider_than_their_card(page: Browser) -> list[str]:
    """The tables of the page wider than their card (`WIDER`)."""
    return page.evaluate(WIDER)


@contextlib.contextmanager
def at_phone_width(page: Browser, shot: str) -> Iterator[None]:
    """Runs the block at a phone's width; then the page must not scroll sideways nor cut any text (`cut_elements`),
    and its screenshot is written as `SCREENSHOTS/pages/<shot>.png`. The desktop width is restored whatever
    happened."""
    page.viewport(*PHONE)
    try:
        yield
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0] + 1
        assert cut_elements(page) == []
        page.screenshot(SCREENSHOTS / "pages" / f"{shot}.png")
    finally:
        page.viewport(*DESKTOP)


def check(page: Browser, request: pytest.FixtureRequest):
    return shot_on_failure(page, request.node.name.replace("/", "_"))
