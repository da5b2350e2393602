"""Fixtures of the PUBG tests: the real samples copied into fixtures/pubg (see SOURCES.md there)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubg"
MATCH_FILES = sorted(FIXTURES.glob("*_response.json"))
TELEMETRY_FILES = sorted(FIXTURES.glob("*.jsonl"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
