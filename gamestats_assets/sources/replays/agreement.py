"""How closely a raw replay's stats agree with ballchasing's for the same game.

A player's stat agrees when the replay's value is within `TOLERANCE` of ballchasing's (`agrees`). Measured on
the real games of `fixtures/rocketleague` that exist both as a raw replay and as ballchasing's JSON (a 2016
3v3 with substitutions, five games of 2025-2026: a 1v1, a 2v2, three 3v3), each era apart (`ERAS`), a stat
agrees for at least `TARGET` of the players of every era, except those of `AGREEMENT`, published with their
measured agreement and the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gamestats_assets.sources.ballchasing.records import ParsedMatch, stats_frame
from gamestats_assets.sources.replays.features import LEFT_EARLY, POSSESSION

TOLERANCE = 0.05
TARGET = 0.9
EXACT = frozenset({"score", "goals", "assists", "saves", "shots", "shots_against", "goals_against",
                   "demo_inflicted", "demo_taken"})
"""The scoreboard's counts, which agree only when equal."""


def era(year: int) -> str:
    """The replay era a game belongs to: games before 2017 (whose streams replicate no pad's return and whose
    header dates have no seconds), and later ones."""
    return "before 2017" if year < 2017 else "2017 on"


def near_zero(stat: str) -> float:
    """The absolute difference that counts as agreement for a value near zero, in the stat's unit (ballchasing
    rounds most values to two decimals): none for a count, half a hundredth of a second for a powerslide's
    mean length, half a percentage point of a share, half a percent or second, else one unit (boost, uu)."""
    if "_count_" in stat:
        return 0.0
    if stat.endswith("powerslide_duration"):
        return 0.005
    if stat.endswith(("_share", "_rate")):
        return 0.005
    return 0.5 if "percent_" in stat or "time_" in stat else 1.0


def agrees(stat: str, mine: float | None, theirs: float) -> bool:
    """Whether the replay's value `mine` agrees with ballchasing's `theirs`: equal for the scoreboard's counts
    (`EXACT`), else within `TOLERANCE` of it or `near_zero` of it."""
    if mine is None:
        return False
    if stat in EXACT:
        return mine == theirs
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


TANK = ("the replay replicates the boost tank only now and then (in the later games when a boost press ends or a pad "
        "is taken), and ballchasing's time at zero and at full follow the last replicated value (`ReplayFrames.cars`'"
        " `tank`), less the time after a car's last replication until the car is demolished or removed "
        "(`boost._closed`), which takes the later games' time at zero from 17 players of 24 within 5 % to 19, at full"
        " from 17 to 18, and their shares from 18 and 19 to 20 (7656119839 was 2.7 s over at zero and 7.5 s at full, "
        "with six demolitions); the players still off are off by 2 to 9 s (Rw9 at full: 37.0 s where ballchasing "
        "gives 28.4 s, in short spells that end with a boost tap); the value the next replication brings, which fits "
        "ballchasing's quarters (`QUARTERS`), gives 0 and 2 later players of 23 within 5 % at zero and full (one "
        "player left out, whose name ballchasing censors), the modelled tank 17 and 0, the replicated tank over the "
        "whole recording 7 and 12, zero only where the modelled tank is empty too 17, full only while not boosting 0,"
        " and a straight line from a press's start to the value its end replicates 17 and 0; ballchasing's shares at "
        "zero and full are of one time per game (376.73 s, 325.09 s, 316.80 s, 325.14 s and 343.90 s in the later "
        "games), within 0.5 s of the game's live time where the game ends on a goal and 3 s below it where the clock "
        "runs out; in the 2016 game ballchasing's tank times cover only part of a player's time on the pitch (129 s "
        "of 312 for a093q262), and ballchasing gives no tank time to the player whose tank never changed")
MEAN = ("ballchasing's mean tank is the plain mean of the values the stream replicates, each replication once however"
        " long it lasts: the stream's own `ReplicatedBoost` updates but a keyframe's repeat give every later player "
        "within 0.6 % of it, and the changes of the replicated tank over the whole recording "
        "(`boost._mean_replicated`) within 4.2 % (24 players of 24, where the time-weighted mean over the live time "
        "gave 17, the same over the whole recording 14, a per-frame mean 15, the modelled tank 10 and the value the "
        "next replication brings 6); in the 2016 game, whose stream empties the tank at each kickoff's countdown and "
        "replicates no kickoff tank (`USED`), the changes are 10 to 37 % off for six players of 10, and bot:Samara, "
        "whose tank the stream never replicates, is at 0 where ballchasing gives 9.4 (the time-weighted mean brought "
        "1 player of 10)")
