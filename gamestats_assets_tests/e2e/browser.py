"""Pages of the Dagster UI as a person sees them: Debian's headless Chromium renders the page, its scripts
and GraphQL answers included, and gives the text of the rendered document."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time


def rendered(url: str, expected: str, seconds: float = 90) -> str:
    """The text of `url` once rendered with `expected` in it (the UI fills its pages as answers arrive)."""
    deadline, text = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        dom = subprocess.run(
            [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--virtual-time-budget=20000", "--run-all-compositor-stages-before-draw", "--dump-dom", url],
            capture_output=True, text=True, timeout=120).stdout
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", dom,
                                                                   flags=re.S))).split())
        if expected in text:
            return text
        time.sleep(1)
    raise AssertionError(f"{url} never showed {expected!r}; it showed: {text[:4000]}")
