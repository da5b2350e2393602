"""``gamestats generate`` writes one ThinkingData file per day for a taxonomy it has never seen."""

import json

from click.testing import CliRunner

from gamestats_assets.cli import main


def test_generate_writes_a_file_per_day_from_a_new_taxonomy(tmp_path):
    (tmp_path / "fitness_events.csv").write_text(
        "event_name,event_tag,description,properties\n"
        "app_open,session,User opens the app,\"os_version\"\n"
        "workout_start,engagement,User starts a workout,\"workout_type,duration_minutes\"\n"
        "subscription_purchase,monetization,User buys a subscription,\"plan,price\"\n"
    )
    (tmp_path / "fitness_properties.csv").write_text(
        "name,type,description,constraint\n"
        "os_version,string,OS version,\"16,17,18\"\n"
        "workout_type,string,Kind of workout,\"run,ride,yoga\"\n"
        "duration_minutes,number,Workout length,5-120\n"
        "plan,string,Subscription plan,\"monthly,yearly\"\n"
        "price,number,Price paid,5-100\n"
    )
    result = CliRunner().invoke(main, [
        "generate", "--taxonomy", str(tmp_path / "fitness_events.csv"), "--users", "80", "--days", "2",
        "--start", "2026-05-01", "--seed", "3", "--out", str(tmp_path / "out"),
    ])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.jsonl"))
    assert [f.name for f in files] == ["20260501.jsonl", "20260502.jsonl"]
    lines = [json.loads(line) for line in files[0].read_text().splitlines()]
    assert lines and {line["#type"] for line in lines} <= {"track", "user_set"}
    workouts = [line["properties"] for line in lines if line.get("#event_name") == "workout_start"]
    assert all(5 <= w["duration_minutes"] <= 120 and w["workout_type"] in {"run", "ride", "yoga"} for w in workouts)
    assert str(files[0]) in result.output
