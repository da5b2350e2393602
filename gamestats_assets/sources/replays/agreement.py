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


PICKUPS = ("the amounts collected are the rises of the replicated tank (`boost._rises`: within 5 % of ballchasing's "
           "total for every player of the later games), and its split by pad and half follows the pickup credited "
           "with each rise; the tank is the value the stream last replicated (`ReplayFrames.cars`, from "
           "`ReplayFrames.replications`): read from the parser's model, which misses 2 to 6 % of the later games' "
           "replications, the small pads' count and its stolen part agreed for 25 and 22 later players of 28, and "
           "the replicated values bring 28 and 26 (the figures below for the five JSON games were measured on the "
           "model's reading but where said); in the later games a small pad counts once a rise of the tank is "
           "credited to it (22 and 20 players of 24 within 5 % for the small pads and the stolen ones, where the pad"
           " events give 14 and 9 and subtr-actor's reading of a rise as as many small pads as its size 21 and 19); "
           "the stream repeats a pad's pickup event seconds later (the same number, the car then anywhere), and "
           "ballchasing takes a big pad's next pickup sooner than the respawn time after such a repeat, with no "
           "return replicated between, as a small pad in no half (`frames._pickup_table`'s `fresh`): that brings the"
           " big pads' amount from 19 to 23 players of 24, the small pads' from 17 to 20, the stolen amount from 20 "
           "to 21, and with a big pad counted only while the replicated tank was short of full, the big pads' count "
           "from 17 to 21 (the two later players of 28 still a pad short have one counted where no event of ours "
           "shows it); a car cannot take a pad with a full tank, and the only big pads taken at a full replicated "
           "tank are taken during a boost press that holds a stale tank, which ballchasing does not count; the pads'"
           " places the stream gives agree with the car's place at each pad's pickups, but for the repeated events; "
           "crediting a rise beyond a small pad's amount to a big pad whatever pickup it follows brings the small "
           "pads' amount to 16 to 19 players of 24; in the 2025 game of the CSV export the small pads counted on the"
           " replicated values are ballchasing's but one (43, 50, 52, 61 where it gives 44, 50, 52, 61; the model's "
           "reading gave 44, 48, 55, 58), where the small pads' pickup events number 54 to 69, and a big pad taken "
           "the moment it returns, which the stream stamps a few milliseconds short of its respawn time, is fresh "
           "(`frames.PICKUP_CLOCK`: the small pads' amount from 23 to 24 players of 28 on the model's reading); a "
           "pad that returns and is taken again within one network tick shows no return, and ballchasing takes such "
           "a pickup as the pad's when the car that took it before takes it again, as small pads in no half when "
           "another car does (`frames._pickup_table`'s `fresh`: of the seven such big pads of the later games, it "
           "counts both of the same car, and reads one of another car's as small pads to the unit, "
           "76561198799189161's big and small amounts 1772 and 827 where that reading gives 1773 and 827): that "
           "brings the small pads' amount from 25 to 27 later players of 28, the overfill from 25 to 27 and the big "
           "pads' count from 25 to 26, where taking every such pickup as no fresh one brings 25, 26 and 25 and the "
           "big pads' amount from 28 to 27 players (76561198385053346, whose two such pickups, both of another car, "
           "ballchasing reads one as the pad's, one as small pads, stays 18 % over on the small pads' amount); "
           "crediting a rise to a pickup up to 3, 4 or 6 frames before it, or a rise credited to no pickup to a "
           "small pad, or counting a big pad only with a rise credited to it, brings none closer (the small pads' "
           "amount 15 to 18 players of 24, the big pads' count 14 to 16); the pads on the centre line belong to "
           "neither half (counting them as the opponents' for either team or both brings the stolen amounts to 0 to "
           "12 players of 24); the 2016 stream replicates the tank seldom, and there ballchasing counts a pad when "
           "the tank's first replication at or after the pickup is above its last one before, and adds that rise "
           "(`boost._pickups`: every 2016 player's small pads to the unit and their amounts within 5 %, where "
           "counting the pad events gave 5 players of 10, 76561198042413938 50 small pads for ballchasing's 36); "
           "ballchasing's overfill does not fit the pads' nominal amounts less the rises (its own counts less its "
           "own amounts give 53 where it says 188): it is read off the replicated tank (`boost._pickups`), a pad's "
           "amount beyond the room the tank last replicated before the pickup had when the next replication shows "
           "the tank full, and nothing for a pad taken at a replicated full tank or after which the tank replicates "
           "short of full (the car boosting as it took the pad: the ten big pads 76561198862257603 of the 2026 "
           "standard game b took so would add 111 to ballchasing's 68); that brings the overfill from 12 to 25 later"
           " players of 28 (27 with the pickups above) and its stolen part from 15 to 28, where the room the "
           "modelled tank had, with the same rule, brings 15 and 20; the player still off (76561198994386260, 100 "
           "under) took a big pad 10.03 s after another car, no return replicated, which ballchasing counts as a big"
           " pad that gave nothing, its 100 overfill, while it adds the rise to the small pads' amount (its counts "
           "21 big and 67 small pads where ours are 20 and 68, its amounts within 3 of ours); the wasted share "
           "follows the overfill; of the later players still off "
           "on the stolen amounts, Akow._. and trk511 (blue) are each one centre big pad under ballchasing, taken "
           "after a repeat, which it counts as stolen small pads, where it counts the centre big pads two orange "
           "players took with no return replicated in no half, and Moh Bility one small pad (12) under, the one "
           "of four opponents' pads taken with no return replicated that ballchasing counts as stolen; taking "
           "such pickups' half from the car's place brings 23 and 24 later players of 28, and counting the "
           "centre ones as stolen for the blue team alone would bring 27 and 27, a rule drawn from those four "
           "pickups only that no reading of the stream gives, so not taken; the centre line as orange's half for "
           "every such pickup brings the stolen amounts to 26 but the stolen small pads' count from 26 to 25 (a blue "
           "player's big pad at 4096 and an orange player's small pad at -2484, both such pickups, would be stolen "
           "where ballchasing counts neither), and the team of the car that took the pad before does not decide it "
           "either (Moh Bility's stolen pad followed an opponent's pickup, the two blue centre pads a mate's)")