QUARTERS = ("ballchasing counts the time between two replications of the tank at the value the second one brings "
            "(`boost._next_tank`): in the later games that takes the quarters from 5 to 7 players of 24 within 5 % "
            "(the last replicated value, as the time at zero and full are counted) to 11 to 21 for the times and 14 "
            "to 23 for the shares; the rest differ by a kickoff's or a respawn's span: after a kickoff ballchasing "
            "leaves out the time until the car's new boost component first replicates (Jtabor26: 9.5 s less at 25 to "
            "50, and nothing else, the two kickoffs whose first replication came 4.8 s after the car appeared) and "
            "counts some players' time beyond the live time (394 s for a player of the 1v1 whose live time is 376 s),"
            " but leaving out the time from each spawn until the tank first changes takes the later games' 0 to 25 "
            "from 17 players of 23 to 8 (one player left out, whose name ballchasing censors), and counting the whole"
            " recording 25 to 50 from 10 to 6; the stream's own `ReplicatedBoost` updates, each span between two of "
            "one boost component counted at the second, cover 257 to 322 s of a player's time where ballchasing's "
            "cover 294 to 394 s (components come and go between kickoffs) and bring 0 to 7 players of 23 within 5 % "
            "on the times; before this reading the modelled tank, a straight line between two frames' values or two "
            "replications', the full band from 254 of 255, the kickoff countdowns left out, or a kickoff tank until "
            "the stream replicates another (2016) came no closer, nor did subtr-actor's own tank stats (2 to 10 "
            "players of 24); leaving out, as at zero and full (`boost._closed`), the time after a car's last "
            "replication takes 0 to 25 from 18 players of 24 to 19, 25 to 50 from 11 to 12 and the top quarter's "
            "share from 23 to 24, but the share at 25 to 50 from 14 to 13, and is not kept; the 2016 stream, whose "
            "replications the next value fits no better (5 players of 10 at 50 to 75 where the replicated tank gives "
            "6), keeps the replicated tank")
PICKUPS = ("the amounts collected are the rises of the replicated tank (`boost._rises`: within 5 % of ballchasing's "
           "total for every player of the later games), and its split by pad and half follows the pickup credited "
           "with each rise; in the later games a small pad counts once a rise of the tank is credited to it (22 and "
           "20 players of 24 within 5 % for the small pads and the stolen ones, where the pad events give 14 and 9 "
           "and subtr-actor's reading of a rise as as many small pads as its size 21 and 19); the 2016 stream "
           "replicates the tank too seldom for that (ballchasing counts 36 small pads for 76561198042413938 where "
           "its rises give 26 and its pad events 50), and keeps the pad events; ballchasing's overfill does not fit the pads' "
           "nominal amounts less the rises (its own counts less its own amounts give 53 where it says 188); what "
           "each pickup gave beyond the room the modelled tank had the frame before, small pads taken near full "
           "included (as subtr-actor counts it), comes closest (10 and 12 players of 24 for the overfill and its "
           "stolen part, where leaving those small pads out gives 2 and 7), and the room in the replicated tank "
           "or at the pickup's own frame, or only the pickups in play, come no closer; the wasted share follows "
           "the overfill; the 2016 stream, which replicates no pad's return, keeps the per-pickup amounts")
SLIDES = ("the time held on the floor agrees, and a press counts when the car came within 40 uu of the floor "
          "during it (`movement.powerslides`: most players' counts are then within one press of ballchasing's); "
          "a count of 20 to 90 presses must agree within one or two, and no height (21 to 80 uu), wall rule, "
          "merge of presses a frame or two apart or live-time window brings 9 players in 10 there in both eras; "
          "ballchasing's counts are never below the presses with time on the floor, and counting too a press begun "
          "soon after the car left the floor (a jump) brings 22 later players of 24 within 5 % for a window of 0.1 s "
          "but 18 and 20 for 0.08 s and 0.12 s, a peak too sharp to be the game's rule rather than these samples'; "
          "subtr-actor's count of each entry into the handbrake held within 40 uu of the floor brings 16; "
          "the mean length is the time over the count")
ROLES = ("the later games agree for 9 players in 10 or more (`positioning.team_roles`); in the 2016 game "
         "ballchasing reads one orange car (a093q262) elsewhere than the frames hold it (`OLD_CARS`), which "
         "reorders its team at every frame (ballchasing gives its mates Q-money219 and jboy42069 153 s and "
         "187 s most back where the frames give 41 s and 96 s), and the blue team changed as players left and "
         "bots joined; the blue players who played the whole game are within 4 to 25 % of ballchasing; leaving "
         "out, as subtr-actor does, the moments a team's cars are within 236 uu of one another along the pitch "
         "takes the later games' most back and most forward from 22 and 23 players of 24 to 19 and 18")
