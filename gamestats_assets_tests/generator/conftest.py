from datetime import date
from pathlib import Path

import pytest

from gamestats_assets.generator.api import PopulationConfig, ProductInfo, build_rules, build_users, generate_days

TAXONOMIES = Path(__file__).resolve().parents[2] / "data" / "taxonomies"
ANCHOR = date(2024, 1, 1)
SEED = 11


@pytest.fixture(scope="session")
def rpg_rules():
    return build_rules(TAXONOMIES / "mobile_rpg.xlsx", ProductInfo("game", "mobile"))


@pytest.fixture(scope="session")
def rpg_config():
    return PopulationConfig(users=1500, seed=SEED, anchor=ANCHOR)


@pytest.fixture(scope="session")
def rpg_users(rpg_rules, rpg_config):
    return build_users(rpg_rules, rpg_config)


@pytest.fixture(scope="session")
def rpg_days(rpg_rules, rpg_users):
    """Nine generated days of the mobile RPG: {date: lines}."""
    return dict(generate_days(rpg_rules, rpg_users, ANCHOR, 9, SEED, ANCHOR))


@pytest.fixture(scope="session")
def rpg_events(rpg_days, rpg_rules):
    from .events import events_frame

    return events_frame([line for lines in rpg_days.values() for line in lines], rpg_rules)


@pytest.fixture
def model_server():
    """A model on 127.0.0.1 answering in the OpenAI or Anthropic shape: (base URL ending in /v1, its handler class,
    whose `replies` are queued and `requests` recorded)."""
    from gamestats_assets_tests.loopback import serving

    from .servers import RecordedModel

    RecordedModel.replies, RecordedModel.requests = [], []
    with serving(RecordedModel) as url:
        yield f"{url}/v1", RecordedModel


@pytest.fixture
def receiver():
    """A ThinkingData receiver on 127.0.0.1: (its address, its handler class keeping the events it took)."""
    from gamestats_assets_tests.loopback import serving

    from .servers import Receiver

    Receiver.events, Receiver.requests, Receiver.accepted = [], 0, 0
    Receiver.reset()
    with serving(Receiver) as url:
        yield url, Receiver