ROLES = ("the later games agree for 9 players in 10 or more (`positioning.team_roles`): ballchasing gives a role to "
         "more than one car at once (a team's most-forward times add up to 1 to 11 s more than the game's time out of "
         "the countdowns), and a car level within `positioning.LEVEL` of the team's leader sharing its role takes the "
         "later players' mean absolute difference from ballchasing from 2.0 s to 1.4 s on the most-forward time, "
         "2.7 s to 2.1 s on the closest, 2.4 s to 2.3 s on the most-back and 2.7 s to 2.6 s on the farthest, and "
         "the second man's share from 16 to 18 later players of 18 within 5 %, alike for any level from 10 to 50 uu "
         "(100 uu brings the share to 1 of 18); in the 2016 game "
         "ballchasing reads one orange car (a093q262) elsewhere than the frames hold it (`OLD_CARS`), which "
         "reorders its team at every frame (ballchasing gives its mates Q-money219 and jboy42069 153 s and "
         "187 s most back where the frames give 41 s and 96 s), and the blue team changed as players left and "
         "bots joined; the blue players who played the whole game are within 4 to 25 % of ballchasing; leaving "
         "out, as subtr-actor does, the moments a team's cars are within 236 uu of one another along the pitch "
         "took the later games' most back and most forward from 22 and 23 players of 24 to 19 and 18 on a strict "
         "ranking; the second man's share is derived, for both sources alike, from the time on the pitch less the "
         "most-back and most-forward times, where the time as the middle car of three on the pitch over the time "
         "on the pitch gives 6 of 18")
MATES = ("in the 2016 game, whose teams changed as players left and bots joined, ballchasing reads one orange car "
         "(a093q262) elsewhere than the frames hold it, which moves it and its mates (jboy42069, Q-money219) 6 to 15 % "
         "from ballchasing's mean distance to mates, and two blue players differ by 10 and 16 % (one left after "
         "25 s); the later games agree for every player")
OLD_CARS = ("in the 2016 game ballchasing reads one car (a093q262) as driving, 102 s of it supersonic without "
            "ever using boost, which the game does not allow, where the frames hold it parked at midfield; the car "
            "of a player who left after 25 s (Raptor_Attacks_), resting at its kickoff spot, it reads on the floor "
            "and still, as the frames do (`frames._at_rest`: time on the ground and distance to the unit), but "
            "with another mean speed and place against the ball, and the cars of the two bots who played 15 s and "
            "19 s otherwise; every other player agrees, as every player of the later games does")
