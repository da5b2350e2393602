"""Landing → rows: good lines parsed with types, every bad line rejected with its line number and reason."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from gamestats_assets.defs.l2m.transforms import etl
from gamestats_assets.generator.emitters import l2m
from gamestats_assets.sources import l2m as landing
from gamestats_assets_tests.l2m.conftest import DAYS

DAY = dt.date(2024, 3, 1)


def _line(event: str, time: str = "2024-03-01 10:00:00.000", user: str = "u1", **properties) -> str:
    props = {"server_id": 1001, "level": 5, **properties}
    return json.dumps({"#type": "track", "#account_id": user, "#distinct_id": "d", "#time": time,
                       "#event_name": event, "#ip": "1.2.3.4", "#uuid": f"uuid-{user}-{time}-{sorted(props.items())}",
                       "properties": props})


def test_bad_lines_become_rejects_and_good_lines_survive(tmp_path):
    lines = [
        _line("item_gain", user="u1", item_id=1001, quantity=2, reason_id=301),
        "{not json",
        _line("item_gain", user="u2", item_id="scroll", quantity=1, reason_id=301),
        "",
        _line("item_gain", user="u3", quantity=1, reason_id=301),
        _line("item_gain", time="2024-03-02 00:00:00.000", user="u4", item_id=1001, quantity=1, reason_id=301),
        _line("item_spend", user="u5", item_id=1001, quantity=1, reason_id=401),
        _line("item_gain", time="2024-03-01 23:59:59", user="u1", item_id=1001, quantity=3, reason_id=302),
        _line("item_gain", user="u6", item_id=1001, quantity=1, reason_id=301)
        .replace('"#event_name": "item_gain", ', ""),
    ]
    (tmp_path / "item_gain.jsonl").write_text("\n".join(lines) + "\n")
    parsed = etl.etl_economy(etl.ITEM_GAIN, tmp_path, DAY)
    assert parsed.frame.select("user_id", "item_id", "quantity", "events").rows() == [("u1", 1001, 5, 2)]
    reasons = {r.line: r.reason for r in parsed.rejects}
    assert set(reasons) == {2, 3, 5, 6, 7, 9}
    assert reasons[5] == "missing item_id"
    assert "partition day" in reasons[6]
    assert reasons[7] == "#event_name is not item_gain"
    assert reasons[9] == "a track record needs a non-empty '#event_name'"
    assert all(r.source == "item_gain.jsonl" and r.raw == lines[r.line - 1] for r in parsed.rejects)


def test_rejects_of_a_clean_file_keep_line_numbers_when_found_after_parsing(tmp_path):
    lines = [_line("login", user=f"u{i}", device_id="d") for i in range(5)]
    lines[3] = _line("login", time="2024-02-29 10:00:00.000", user="late", device_id="d")
    (tmp_path / "login.jsonl").write_text("\n".join(lines) + "\n")
    parsed = etl.etl_login(tmp_path, DAY)
    assert parsed.frame.height == 4
    assert [(r.line, r.raw) for r in parsed.rejects] == [(4, lines[3])]


def test_unknown_currency_is_rejected_not_counted_as_zero(tmp_path):
    lines = [_line("recharge", user="a", amount=35.0, currency="THB", payment_method="GOOGLE_PLAY",
                   country_code="TH"),
             _line("recharge", user="b", amount=10.0, currency="XXX", payment_method="GOOGLE_PLAY",
                   country_code="TH")]
    (tmp_path / "recharge.jsonl").write_text("\n".join(lines) + "\n")
    parsed = etl.etl_recharge(tmp_path, DAY)
    assert parsed.frame["user_id"].to_list() == ["a"]
    assert abs(parsed.frame["amount_usd"][0] - 35.0 * 0.0287) < 1e-9
    assert [(r.line, r.reason) for r in parsed.rejects] == [(2, "unknown currency XXX")]


def test_money_tables_keep_every_money_type_and_the_economy_takes_diamonds(tmp_path):
    lines = [_line("money_spend", user="a", money_type="diamond", amount=10, reason_id=201),
             _line("money_spend", user="a", money_type="diamond", amount=30, reason_id=201),
             _line("money_spend", user="a", money_type="adena", amount=5000, reason_id=201),
             _line("money_spend", user="a", money_type="diamond", amount=7, reason_id=202)]
    (tmp_path / "money_spend.jsonl").write_text("\n".join(lines) + "\n")
    parsed = etl.etl_economy(etl.MONEY_SPEND, tmp_path, DAY)
    assert parsed.frame.select("money_type", "reason_id", "amount", "events").rows() == [
        ("diamond", 201, 40, 2), ("adena", 201, 5000, 1), ("diamond", 202, 7, 1)]
    assert etl.diamonds(parsed.frame).select("reason_id", "amount").rows() == [(201, 40), (202, 7)]
    assert parsed.rejects == []


def test_a_large_day_summed_in_parts_by_user_gives_the_sums_of_the_whole(tmp_path, monkeypatch):
    lines = [_line("item_gain", time=f"2024-03-01 10:{i // 60:02d}:{i % 60:02d}.000", user=f"u{i % 7}",
                   item_id=1000 + i % 3, quantity=i, reason_id=301, level=i % 11) for i in range(200)]
    (tmp_path / "item_gain.jsonl").write_text("\n".join(lines) + "\n")
    whole = etl.etl_economy(etl.ITEM_GAIN, tmp_path, DAY).frame
    monkeypatch.setattr(etl, "SUMMED_AT_ONCE", 30)
    in_parts = etl.etl_economy(etl.ITEM_GAIN, tmp_path, DAY).frame
    assert whole.height == 21 and in_parts.equals(whole)
    assert whole.select("user_id", "item_id").rows() == [(f"u{i % 7}", 1000 + i % 3) for i in range(21)]
    first = whole.row(0, named=True)
    assert (first["quantity"], first["events"], first["level"]) == (sum(range(0, 200, 21)), 10, 10)


def test_a_day_without_files_gives_empty_typed_tables(tmp_path):
    parsed = etl.etl_recharge(tmp_path, DAY)
    assert parsed.frame.is_empty() and parsed.frame.schema["amount_usd"] == pl.Float64


def test_files_no_source_reads_are_listed_as_unclaimed(tmp_path):
    claimed = ["login.jsonl", "login_part2.jsonl", "user_profile.jsonl", "money_gain.jsonl", l2m.TRUTH_FILE]
    claimed.append("login.jsonl.gz")
    unclaimed = ["Login.jsonl", "events.jsonl", "logins.json"]
    for name in claimed + unclaimed:
        (tmp_path / name).write_text("")
    assert [p.name for p in landing.unclaimed_files(tmp_path)] == sorted(unclaimed)
    assert landing.unclaimed_files(tmp_path / "missing") == []


def test_every_file_the_emitter_writes_is_claimed(generated):
    assert landing.unclaimed_files(generated.day_dir(DAYS[0])) == []
