"""Fixtures of the PUBG tests: the real samples copied into fixtures/pubg (see SOURCES.md there)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubg"
MATCH_FILES = sorted(FIXTURES.glob("*_response.json"))
TELEMETRY_FILES = sorted(FIXTURES.glob("*.jsonl"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def public_match(tmp_path_factory):
    """One synthetic full-size public match written to a landing folder: (emitted, match path, telemetry path)."""
    import datetime as dt

    from gamestats_assets.generator.emitters.pubg import emit_match, public_match_plan, write_match

    plan = public_match_plan("9c1b1c00-0000-4000-8000-000000000001", dt.datetime(2026, 1, 5, 18, tzinfo=dt.UTC), 7)
    emitted = emit_match(plan, 7)
    landing = tmp_path_factory.mktemp("landing") / "pubg"
    return (emitted, *write_match(emitted, landing))
