"""A game adopted while live: the planted history run from its first day, and the same game adopted on its fifth
day with an opening balance of days 1-4 (recounted from the raw lines, dropped as a CSV in `landing/l2m/opening/`):
from the adoption on, every table that carries the past equals the run over all days, table by table."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gamestats_assets.defs.l2m.tables import run_in_memory
from gamestats_assets.defs.l2m.transforms import checks, cons, opening
from gamestats_assets.defs.l2m.transforms.vip import vip_tier
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets_tests.l2m import raw_events
from gamestats_assets_tests.l2m.conftest import DAYS

ADOPTED = DAYS[4]
CARRYING_THE_PAST = ("std_user_profile", "l2m_active", "l2m_recharge", "l2m_cumulative_revenue", "l2m_item_gain",
                     "l2m_item_spend", "l2m_money_gain", "l2m_money_spend", "l2m_server_performance", "l2m_daily_kpis",
                     "l2m_lifetime_totals")
"""The tables whose figures depend on the days before the adoption only through the state an opening balance
gives (lifetime revenue, first charges, VIP tiers, profiles); retention and bot detection read earlier days'
activity itself, which no balance carries."""
FIELDS = [*opening.REQUIRED, *opening.OPTIONAL]


def opening_rows(generated) -> list[dict]:
    """Every account's state at the end of the day before `ADOPTED`, recounted from the raw lines of the days
    before it: payments in USD, first and last paying days, tier, and the latest profile."""
    before = [day for day in DAYS if day < ADOPTED]
    paid: dict[str, dict[dt.date, float]] = {}
    for day in before:
        for user, usd in raw_events.payments_usd(generated.day_dir(day)).items():
            paid.setdefault(user, {})[day] = usd
    profiles = raw_events.profiles(generated.landing, before)
    rows = []
    for user in sorted({*paid, *profiles}):
        days, profile = paid.get(user, {}), profiles.get(user, {})
        revenue = 0.0
        for day in sorted(days):
            revenue += days[day]
        rows.append({"user_id": user, "first_seen": profile.get("register_date") or "",
                     "cumulative_revenue_usd": repr(revenue),
                     "first_charge_date": min(days).isoformat() if days else "",
                     "last_charge_date": max(days).isoformat() if days else "",
                     "vip_tier": pl.select(vip_tier(pl.lit(revenue))).item(),
                     "country_code": profile.get("country_code") or "", "server_id": profile.get("server_id", "")})
    return rows


def write_csv(path: Path, rows: list[dict], fields: list[str] = FIELDS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def platform_of(data_dir: Path) -> PlatformResource:
    return PlatformResource(data_dir=str(data_dir), start_date=ADOPTED.isoformat(), anchor_date=DAYS[-1].isoformat())


def ordered(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


@pytest.fixture(scope="module")
def adopted(generated, tmp_path_factory):
    """The planted game adopted on `ADOPTED` with its opening balance, run over the days from it."""
    data_dir = tmp_path_factory.mktemp("adopted") / "data"
    rows = opening_rows(generated)
    write_csv(data_dir / "landing" / "l2m" / opening.FOLDER / "balance.csv", rows)
    return rows, data_dir, run_in_memory(generated.landing, [d for d in DAYS if d >= ADOPTED],
                                         platform=platform_of(data_dir))


def test_the_opening_balance_is_of_payers_before_the_adoption(adopted):
    rows, data_dir, _ = adopted
    payers = [row for row in rows if row["first_charge_date"]]
    assert len(payers) > 50 and len(rows) > len(payers)
    assert {row["vip_tier"] for row in payers} == {"A"}, "four days' payers are in the first paying tier"
    assert not (data_dir / "quarantine" / "l2m" / opening.FOLDER / f"{opening.SOURCE}.rejects.jsonl").exists()


@pytest.mark.parametrize("name", CARRYING_THE_PAST)
def test_adopted_on_day_5_every_table_equals_the_run_over_all_days(generated, adopted, name):
    _, _, run = adopted
    for day in run.days:
        full, late = generated.tables[day][name], run.days[day][name]
        if name == "l2m_lifetime_totals":
            assert full.select("cumulative_since", "opening_balance").rows() == [(DAYS[0], False)]
            assert late.select("cumulative_since", "opening_balance").rows() == [(None, True)]
            full, late = (frame.drop("cumulative_since", "opening_balance") for frame in (full, late))
        assert late.height > 0
        assert_frame_equal(ordered(late), ordered(full), check_exact=False, rel_tol=1e-9, abs_tol=1e-9)


def test_without_the_balance_every_old_payer_would_be_new(generated, adopted):
    full = generated.tables[ADOPTED]
    fresh = cons.l2m_cumulative_revenue(None, full["l2m_recharge"], ADOPTED)
    old_payers = full["l2m_cumulative_revenue"].filter((pl.col("first_charge_date") < ADOPTED)
                                                       & (pl.col("daily_rev_usd") > 0))
    assert old_payers.height > 0
    assert fresh.join(old_payers, on="user_id", how="semi")["first_charge_date"].unique().to_list() == [ADOPTED]
    kpis = adopted[2].days[ADOPTED]["l2m_daily_kpis"]
    assert kpis["npu"].sum() < kpis["pu"].sum()


def refused(tmp_path: Path, rows: list[dict], fields: list[str] = FIELDS) -> tuple[str, list[dict]]:
    """The error of the first day's read of `rows` as an opening balance, and the rejects it left in quarantine."""
    data_dir = tmp_path / "data"
    write_csv(data_dir / "landing" / "l2m" / opening.FOLDER / "balance.csv", rows, fields)
    with pytest.raises(opening.OpeningRefused) as error:
        opening.opening_of(platform_of(data_dir))()
    rejects = data_dir / "quarantine" / "l2m" / opening.FOLDER / f"{opening.SOURCE}.rejects.jsonl"
    return str(error.value), [json.loads(line) for line in rejects.read_text().splitlines()] if rejects.exists() else []


