"""A replay's goal timeline and boost pads, as its page shows them beside the stat groups: each goal in order with
its moment in the game, scorer, assister and the score after it (`rocket.replay_goals`), and each player's big and
small pads and boost collected and stolen with a total row per team (`rocket.player_stats`)."""

from __future__ import annotations

import psycopg

from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.core.models import field, row, shape, typed

GOALS, SEATS = COLUMNS["replay_goals"], COLUMNS["match_players"]
TimelineGoal = row("RocketTimelineGoal", GOALS, "goal", "sample", "team", "scorer_id", "assister_id", "clock",
                   "game_seconds", "overtime", "overtime_seconds", "score_team_0", "score_team_1",
                   doc="A goal of the replay, in order",
                   scorer_name=typed(SEATS["name"]), assister_name=typed(SEATS["name"]))
Timeline = shape("RocketGoalTimeline", "The replay's goals in order, or why it has none to show",
                 goals=field(list[TimelineGoal], "the goals, in the order scored"),
                 reason=field(str | None, "why the timeline is empty or not the score's goals (null when it "
                                          "holds every goal)"))
PADS = {"big": "boost_count_collected_big", "small": "boost_count_collected_small",
        "big_stolen": "boost_count_stolen_big", "small_stolen": "boost_count_stolen_small",
        "collected": "boost_amount_collected", "stolen": "boost_amount_stolen"}
"""Each figure of a pads row and the `player_stats` stat it is."""
PadLine = shape("RocketPadLine", "A player's boost pads in the game, or a team's total",
                team=field(int | None, "0 blue, 1 orange (null when no source gave it)"),
                player_id=field(str | None, "the player (null on a team's total)"),
                name=typed(SEATS["name"]), players=field(int, "the players counted (1 for a player's row)"),
                big=field(float | None, "big pads taken (100 boost each)"),
                small=field(float | None, "small pads taken (12 boost each)"),
                big_stolen=field(float | None, "big pads taken in the opponents' half"),
                small_stolen=field(float | None, "small pads taken in the opponents' half"),
                collected=field(float | None, "boost collected (the tank's 0-100 scale)"),
                stolen=field(float | None, "boost collected in the opponents' half"))
NO_MOMENTS = {"ballchasing": "ballchasing.com JSON gives each player's goals and assists, not when they were scored",
              "carball": "a carball analysis is read for its players' stats, not for when each goal was scored"}
"""Why a game known from JSON alone has no goal timeline, by its source."""
GOAL_ROWS = """
SELECT g.goal, g.sample, g.team, g.scorer_id, g.assister_id, g.clock, g.game_seconds, g.overtime, g.overtime_seconds,
       g.score_team_0, g.score_team_1, s.name AS scorer_name, a.name AS assister_name
FROM rocket.replay_goals g
LEFT JOIN rocket.match_players s ON s.date = g.date AND s.match_id = g.match_id AND s.player_id = g.scorer_id
LEFT JOIN rocket.match_players a ON a.date = g.date AND a.match_id = g.match_id AND a.player_id = g.assister_id
WHERE g.match_id = %s ORDER BY g.goal
"""


def goal_timeline(conn: psycopg.Connection, match: dict) -> dict:
    """The goals of the published game `match` (its `matches` row: `id`, `source`, scores, `frames_null_reason`)
    in order, with the scorer's and assister's names, and why the timeline is empty or is not the score's goals: a
    game known from JSON alone, a raw replay read from its header alone, or a stream that recorded another number
    of goal events than the score counts (older streams miss some; a mutator's may send none)."""
    goals = conn.execute(GOAL_ROWS, (match["id"],)).fetchall()
    scored = (match["score_team_0"] or 0) + (match["score_team_1"] or 0)
    if match["source"] in NO_MOMENTS:
        reason = NO_MOMENTS[match["source"]]
    elif match["frames_null_reason"]:
        reason = f"the replay's goal events are unread: {match['frames_null_reason']}"
    elif len(goals) != scored:
        reason = f"the replay's stream recorded {len(goals)} goal events where the score counts {scored} goals"
    else:
        reason = None
    return {"goals": goals, "reason": reason}


def _total(lines: list[dict], figure: str) -> float | None:
    values = [line[figure] for line in lines if line[figure] is not None]
    return sum(values) if values else None


def boost_pads(conn: psycopg.Connection, match_id: str, players: list[dict]) -> list[dict]:
    """Each of `players`' (the replay's, in the page's order) pads and boost in the game, the team's total after
    its last player (each figure summed over the players with a value; null when none has one)."""
    values: dict[str, dict[str, float | None]] = {}
    for found in conn.execute("SELECT player_id, stat_type, value FROM rocket.player_stats WHERE match_id = %s "
                              "AND stat_type = ANY(%s)", (match_id, list(PADS.values()))):
        values.setdefault(found["player_id"], {})[found["stat_type"]] = found["value"]
    lines = []
    for team in sorted({p["team"] for p in players}, key=lambda team: (team is None, team or 0)):
        side = [{"team": team, "player_id": p["player_id"], "name": p["name"], "players": 1,
                 **{figure: values.get(p["player_id"], {}).get(stat) for figure, stat in PADS.items()}}
                for p in players if p["team"] == team]
        lines += [*side, {"team": team, "player_id": None, "name": None, "players": len(side),
                          **{figure: _total(side, figure) for figure in PADS}}]
    return lines