USED = ("in the later games the drops of the replicated tank but a kickoff's or a respawn's, over the whole recording "
        "(`boost._drops`), are within 5 % of ballchasing's for 26 players of 28 (76561199074622953 of the 2025 game "
        "of the CSV export 5.8 % above, 76561198396487550 8.1 % under); counting a goal celebration's drops only "
        "up to 2.25 to 2.7 s after the goal, of the 3 s the recording holds, brings 27, a cut nothing in the "
        "stream marks, and leaving out the drops of a demolished car's tank as its body comes to rest 26; "
        "the 2016 stream empties the tank at each kickoff's countdown and replicates no kickoff tank: ballchasing "
        "counts those drops for some players (76561198024975579: 107 a minute, the tank's drops with them 109, "
        "the modelled drain 49) and none for the two cars it misreads (`OLD_CARS`), whose tanks the frames empty "
        "at each kickoff too, so that no reading of that stream brings more than 4 players of 10 within 5 %")
HELD = ("the team holding the ball is the one the stream replicates as the ball's last toucher "
        "(`ReplayFrames.possession`), which brings every later player within 5 % of ballchasing but one, 6 % above "
        "it while their team held the ball (the touches the frames show, held until the other team's, bring 21 and "
        "20 players of 24); in the 2025 game of the CSV export one player is 5.2 % under ballchasing while their "
        "team held the ball and another 5.5 % above it while the other team did; in the 2016 game ballchasing reads "
        "the cars of a093q262, Raptor_Attacks_ and bot:Samara otherwise than the frames hold them (`OLD_CARS`), and "
        "jboy42069's distance while the other team held the ball is 7 % above ballchasing's")
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
    "avg_distance_to_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "avg_distance_to_mates": Agreement({"2017 on": (26, 26), "before 2017": (5, 10)}, MATES),
    "boost_amount_stolen": Agreement({"2017 on": (25, 28), "before 2017": (10, 10)}, PICKUPS),
    "boost_amount_stolen_small": Agreement({"2017 on": (25, 28), "before 2017": (10, 10)}, PICKUPS),
    "boost_bpm": Agreement({"2017 on": (26, 28), "before 2017": (4, 10)}, USED),
    "movement_avg_speed": Agreement({"2017 on": (28, 28), "before 2017": (7, 10)}, OLD_CARS),
    "movement_avg_speed_percentage": Agreement({"2017 on": (24, 24), "before 2017": (7, 10)}, OLD_CARS),
    "movement_time_slow_speed": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_avg_distance_to_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_avg_distance_to_ball_no_possession": Agreement({"2017 on": (27, 28), "before 2017": (6, 10)},
                                                                HELD),
    "positioning_avg_distance_to_ball_possession": Agreement({"2017 on": (26, 28), "before 2017": (8, 10)}, HELD),
    "positioning_avg_distance_to_mates": Agreement({"2017 on": (26, 26), "before 2017": (5, 10)}, MATES),
    "positioning_goals_against_while_last_defender": Agreement({"2017 on": (28, 28), "before 2017": (7, 10)},
                                                               LAST_DEFENDER),
    "positioning_percent_behind_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_percent_closest_to_ball": Agreement({"2017 on": (24, 24), "before 2017": (3, 10)}, ROLES),
    "positioning_percent_farthest_from_ball": Agreement({"2017 on": (23, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_percent_infront_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_percent_most_back": Agreement({"2017 on": (22, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_percent_most_forward": Agreement({"2017 on": (23, 24), "before 2017": (5, 10)}, ROLES),
    "positioning_percent_neutral_third": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_behind_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_closest_to_ball": Agreement({"2017 on": (24, 24), "before 2017": (3, 10)}, ROLES),
    "positioning_time_farthest_from_ball": Agreement({"2017 on": (23, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_time_infront_ball": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_most_back": Agreement({"2017 on": (26, 28), "before 2017": (1, 10)}, ROLES),
    "positioning_time_most_forward": Agreement({"2017 on": (27, 28), "before 2017": (5, 10)}, ROLES),
    "positioning_time_neutral_third": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "time_behind_ball_share": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "time_first_man_share": Agreement({"2017 on": (25, 26), "before 2017": (5, 10)}, ROLES),
    "time_neutral_third_share": Agreement({"2017 on": (28, 28), "before 2017": (8, 10)}, OLD_CARS),
    "time_second_man_share": Agreement({"2017 on": (18, 18), "before 2017": (1, 10)}, ROLES),
    "time_third_man_share": Agreement({"2017 on": (24, 26), "before 2017": (1, 10)}, ROLES),
}
"""The stats below `TARGET` in some era, with their measured agreement (`measure` on the fixtures' pairs)
and the reason; every other stat ballchasing gives agrees for `TARGET` of the players of every era."""
