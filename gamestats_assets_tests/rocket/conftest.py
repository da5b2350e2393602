"""Fixtures of the rocket tests: the real sample files copied into `fixtures/rocketleague`."""

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.sources.replays.frames import ReplayFrames

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rocketleague"
REPLAYS = PROJECT_ROOT / "data" / "reference" / "rocket" / "replays"
"""The real sample replays, shipped with the project so that `gamestats demo` drops them into landing."""
BALLCHASING = FIXTURES / "ballchasing"
CARBALL = FIXTURES / "carball"


@pytest.fixture(scope="session")
def parsed_replay(replay_frames) -> Callable[[str], ReplayFrames]:
    """The sample replay of a file stem, read once for the run (`replay_frames`) and kept by the process."""
    return cache(lambda stem: replay_frames(REPLAYS / f"{stem}.replay"))