MATES = ("in the 2016 game, whose teams changed as players left and bots joined, ballchasing reads one orange car "
         "(a093q262) elsewhere than the frames hold it, which moves it and its mates (jboy42069, Q-money219) 6 to 15 % "
         "from ballchasing's mean distance to mates, and two blue players differ by 10 and 16 % (one left after "
         "25 s); the later games agree for every player")
OLD_CARS = ("in the 2016 game ballchasing reads one car (a093q262) as driving, 102 s of it supersonic without "
            "ever using boost, which the game does not allow, where the frames hold it parked at midfield, and "
            "reads the cars of a player who left after 25 s (Raptor_Attacks_) and of the two bots who played "
            "15 s and 19 s otherwise; every other player agrees, as every player of the later games does")
USED = ("in the later games the drops of the replicated tank but a kickoff's or a respawn's, over the whole recording "
        "(`boost._drops`), are within 5 % of ballchasing's for 22 players of 24 (the other two 5.5 and 6.4 % above); "
        "the 2016 stream empties the tank at each kickoff's countdown and replicates no kickoff tank: ballchasing "
        "counts those drops for some players (76561198024975579: 107 a minute, the tank's drops with them 109, "
        "the modelled drain 49) and none for the two cars it misreads (`OLD_CARS`), whose tanks the frames empty "
        "at each kickoff too, so that no reading of that stream brings more than 4 players of 10 within 5 %")
SUPERSONIC_USED = ("ballchasing's figure follows no reading of the boost used at supersonic speed: neither the modelled "
                   "drain nor the replicated tank's drops (at the end of a press, or spread over the time since the "
                   "previous replication), with the speed at the frame or at the frame before, at the game's threshold "
                   "(2200 uu/s) or any up to the top speed (2300); with the time supersonic within 1 % of ballchasing's "
                   "for every player, it gives 470 to Baptiste2702382 (70cf8d6afd010900), whose time boosting at "
                   "supersonic speed holds at most 401, and 28 and 124 to Jtabor26 and the 1v1's strangy, whose "
                   "modelled drain at supersonic speed is 133 and 597; asking, as subtr-actor does, for supersonic "
                   "speed at the frame before too brings 4 later players of 24 within 5 %, where the frame's alone "
                   "brings 1")
