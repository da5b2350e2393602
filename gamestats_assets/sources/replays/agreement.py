"""How closely a raw replay's stats agree with ballchasing's for the same game.

A player's stat agrees when the replay's value is within `TOLERANCE` of ballchasing's (`agrees`). Measured on
the real games of `fixtures/rocketleague` that exist both as a raw replay and as ballchasing's JSON (a 2016
3v3 with substitutions, five games of 2025-2026: a 1v1, a 2v2, three 3v3) or its CSV export of the players (a
2v2 of 2025, without the tank's quarters, the shares of time at zero and full boost, `bcpm` and the time
closest to and farthest from the ball), each era apart (`era`), a stat agrees for at least `TARGET` of the
players of every era, except those of `AGREEMENT`, published with their measured agreement and the reason.
The figures a reason gives for the later games are those of the five with ballchasing's JSON (24 players)
unless it names the 2025 game of the CSV export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gamestats_assets.sources.ballchasing.records import ParsedMatch, stats_frame

TOLERANCE = 0.05
TARGET = 0.9
EXACT = frozenset({"score", "goals", "assists", "saves", "shots", "shots_against", "goals_against",
                   "demo_inflicted", "demo_taken", "positioning_goals_against_while_last_defender"})
"""The counts of events (the scoreboard's, demolitions, goals conceded as the last defender), which agree only
when equal."""


def era(year: int) -> str:
    """The replay era a game belongs to: games before 2017 (whose streams replicate no pad's return and whose
    header dates have no seconds), and later ones."""
    return "before 2017" if year < 2017 else "2017 on"


ROUNDED = {"movement_avg_powerslide_duration": 0.005}
"""Stats ballchasing rounds by as much as `TOLERANCE` of their values, with half the last digit it gives: a
powerslide's mean length, a tenth of a second or two, to the hundredth."""


def near_zero(stat: str) -> float:
    """The absolute difference that counts as agreement for a value near zero, in the stat's unit (ballchasing
    rounds most values to two decimals): none for a count, half a percentage point of a share, half a percent
    or second, else one unit (boost, uu)."""
    if "_count_" in stat:
        return 0.0
    if stat.endswith(("_share", "_rate")):
        return 0.005
    return 0.5 if "percent_" in stat or "time_" in stat else 1.0


def agrees(stat: str, mine: float | None, theirs: float) -> bool:
    """Whether the replay's value `mine` agrees with ballchasing's `theirs`: equal for the scoreboard's counts
    (`EXACT`), else within `TOLERANCE` of it or `near_zero` of it; for a stat ballchasing rounds coarsely
    (`ROUNDED`), within `TOLERANCE` of some value that rounds to `theirs`."""
    if mine is None:
        return False
    if stat in EXACT:
        return mine == theirs
    if stat in ROUNDED:
        half = ROUNDED[stat]
        return (1 - TOLERANCE) * (theirs - half) <= mine <= (1 + TOLERANCE) * (theirs + half)
    return abs(mine - theirs) <= max(TOLERANCE * abs(theirs), near_zero(stat))


def _by_player(match: ParsedMatch) -> dict[str, dict[str, float | None]]:
    table: dict[str, dict[str, float | None]] = {}
    for player_id, stat, value in stats_frame([match]).select("player_id", "stat_type", "value").iter_rows():
        table.setdefault(player_id, {})[stat] = value
    return table


def measure(pairs: Iterable[tuple[ParsedMatch, ParsedMatch]]) -> dict[str, dict[str, tuple[int, int]]]:
    """Per stat ballchasing gives and era: (players whose replay value `agrees`, players ballchasing gives
    it for), over `pairs` of one game read from its raw replay and from ballchasing's JSON."""
    counts: dict[str, dict[str, list[int]]] = {}
    for replay, ballchasing in pairs:
        label = era(ballchasing.played_at.year)
        mine = _by_player(replay)
        for player, theirs in _by_player(ballchasing).items():
            for stat, value in theirs.items():
                if value is None:
                    continue
                tally = counts.setdefault(stat, {}).setdefault(label, [0, 0])
                tally[0] += agrees(stat, mine.get(player, {}).get(stat), value)
                tally[1] += 1
    return {stat: {label: (within, n) for label, (within, n) in eras.items()} for stat, eras in counts.items()}


def meets(eras: dict[str, tuple[int, int]]) -> bool:
    """Whether a stat agrees for at least `TARGET` of the players of every era (`measure`'s counts)."""
    return all(within >= TARGET * n for within, n in eras.values())


def table(measured: dict[str, dict[str, tuple[int, int]]]) -> str:
    """`measure`'s counts as a Markdown table: per stat and era the players within `TOLERANCE` of
    ballchasing, of those compared, and whether the stat meets `TARGET` in every era."""
    labels = sorted({label for eras in measured.values() for label in eras}, reverse=True)
    lines = ["| stat | " + " | ".join(labels) + " | meets |", "|---" * (len(labels) + 2) + "|"]
    for stat, eras in sorted(measured.items()):
        cells = [f"{eras[label][0]}/{eras[label][1]}" if label in eras else "" for label in labels]
        lines.append(f"| {stat} | " + " | ".join(cells) + f" | {'yes' if meets(eras) else 'no'} |")
    return "\n".join(lines)


@dataclass(frozen=True)
class Agreement:
    """A stat's measured agreement with ballchasing, below `TARGET` in some era, and why."""

    within: dict[str, tuple[int, int]]
    """Per era: players within `TOLERANCE`, players compared."""
    reason: str

    def summary(self) -> str:
        """`players within: 9/24 2017 on, 2/10 before 2017`."""
        eras = sorted(self.within.items())
        return "players within: " + ", ".join(f"{within}/{n} {label}" for label, (within, n) in eras)


PICKUPS = ("a pad's amount is the rise of the replicated tank its pickup event precedes (`boost._rises`), and a "
           "pickup the stream shows with no return of the pad replicated since the previous one "
           "(`frames._pickup_table`'s `fresh`) gives small pads in no half, as ballchasing reads most such pickups; "
           "it reads a few of them as the pad's, in its half, by no rule the stream's data shows: of the four centre "
           "big pads taken so that filled a tank in the later games, it counts the two blue players' as stolen small "
           "pads and the two orange players' in no half, the cars on either side of the line and the ball in the "
           "opponents' half each time, and of two small pads each taken by a car just over the respawn time after "
           "another car's pickup, it counts as stolen the one taken 4.025 s after and not the one taken 4.018 s "
           "after, 7 ms apart where the stream's frames are 33 ms apart (reading small pads so taken as the pad's "
           "from 4.02 s would bring both stolen amounts to 26 later players of 28, where a big pad taken 10.034 s "
           "after another car's pickup is none of the pad's for ballchasing: a cut between two pickups, not taken); "
           "each later player still off is one such pickup from ballchasing (a centre big pad, 100, or a small one, "
           "12); for the two off by a centre big pad, ballchasing's boost from stolen small pads is more than its "
           "count of them holds at 12 a pad (349 for 23 pads, 448 for 32) where its boost from collected small "
           "pads is the frames' (640, 1278): no reading of each pickup as one pad gives both its count and its "
           "amount")
ROLES = ("ballchasing gives a role to more than one car at once, and a car within `positioning.LEVEL` of its team's "
         "leader shares the role (`positioning.team_roles`), which brings every later game's roles to 9 players in 10 "
         "or more; in the 2016 game ballchasing reads one orange car (a093q262) elsewhere than the stream sends it "
         "(`OLD_CARS`), which reorders its team at every frame: ballchasing ranks its mates as if it were not in their"
         " team (so ranked, jboy42069's most-back time is 189 s to ballchasing's 187 and remrocker29's other three "
         "roles are within 5 %), and the blue team changed as players left and bots joined; ballchasing gives its last"
         " three players together 52 s more most-back time and as much more farthest time than the frames out of the "
         "kickoff countdowns hold, about the countdowns' length (51 s), and 19 s more most-forward and closest time: "
         "counting the countdowns toward the most-back and farthest times, one car a frame, brings those three within "
         "5 % on both (4 players of 10 in all) but the later games from 22 to 26 players to 8 or 9, and ballchasing's "
         "extra 19 s follow from no reading of the countdowns, so the countdowns stay out; the second man's share is "
         "derived, for both sources alike, from the time on the pitch less the most-back and most-forward times")
MATES = ("a car's mean distance to its mates is the mean over the mates it shared the pitch with of its time-weighted "
         "mean distance to each, out of kickoff countdowns (`positioning._to_mates`): both players of a doubles team "
         "have the same figure, as in ballchasing, every later player is within 1.2 % of ballchasing's, and in the "
         "2016 game, where players left and bots joined, a mate who played 10 s counts as much as one who played "
         "throughout: so read, Q-money219, who had four mates in turn, is 4 % above ballchasing's, where the mean of "
         "each frame's mates puts him 25 % above. Four players of ten agree; the others are the two cars ballchasing "
         "reads otherwise than the frames hold them (`OLD_CARS`: a093q262 17 % above, Raptor_Attacks_ 18 %), the "
         "other mates of a093q262 (jboy42069 14 %, bot:Samara 19 %, remrocker29 5.4 %) and b_corner, a mate of "
         "Raptor_Attacks_ (5.6 %); counting the countdowns brings eight of ten within 5 % but puts the later players "
         "2.4 % under ballchasing on average and two of them more than 5 %")
OLD_CARS = ("in the 2016 game ballchasing reads two resting cars otherwise than the frames hold them. One (a093q262) "
            "the frames hold parked at its kickoff spots but when it is bumped, with no boost used: ballchasing gives "
            "it 313 s of play, the game's time out of kickoff countdowns and goal celebrations, where it gives every "
            "other player who played throughout the whole recording's 400 s, and of them 102 s at supersonic speed, "
            "which the states the stream sent for it allow for 4 s. The other, the car of a player who left after "
            "25 s (Raptor_Attacks_), resting 2560 uu before its own goal, ballchasing places on the floor and still, "
            "as the frames do (`frames._at_rest`: time on the ground and distance to the unit, its mean distance "
            "to the ball that of the states the stream sent for it: `positioning._to_ball`). For both, "
            "ballchasing's times behind and in front of the ball are the frames' swapped over the time out of "
            "countdowns and celebrations (a093q262 109 s behind and 203 s in front to the frames' 109 s in front and "
            "204 s behind; Raptor_Attacks_ 9.9 s and 15.1 s to 10.4 s and 15.6 s), as if each played for the other "
            "team, where the stream replicates each one's team alike throughout (its replication info's team and its "
            "car's paint) and ballchasing's shares of each half and third agree with the frames; every other player "
            "agrees, as every player of the later games does")
USED = ("the drops of the replicated tank but a kickoff's or a respawn's, over the whole recording (`boost._drops`), "
        "are within 5 % of ballchasing's for 26 later players of 28 (76561199074622953 of the 2025 game of the CSV "
        "export 5.8 % above, 76561198396487550 8.1 % under); counting a goal celebration's drops only up to 2.25 to "
        "2.7 s after the goal, of the 3 s the recording holds, brings 27, a cut nothing in the stream marks, and "
        "leaving out the drops of a demolished car's tank as its body comes to rest 26. In the 2016 game they are "
        "within 5 % for 4 players of 10 and within 8 % for 8; its stream empties the tank at each kickoff's "
        "countdown and replicates no kickoff tank: ballchasing counts those drops for some players "
        "(76561198024975579: 107 a minute, the tank's drops with them 109, without them 99) and none for the two "
        "cars it misreads (`OLD_CARS`), whose tanks the frames empty at each kickoff too, so that no reading of "
        "that stream brings more than 4 players of 10 within 5 %. The parser's modelled drain while boosting, "
        "which brings 4 as well, is a tenth of the boost collected in other replays of 2016 (128ed: 27 to 52 a "
        "minute used to 325 to 456 collected, where the replicated drops are 323 to 405)")
HELD = ("the team holding the ball is the one the stream replicates as the ball's last toucher "
        "(`ReplayFrames.possession`), and a car's distance to the ball is averaged over the states the stream sent "
        "for it out of kickoff countdowns (`positioning._to_ball`), as its distance in all, which agrees for every "
        "player of every era, is over all of them; while the other team held the ball, every later player is "
        "within 5 % of ballchasing but one of the 2025 game of the CSV export (5.9 % above it), and in the 2016 "
        "game the two bots who played 16 and 20 s are 5.9 % above it (Casper) and 9.7 % under it (Samara), "
        "where their distance in all agrees within 1 %; counting the countdowns' states, or none from a kickoff "
        "to its first touch, brings fewer of the 2016 game's players within 5 % and no more of the later games'")
LAST_DEFENDER = ("a goal counts against the conceding team's hindmost car on the pitch at the goal's frame, but a "
                 "defender whose touch was the last before a goal his opponents had shot at (a save that failed, a "
                 "deflection) is not the last defender: the hindmost of his mates is (`positioning.last_defenders`), "
                 "which gives every later player ballchasing's count; the hindmost car alone gives 24 of 28 (a "
                 "goalkeeper's touch on the goal line credited by ballchasing to his mate 2160 uu ahead, and a "
                 "deflection), and a defender's own goal with no shot before it ballchasing counts against him; "
                 "in the 2016 game ballchasing reads a093q262's car elsewhere than the frames hold it (`OLD_CARS`) and "
                 "credits its mates jboy42069 and Q-money219 with 9 and 2 of the team's 11 goals conceded, where "
                 "the frames give them 6 and 0 and a093q262 5")
AGREEMENT = {
    "avg_distance_to_mates": Agreement({"2017 on": (26, 26), "before 2017": (4, 10)}, MATES),
    "boost_amount_stolen": Agreement({"2017 on": (25, 28), "before 2017": (10, 10)}, PICKUPS),
    "boost_amount_stolen_small": Agreement({"2017 on": (25, 28), "before 2017": (10, 10)}, PICKUPS),
    "boost_bpm": Agreement({"2017 on": (26, 28), "before 2017": (4, 10)}, USED),
    "positioning_avg_distance_to_ball_no_possession": Agreement({"2017 on": (27, 28), "before 2017": (8, 10)},
                                                                HELD),
    "positioning_avg_distance_to_mates": Agreement({"2017 on": (26, 26), "before 2017": (4, 10)}, MATES),
    "positioning_goals_against_while_last_defender": Agreement({"2017 on": (28, 28), "before 2017": (7, 10)},
                                                               LAST_DEFENDER),
    "positioning_percent_behind_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_percent_closest_to_ball": Agreement({"2017 on": (24, 24), "before 2017": (3, 10)}, ROLES),
    "positioning_percent_farthest_from_ball": Agreement({"2017 on": (23, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_percent_infront_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_percent_most_back": Agreement({"2017 on": (22, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_percent_most_forward": Agreement({"2017 on": (23, 24), "before 2017": (5, 10)}, ROLES),
    "positioning_time_behind_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_closest_to_ball": Agreement({"2017 on": (24, 24), "before 2017": (4, 10)}, ROLES),
    "positioning_time_farthest_from_ball": Agreement({"2017 on": (23, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_time_infront_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_most_back": Agreement({"2017 on": (26, 28), "before 2017": (1, 10)}, ROLES),
    "positioning_time_most_forward": Agreement({"2017 on": (27, 28), "before 2017": (6, 10)}, ROLES),
    "time_behind_ball_share": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "time_first_man_share": Agreement({"2017 on": (25, 26), "before 2017": (5, 10)}, ROLES),
    "time_second_man_share": Agreement({"2017 on": (18, 18), "before 2017": (1, 10)}, ROLES),
    "time_third_man_share": Agreement({"2017 on": (24, 26), "before 2017": (1, 10)}, ROLES),
}
"""The stats below `TARGET` in some era, with their measured agreement (`measure` on the fixtures' pairs)
and the reason; every other stat ballchasing gives agrees for `TARGET` of the players of every era."""
