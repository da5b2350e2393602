"""A replay's header held against its own network stream: every real replay of the fixtures whose stream reads is the
game its stream sends, and a real replay whose header was edited (its score, a player's goals, name or id) and its
CRCs written anew is refused by the parse, naming what the stream sends instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from gamestats_assets.sources.replays.claims import InconsistentReplay, contradictions
from gamestats_assets.sources.replays.parsed import parse_replay
from gamestats_assets.sources.replays.sections import check_sections
from gamestats_assets_tests.rocket.conftest import FIXTURES, REPLAYS
from gamestats_assets_tests.rocket.forged import with_int, with_qword, with_section_crcs, with_text

UNREADABLE = {"3ea1.replay"}
"""A real replay whose stream subtr-actor cannot read: its header's scoreboard stands alone, flagged, unchecked."""
REAL = [path for folder in (REPLAYS, FIXTURES / "replays", FIXTURES / "paired")
        for path in sorted(folder.glob("*.replay")) if path.name not in UNREADABLE]
GAME = (REPLAYS / "5_GOALS_6_KICKOFFS.replay").read_bytes()
"""A real game, 2-3, whose header lists one player: dtracers | calculated.gg, of Steam, three goals."""
PLAYER = "dtracers | calculated.gg"


@pytest.mark.parametrize("path", REAL, ids=lambda path: path.name)
def test_every_real_replay_is_the_game_its_stream_sends(path: Path, replay_frames):
    assert contradictions(replay_frames(path)) == []


FORGERIES = {
    "another id, 99 goals": (with_text(with_int(GAME, "Team0Score", 99), "Id", "F" * 32),
                             "its header gives blue 99 goals, its stream 2"),
    "two goals more for the player": (with_int(GAME, "Goals", 5),
                                      f"its header gives {PLAYER!r} 5 goals, its stream 3"),
    "another name": (with_text(GAME, "Name", "x" * len(PLAYER)), f"its header names {'x' * len(PLAYER)!r}, whom"),
    "another account": (with_qword(GAME, "OnlineID", 76561198000000001),
                        f"its header gives {PLAYER!r} the id 76561198000000001, which its stream never sends"),
}


@pytest.mark.parametrize("forged, reason", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_header_edited_with_its_crc_written_anew_is_refused_with_the_reason(forged, reason, tmp_path):
    whole = with_section_crcs(forged)
    check_sections(whole)
    path = tmp_path / "forged.replay"
    path.write_bytes(whole)
    with pytest.raises(InconsistentReplay, match="its header is not the game its stream sends") as refused:
        parse_replay(path)
    assert reason in str(refused.value)


def test_the_goal_that_ended_the_recording_may_be_missing_from_the_stream(tmp_path):
    """One goal more for one team and its scorer (the stream ended before it was sent) is a real header's."""
    path = tmp_path / "late.replay"
    path.write_bytes(with_section_crcs(with_int(with_int(GAME, "Team1Score", 4), "Goals", 4)))
    match, *_ = parse_replay(path)
    assert (match.score_team_0, match.score_team_1) == (2, 4)
