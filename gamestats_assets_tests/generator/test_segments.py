"""A taxonomy's own user segments (its `segments` sheet) and declared user properties (its `user_properties` sheet):
read with clear errors for bad rows, and followed by the population and the days generated from it."""

import json
import shutil
from datetime import date

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from gamestats_assets.cli import main
from gamestats_assets.generator.api import PopulationConfig, ProductInfo, build_rules, build_users, generate_days
from gamestats_assets.generator.taxonomy import TaxonomyError, read_taxonomy, write_taxonomy_csv
from gamestats_assets.sources.taxonomy.population import segment_ratios
from gamestats_assets.sources.taxonomy.rules import RuleSet, Segment

from .conftest import TAXONOMIES

ANCHOR = date(2024, 1, 1)
SEGMENT_HEADER = ["segment", "based_on", "share", "daily_activity", "sessions_per_day", "events_per_session",
                  "payer_share", "description"]
OWN_SEGMENTS = [
    ["WHALE", "power", 0.1, None, 6, None, 1.0, "Spends on everything"],
    ["POWER", None, 0.05, None, None, None, None, "Fewer power users than usual"],
    ["BROWSER", "ACTIVE", 0.2, 0.9, None, None, 0.0, "Plays daily, never pays"],
]


def _workbook(tmp_path, rows, header=SEGMENT_HEADER):
    """The mobile RPG workbook with a `segments` sheet of `rows`."""
    path = tmp_path / "rpg.xlsx"
    shutil.copy(TAXONOMIES / "mobile_rpg.xlsx", path)
    book = load_workbook(path)
    sheet = book.create_sheet("segments")
    for row in [header, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def test_own_segments_hold_their_share_lifecycle_and_payers(tmp_path):
    rules = build_rules(_workbook(tmp_path, OWN_SEGMENTS), ProductInfo("game", "mobile"))
    ratios = segment_ratios(rules, PopulationConfig(users=1, seed=0, anchor=ANCHOR))
    assert ratios["WHALE"] == 0.1 and ratios["BROWSER"] == 0.2 and ratios[Segment.POWER] == 0.05
    assert ratios[Segment.ACTIVE] == pytest.approx(0.35 * 0.65 / 0.92, abs=1e-6)
    assert sum(ratios.values()) == pytest.approx(1.0)
    assert RuleSet.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules
    users = build_users(rules, PopulationConfig(users=4000, seed=5, anchor=ANCHOR))
    counts = dict(users.group_by("segment").len().iter_rows())
    for segment, share in ratios.items():
        assert abs(counts.get(str(segment), 0) / users.height - share) <= 1 / users.height, segment
    whales, browsers = users.filter(pl.col("segment") == "WHALE"), users.filter(pl.col("segment") == "BROWSER")
    assert whales["payer"].all() and not browsers["payer"].any()
    assert (whales["install_date"] < ANCHOR).all() and (whales["churn_date"] == date(9999, 12, 31)).all()
    sessions = {}
    for _, lines in generate_days(rules, users, ANCHOR, 3, 5, ANCHOR):
        for line in lines:
            record = json.loads(line)
            if record["#type"] == "track" and record["#event_name"] in ("login", "session_start"):
                sessions.setdefault(record["#account_id"], 0)
                sessions[record["#account_id"]] += 1
    segment_of = dict(zip(users["account_id"], users["segment"]))
    per_user = {name: np.mean([n for account, n in sessions.items() if segment_of[account] == name])
                for name in ("WHALE", "ACTIVE")}
    assert per_user["WHALE"] > 1.5 * per_user["ACTIVE"], per_user


@pytest.mark.parametrize(("rows", "message"), [
    ([["VIP", "KING", 0.1]], r"sheet 'segments', row 2: segment 'VIP' is based on 'KING', not one of NEW, ACTIVE"),
    ([["VIP", "POWER", "a tenth"]], r"row 2: share 'a tenth' is not a number"),
    ([["VIP", "POWER", 0.1], ["VIP", "NEW", 0.1]], r"row 3: segment 'VIP' is defined twice"),
    ([["VIP", "POWER", 0.7], ["FAN", "ACTIVE", 0.6]], r"sheet 'segments': the segments' shares sum to 1.3"),
    ([["VIP", "POWER", 0.1, 1.5]], r"row 2: segment 'VIP' has daily_activity 1.5, outside 0-1"),
    ([["VIP", "POWER", 0.1, None, 0]], r"row 2: segment 'VIP' has sessions_per_day 0.0, not above 0"),
    ([["NEW", "POWER", 0.1]], r"row 2: the built-in segment 'NEW' cannot be based on POWER"),
    ([["big spender", "POWER", 0.1]], r"row 2: segment name 'big spender' is not an identifier"),
    ([["VIP", "POWER", None]], r"row 2: segment 'VIP' has no share"),
])
def test_a_bad_segment_row_is_named(tmp_path, rows, message):
    with pytest.raises(TaxonomyError, match=message):
        read_taxonomy(_workbook(tmp_path, rows))


def test_a_segments_sheet_without_its_columns_is_refused_on_the_command_line(tmp_path):
    path = _workbook(tmp_path, [["VIP", 0.1]], header=["segment", "share"])
    result = CliRunner().invoke(main, ["generate", "--taxonomy", str(path), "--start", "2024-01-01",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "sheet 'segments': missing columns ['based_on']" in result.output
    assert not (tmp_path / "out").exists()


def _saas_with_user_properties(tmp_path, declared=("company_size", "plan", "country", "user_name", "email")):
    """The SaaS taxonomy as CSV files, with `declared` moved from its properties table to `user_properties`."""
    for table in ("events", "properties"):
        shutil.copy(TAXONOMIES / f"saas_{table}.csv", tmp_path / f"saas_{table}.csv")
    lines = (tmp_path / "saas_properties.csv").read_text().splitlines()
    keep = [line for line in lines if line.split(",")[0] not in declared]
    (tmp_path / "saas_properties.csv").write_text("\n".join(keep) + "\n")
    (tmp_path / "saas_user_properties.csv").write_text("\n".join([lines[0], *[
        line for line in lines[1:] if line.split(",")[0] in declared]]) + "\n")
    return tmp_path / "saas_events.csv"


def test_declared_user_properties_are_the_users(tmp_path):
    inferred = build_rules(TAXONOMIES / "saas_events.csv", ProductInfo("saas", "web"))
    assert inferred.values["company_size"].scope == "event" and inferred.values["total_paid"].scope == "user"
    path = _saas_with_user_properties(tmp_path)
    taxonomy = read_taxonomy(path)
    assert taxonomy.user_scope == {"company_size", "plan", "country", "user_name", "email"}
    assert read_taxonomy(write_taxonomy_csv(taxonomy, tmp_path / "copy")).fingerprint() == taxonomy.fingerprint()
    rules = build_rules(path, ProductInfo("saas", "web"))
    assert sorted(rules.user_properties()) == sorted(taxonomy.user_scope)
    users = build_users(rules, PopulationConfig(users=300, seed=2, anchor=ANCHOR))
    profiles = [json.loads(line)["properties"] for _, lines in generate_days(rules, users, ANCHOR, 3, 2, ANCHOR)
                for line in lines if json.loads(line)["#type"] == "user_set"]
    assert profiles and set().union(*profiles) == taxonomy.user_scope
    full = [p for p in profiles if "email" in p]
    assert full and all(p["company_size"] in ("solo", "small", "medium", "large", "enterprise") for p in full)
    assert not any("total_paid" in p for p in profiles)


def test_a_property_declared_twice_is_refused(tmp_path):
    path = _saas_with_user_properties(tmp_path)
    with (tmp_path / "saas_user_properties.csv").open("a") as handle:
        handle.write("seats,number,Seats on the account,1-500\n")
    with pytest.raises(TaxonomyError, match=r"saas_user_properties\.csv: \['seats'\] also defined in the properties"):
        read_taxonomy(path)
