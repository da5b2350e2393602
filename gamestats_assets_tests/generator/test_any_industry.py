import json
from datetime import date

from click.testing import CliRunner

from gamestats_assets.cli import main
from gamestats_assets.defs.demo_data.transforms import measures
from gamestats_assets.generator.api import PopulationConfig, ProductInfo, build_rules, build_users, generate_days

from .conftest import TAXONOMIES
from .events import events_frame

FITNESS_EVENTS = """event_name,event_tag,description,properties
first_open,lifecycle,The app is opened for the first time,
app_open,session,A session starts,
create_account,account,The user creates an account,goal
onboarding_goal,onboarding,The user sets a goal,goal
workout_start,core,A workout begins,"workout_type,level"
workout_complete,core,A workout is finished,"workout_type,calories,level"
workout_fail,core,A workout is abandoned,workout_type
subscribe_purchase,monetization,The user buys a subscription,"plan_price,plan_name"
app_close,session,The session ends,session_duration
"""
FITNESS_PROPERTIES = """name,type,description,constraint
goal,string,Goal picked,"lose_weight,build_muscle,stay_fit"
workout_type,string,Kind of workout,"run,yoga,hiit,strength"
calories,number,Calories burned,20-1500
level,number,Fitness level of the user,1-50
plan_price,number,Subscription price in USD,"9.99,59.99"
plan_name,string,Plan bought,"monthly,yearly"
session_duration,number,Session length in seconds,1-10000
total_paid,number,Money the user paid in total,0-5000
workouts_done,number,Number of workouts the user completed,0-3000
premium,boolean,Whether the user is premium,
email,string,Email of the user,
country,string,Country of the user,"US,GB,BR,IN"
"""


def test_a_new_taxonomy_generates_valid_logs_without_code_changes(tmp_path):
    (tmp_path / "fitness_events.csv").write_text(FITNESS_EVENTS)
    (tmp_path / "fitness_properties.csv").write_text(FITNESS_PROPERTIES)
    rules = build_rules(tmp_path / "fitness_events.csv", ProductInfo("health", "ios"))
    anchor = date(2024, 5, 1)
    users = build_users(rules, PopulationConfig(users=300, seed=5, anchor=anchor))
    lines = [line for _, day in generate_days(rules, users, anchor, 3, 5, anchor) for line in day]
    events = events_frame(lines, rules)
    names = set(events["#event_name"].drop_nulls().to_list())
    assert {"first_open", "create_account", "workout_start", "workout_complete"} <= names
    assert set(events["#os"].drop_nulls().to_list()) == {"iOS"}
    assert measures.sequence_violations(events, rules) == 0
    assert measures.lifecycle_violations(events, users, rules) == 0
    assert measures.constraint_violations(events, rules) == 0


def test_cli_writes_one_file_per_day(tmp_path):
    result = CliRunner().invoke(main, [
        "generate", "--taxonomy", str(TAXONOMIES / "ecommerce_events.csv"), "--users", "150", "--days", "2",
        "--start", "2024-02-01", "--seed", "3", "--out", str(tmp_path), "--industry", "ecommerce",
    ])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20240201.jsonl", "20240202.jsonl"]
    assert "20240201.jsonl" in result.output
    records = [json.loads(line) for line in (tmp_path / "20240201.jsonl").read_text().splitlines()]
    assert any(r.get("#event_name") == "product_view" for r in records)


def test_saas_taxonomy_is_consistent():
    rules = build_rules(TAXONOMIES / "saas_events.csv", ProductInfo("saas", "web"))
    anchor = date(2024, 3, 4)
    users = build_users(rules, PopulationConfig(users=300, seed=2, anchor=anchor))
    events = events_frame([line for _, day in generate_days(rules, users, anchor, 3, 2, anchor) for line in day], rules)
    assert events["#carrier"].is_null().all()
    assert measures.sequence_violations(events, rules) == 0
    assert measures.lifecycle_violations(events, users, rules) == 0
    assert measures.constraint_violations(events, rules) == 0
