"""Fixtures of the rocket tests: the real sample files copied into `fixtures/rocketleague`."""

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.sources.replays.frames import ReplayFrames, read_frames

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rocketleague"
REPLAYS = PROJECT_ROOT / "data" / "reference" / "rocket" / "replays"
"""The real sample replays, shipped with the project so that `gamestats demo` drops them into landing."""
BALLCHASING = FIXTURES / "ballchasing"
CARBALL = FIXTURES / "carball"


@cache
def _parsed(stem: str) -> ReplayFrames:
    return read_frames(REPLAYS / f"{stem}.replay")


@pytest.fixture(scope="session")
def parsed_replay() -> Callable[[str], ReplayFrames]:
    """The sample replay of a file stem, parsed once per test session (about a second each)."""
    return _parsed
