"""What a replay's header claims, held against what its own network stream sends.

The header is the game's end-of-match summary (score, goals, players), written apart from the network stream: a
header edited (another score, another player) with its section's CRC written anew makes a whole file that the
sections' check takes (`sections.check_sections`). The stream it came with still sends the game as played: each
team's score as it changed, and each player's name and id. `check_claims` refuses a replay whose header says
otherwise, naming each contradiction.

The stream can end before the goal that ended the game is replicated (two of the 27 real replays of the fixtures:
a header one goal above its stream, for a team and its scorer), so a header may give one team and one player one
goal more than the stream, no more. What the stream does not replicate the same way is no witness: the goal events
subtr-actor derives miss goals of older streams and repeat some of later ones, the header's list of goals can
lack goals or hold more than the score, and the match scores differ by the game's end-of-match bonus."""

from __future__ import annotations

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.header import ReplayParseError

SIDES = ("blue", "orange")
LATE_GOALS = 1
"""The goals a header may hold above its stream's score: the last one, when the recording ends before it is sent."""


class InconsistentReplay(ReplayParseError):
    """A replay whose header claims what its own network stream contradicts, with each contradiction."""


def contradictions(frames: ReplayFrames) -> list[str]:
    """What `frames.header` claims that the stream contradicts: each team's score and each player's goals against
    those the stream replicates, and each player it names against the names and ids the stream sends."""
    header, found = frames.header, []
    claimed = (header.score_team_0, header.score_team_1)
    late = [claim - sent for claim, sent in zip(claimed, frames.team_scores, strict=True)]
    for team, side in enumerate(SIDES):
        if not 0 <= late[team] <= LATE_GOALS or sum(late) > LATE_GOALS:
            found.append(f"its header gives {side} {claimed[team]} goals, its stream {frames.team_scores[team]}")
    sent = dict(frames.player_goals)
    late_scorers = [player.goals - sent.get(player.name, 0) for player in header.players]
    for player, late_goals in zip(header.players, late_scorers, strict=True):
        if not 0 <= late_goals <= LATE_GOALS or sum(late_scorers) > LATE_GOALS:
            found.append(f"its header gives {player.name!r} {player.goals} goals, its stream "
                         f"{sent.get(player.name, 0)}")
    for player in header.players:
        if player.name not in frames.names:
            found.append(f"its header names {player.name!r}, whom its stream never names")
        elif (frames.online_ids and not player.is_bot and not player.player_id.startswith("name:")
              and player.player_id not in frames.online_ids):
            found.append(f"its header gives {player.name!r} the id {player.player_id}, which its stream never sends")
    return found


def check_claims(frames: ReplayFrames) -> None:
    """`InconsistentReplay` naming every contradiction unless the header claims what the stream sends."""
    found = contradictions(frames)
    if found:
        raise InconsistentReplay(f"its header is not the game its stream sends: {'; '.join(found)}")
