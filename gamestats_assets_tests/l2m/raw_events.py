"""Plain-Python readings of planted L2M landing days, for tests that recount the pipeline's figures from the raw
ThinkingData lines (each `#uuid` once) without any of its readers."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from gamestats_assets.defs.l2m.transforms.reference import REFERENCE_DIR

KNOWN = ("TH", "VN", "ID", "PH", "SG", "MY")


def events(day_dir: Path, log: str) -> Iterator[dict]:
    """The records of `<log>.jsonl` of a day folder, each `#uuid` once."""
    seen = set()
    path = day_dir / f"{log}.jsonl"
    for line in path.read_text().splitlines() if path.exists() else []:
        record = json.loads(line)
        if record["#uuid"] not in seen:
            seen.add(record["#uuid"])
            yield record


def usd_rates() -> dict[str, float]:
    with (REFERENCE_DIR / "currency_rates.csv").open() as file:
        return {row["currency"]: float(row["usd_per_unit"]) for row in csv.DictReader(file)}


def payments_usd(day_dir: Path) -> dict[str, float]:
    """Each account's payments of the day, USD."""
    rates, paid = usd_rates(), defaultdict(float)
    for record in events(day_dir, "recharge"):
        props = record["properties"]
        paid[record["#account_id"]] += props["amount"] * rates[props["currency"]]
    return dict(paid)


def diamonds(day_dir: Path, log: str) -> dict[str, int]:
    """Each account's diamonds of `money_gain` or `money_spend` of the day."""
    moved = defaultdict(int)
    for record in events(day_dir, log):
        if record["properties"]["money_type"] == "diamond":
            moved[record["#account_id"]] += record["properties"]["amount"]
    return dict(moved)


def items(day_dir: Path) -> dict[str, int]:
    """Each account's items gained on the day (every item)."""
    gained = defaultdict(int)
    for record in events(day_dir, "item_gain"):
        gained[record["#account_id"]] += record["properties"]["quantity"]
    return dict(gained)


def profiles(landing: Path, days: list[dt.date]) -> dict[str, dict]:
    """Each account's latest known `country_code`, `register_date` and `server_id` over the `user_set` lines of
    `days` (in order, later lines winning, a property left null keeping its value)."""
    known: dict[str, dict] = {}
    for day in days:
        lines = sorted(events(landing / day.isoformat(), "user_profile"), key=lambda record: record["#time"])
        for record in lines:
            props = known.setdefault(record["#account_id"], {})
            props.update({key: value for key, value in record["properties"].items() if value is not None})
    return known


def country_group(code: str | None) -> str:
    return code if code in KNOWN else "Other"