GOOD = {"user_id": "u1", "first_seen": "2024-02-01", "cumulative_revenue_usd": "300", "first_charge_date": "2024-02-02",
        "last_charge_date": "2024-03-01", "vip_tier": "B", "country_code": "TH", "server_id": "1001"}


@pytest.mark.parametrize(("change", "reason"), [
    ({"user_id": ""}, "user_id is empty"),
    ({"cumulative_revenue_usd": "-1"}, "cumulative_revenue_usd is not a number"),
    ({"cumulative_revenue_usd": "nan"}, "cumulative_revenue_usd is not a number"),
    ({"first_charge_date": ""}, "needs its first_charge_date"),
    ({"first_charge_date": "2024-13-01"}, "first_charge_date is not a date"),
    ({"first_seen": ADOPTED.isoformat()}, f"first_seen {ADOPTED} is not before the first day"),
    ({"last_charge_date": "2024-02-01"}, "is before first_charge_date"),
    ({"vip_tier": "G"}, "vip_tier 'G' is not the tier of 300.0 USD ('B')"),
    ({"server_id": "../1"}, "server_id is not an integer"),
    ({"cumulative_revenue_usd": "0", "vip_tier": ""}, "charge dates are given but cumulative_revenue_usd is 0"),
])
def test_a_bad_row_is_quarantined_with_its_reason_and_the_balance_refused(tmp_path, change, reason):
    good = {**GOOD, "user_id": "u2"}
    message, rejects = refused(tmp_path, [{**GOOD, **change}, good])
    assert [(r["source"], r["line"]) for r in rejects] == [("balance.csv", 2)]
    assert reason in rejects[0]["reason"] and reason in message
    assert json.loads(rejects[0]["raw"])["cumulative_revenue_usd"] == {**GOOD, **change}["cumulative_revenue_usd"]


def test_an_account_given_twice_is_refused_on_every_row(tmp_path):
    _, rejects = refused(tmp_path, [GOOD, {**GOOD, "first_seen": ""}])
    assert [r["line"] for r in rejects] == [2, 3] and all("given 2 times" in r["reason"] for r in rejects)


def test_a_file_without_a_required_column_or_of_another_kind_is_refused_whole(tmp_path):
    message, rejects = refused(tmp_path, [GOOD], [f for f in FIELDS if f != "first_charge_date"])
    assert "lacks the columns first_charge_date" in message and rejects == []
    folder = tmp_path / "data" / "landing" / "l2m" / opening.FOLDER
    (folder / "balance.csv").unlink()
    (folder / "notes.txt").write_text("hello")
    (folder / "elsewhere.csv").symlink_to(tmp_path / "outside.csv")
    with pytest.raises(opening.OpeningRefused) as error:
        opening.opening_of(platform_of(tmp_path / "data"))()
    assert "notes.txt: not a .csv or .parquet file" in str(error.value) and "elsewhere.csv" in str(error.value)


def test_a_parquet_balance_reads_as_its_csv_and_without_one_the_history_starts_at_adoption(tmp_path):
    folder = tmp_path / "data" / "landing" / "l2m" / opening.FOLDER
    platform = platform_of(tmp_path / "data")
    assert opening.opening_of(platform)() is opening.NO_OPENING and opening.history_since(platform) == ADOPTED
    folder.mkdir(parents=True)
    pl.DataFrame([GOOD, {**GOOD, "user_id": "u3", "cumulative_revenue_usd": "0", "first_charge_date": "",
                         "last_charge_date": "", "vip_tier": "Free"}]).with_columns(
        pl.col("first_seen", "first_charge_date", "last_charge_date").str.to_date(strict=False),
        pl.col("cumulative_revenue_usd").cast(pl.Float64), pl.col("server_id").cast(pl.Int64),
    ).write_parquet(folder / "balance.parquet")
    state = opening.opening_of(platform)()
    assert opening.history_since(platform) is None
    assert state.balance.to_dicts() == [{"user_id": "u1", "first_charge_date": dt.date(2024, 2, 2),
                                         "last_charge_date": dt.date(2024, 3, 1), "cumulative_revenue_usd": 300.0}]
    assert state.profile["user_id"].to_list() == ["u1", "u3"]
    assert state.profile["register_date"].to_list() == [dt.date(2024, 2, 1)] * 2


def test_the_first_day_s_check_judges_the_day_s_revenue_on_top_of_the_balance(adopted):
    day = adopted[2].days[ADOPTED]
    cumulative, recharge = day["l2m_cumulative_revenue"], day["l2m_recharge"]
    assert checks.cumulative_revenue_violations(None, recharge, cumulative) == {"mismatched": 0, "decreasing": 0,
                                                                                "dropped": 0}
    payer = pl.col("user_id") == recharge["user_id"][0]
    doubled = cumulative.with_columns(pl.when(payer).then(pl.col("daily_rev_usd") * 2)
                                      .otherwise(pl.col("daily_rev_usd")).alias("daily_rev_usd"))
    assert checks.cumulative_revenue_violations(None, recharge, doubled)["mismatched"] == 1
    assert checks.cumulative_revenue_violations(None, recharge, cumulative.filter(~payer))["mismatched"] == 1
