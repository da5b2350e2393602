"""The definitions and the PostgreSQL tables a user sees stay what they were when code is moved around:
`fixtures/surface/*.json` is the recorded surface, regenerated on purpose with
`python -m gamestats_assets_tests.test_surface` when a change means to alter it."""

import json
import sys
from pathlib import Path

from gamestats_assets_tests.surface import definitions_surface, postgres_surface

RECORDED = Path(__file__).resolve().parent / "fixtures" / "surface"


def recorded(name: str) -> dict:
    return json.loads((RECORDED / f"{name}.json").read_text())


def test_asset_keys_checks_jobs_schedules_and_sensors_are_the_recorded_ones():
    assert definitions_surface() == recorded("definitions")


def test_published_tables_have_the_recorded_columns(module_pg_url: str):
    assert postgres_surface(module_pg_url) == recorded("postgres")


if __name__ == "__main__":
    RECORDED.joinpath("definitions.json").write_text(json.dumps(definitions_surface(), indent=1) + "\n")
    RECORDED.joinpath("postgres.json").write_text(json.dumps(postgres_surface(sys.argv[1]), indent=1) + "\n")