AGREEMENT = {
    "avg_distance_to_ball": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "avg_distance_to_mates": Agreement({"2017 on": (22, 22), "before 2017": (5, 10)}, MATES),
    "boost_amount_collected": Agreement({'2017 on': (24, 24), 'before 2017': (5, 10)}, PICKUPS),
    "boost_amount_collected_big": Agreement({'2017 on': (19, 24), 'before 2017': (10, 10)}, PICKUPS),
    "boost_amount_collected_small": Agreement({'2017 on': (17, 24), 'before 2017': (5, 10)}, PICKUPS),
    "boost_amount_overfill": Agreement({"2017 on": (10, 24), "before 2017": (9, 10)}, PICKUPS),
    "boost_amount_overfill_stolen": Agreement({"2017 on": (12, 24), "before 2017": (10, 10)}, PICKUPS),
    "boost_amount_stolen": Agreement({'2017 on': (20, 24), 'before 2017': (8, 10)}, PICKUPS),
    "boost_amount_stolen_big": Agreement({'2017 on': (21, 24), 'before 2017': (10, 10)}, PICKUPS),
    "boost_amount_stolen_small": Agreement({'2017 on': (18, 24), 'before 2017': (6, 10)}, PICKUPS),
    "boost_amount_used_while_supersonic": Agreement({"2017 on": (4, 24), "before 2017": (6, 10)}, SUPERSONIC_USED),
    "boost_avg_amount": Agreement({"2017 on": (24, 24), "before 2017": (3, 10)}, MEAN),
    "boost_bcpm": Agreement({'2017 on': (23, 24), 'before 2017': (3, 10)}, PICKUPS),
    "boost_bpm": Agreement({"2017 on": (22, 24), "before 2017": (4, 10)}, USED),
    "boost_collected_per_minute": Agreement({'2017 on': (23, 24), 'before 2017': (2, 9)}, PICKUPS),
    "boost_count_collected_big": Agreement({"2017 on": (17, 24), "before 2017": (10, 10)}, PICKUPS),
    "boost_count_collected_small": Agreement({"2017 on": (22, 24), "before 2017": (5, 10)}, PICKUPS),
    "boost_count_stolen_small": Agreement({"2017 on": (20, 24), "before 2017": (6, 10)}, PICKUPS),
    "boost_percent_boost_0_25": Agreement({"2017 on": (17, 24), "before 2017": (3, 10)}, QUARTERS),
    "boost_percent_boost_25_50": Agreement({"2017 on": (14, 24), "before 2017": (1, 10)}, QUARTERS),
    "boost_percent_boost_50_75": Agreement({"2017 on": (18, 24), "before 2017": (5, 10)}, QUARTERS),
    "boost_percent_boost_75_100": Agreement({"2017 on": (23, 24), "before 2017": (4, 10)}, QUARTERS),
    "boost_percent_full_boost": Agreement({"2017 on": (20, 24), "before 2017": (7, 10)}, TANK),
    "boost_percent_zero_boost": Agreement({"2017 on": (20, 24), "before 2017": (1, 10)}, TANK),
    "boost_time_boost_0_25": Agreement({"2017 on": (18, 24), "before 2017": (1, 10)}, QUARTERS),
    "boost_time_boost_25_50": Agreement({"2017 on": (11, 24), "before 2017": (1, 10)}, QUARTERS),
    "boost_time_boost_50_75": Agreement({"2017 on": (17, 24), "before 2017": (6, 10)}, QUARTERS),
    "boost_time_boost_75_100": Agreement({"2017 on": (21, 24), "before 2017": (4, 10)}, QUARTERS),
    "boost_time_full_boost": Agreement({"2017 on": (18, 24), "before 2017": (7, 10)}, TANK),
    "boost_time_zero_boost": Agreement({"2017 on": (19, 24), "before 2017": (1, 10)}, TANK),
    "boost_wasted_share": Agreement({"2017 on": (12, 24), "before 2017": (6, 9)}, PICKUPS),
    "movement_avg_powerslide_duration": Agreement({"2017 on": (16, 24), "before 2017": (9, 10)}, SLIDES),
    "movement_avg_speed": Agreement({"2017 on": (24, 24), "before 2017": (7, 10)}, OLD_CARS),
    "movement_avg_speed_percentage": Agreement({"2017 on": (24, 24), "before 2017": (7, 10)}, OLD_CARS),
    "movement_count_powerslide": Agreement({"2017 on": (17, 24), "before 2017": (9, 10)}, SLIDES),
    "movement_percent_ground": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "movement_percent_low_air": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "movement_time_ground": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "movement_time_low_air": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "movement_time_slow_speed": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "movement_total_distance": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_avg_distance_to_ball": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_avg_distance_to_ball_no_possession": Agreement({"2017 on": (0, 24), "before 2017": (0, 10)},
                                                                POSSESSION),
    "positioning_avg_distance_to_ball_possession": Agreement({"2017 on": (0, 24), "before 2017": (0, 10)}, POSSESSION),
    "positioning_avg_distance_to_mates": Agreement({"2017 on": (22, 22), "before 2017": (5, 10)}, MATES),
    "positioning_percent_behind_ball": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_percent_closest_to_ball": Agreement({"2017 on": (22, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_percent_farthest_from_ball": Agreement({"2017 on": (22, 24), "before 2017": (0, 10)}, ROLES),
    "positioning_percent_infront_ball": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_percent_most_back": Agreement({"2017 on": (22, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_percent_most_forward": Agreement({"2017 on": (23, 24), "before 2017": (3, 10)}, ROLES),
    "positioning_percent_neutral_third": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_behind_ball": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_closest_to_ball": Agreement({"2017 on": (23, 24), "before 2017": (3, 10)}, ROLES),
    "positioning_time_farthest_from_ball": Agreement({"2017 on": (22, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_time_infront_ball": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "positioning_time_most_back": Agreement({"2017 on": (22, 24), "before 2017": (1, 10)}, ROLES),
    "positioning_time_most_forward": Agreement({"2017 on": (23, 24), "before 2017": (5, 10)}, ROLES),
    "positioning_time_neutral_third": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "score": Agreement({"2017 on": (24, 24), "before 2017": (6, 10)}, LEFT_EARLY),
    "time_behind_ball_share": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "time_first_man_share": Agreement({"2017 on": (21, 22), "before 2017": (4, 10)}, ROLES),
    "time_neutral_third_share": Agreement({"2017 on": (24, 24), "before 2017": (8, 10)}, OLD_CARS),
    "time_second_man_share": Agreement({"2017 on": (16, 18), "before 2017": (1, 10)}, ROLES),
    "time_third_man_share": Agreement({"2017 on": (20, 22), "before 2017": (1, 10)}, ROLES),
    "time_zero_boost_share": Agreement({"2017 on": (20, 24), "before 2017": (1, 10)}, TANK),
}
"""The stats below `TARGET` in some era, with their measured agreement (`measure` on the fixtures' pairs)
and the reason; every other stat ballchasing gives agrees for `TARGET` of the players of every era."""
