"""The network frames of a raw `.replay` file as tables: ball and car states per frame, and ball hits.

subtr-actor replays the network stream into a state per frame for every car that was ever in the game (a car
absent from a frame has no state there). Units are the game's: uu for positions, uu/s for velocities, boost
converted from the game's byte 0-255 to 0-100."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import subtr_actor

from gamestats_assets.lib.core.allocation import bulk_allocation
from gamestats_assets.sources.replays.header import ReplayHeader, ReplayParseError, header_from_meta, player_id_of
from gamestats_assets.sources.replays.replications import Replications, read_stream, remote_key

HIT_VELOCITY_JUMP = 250.0
"""uu/s of ball velocity change between two frames that only a touch produces (gravity adds ~22 uu/s a
frame at 30 fps, a bounce changes one component, which the distance rule filters out)."""
HIT_DISTANCE = 300.0
"""uu between ball and car centres within which a car can have touched the ball (ball radius 93 uu plus a
car's half-length and the distance covered in one frame at supersonic speed)."""
CONTACT_SECONDS = 0.09
"""Seconds within which a car's touch after its own previous one, no other car's between, continues that contact
(up to two frames on at the stream's ~30 a second): a car pushing the ball changes its velocity over consecutive
frames, and a ball bouncing off the floor against the car that just hit it changes it again."""
RECORDING_GAP = 0.5
"""Seconds between two frames beyond which the recording jumped (the stream records ~30 frames a second, and
a lag in play delays a frame by a tenth of a second or so; after a goal the recording skips ahead, by most
of a second at times, while the cars the explosion threw are in the air)."""
BOOST_BYTE_MAX = 255.0
SMALL_PAD, BIG_PAD = 12.0, 100.0
"""Boost a small and a big pad give (0-100 scale)."""
RESPAWN = {SMALL_PAD: 4.0, BIG_PAD: 10.0}
"""Seconds a small and a big pad take to come back after a pickup."""
PICKUP_CLOCK = 0.05
"""Seconds by which the stream can stamp a pickup early: an event bears its frame's time, and a pad taken the
moment it comes back can show a few milliseconds short of its respawn time since the previous pickup."""
PAD_MATCH = {SMALL_PAD: 450.0, BIG_PAD: 1000.0}
"""uu from a place of the map's layout within which a pickup was taken at a small or a big pad there."""
RETURN_TICK = 0.1
"""Seconds past a pad's respawn time within which it can come back and be taken again in one network update,
the stream then replicating no return between the two pickups."""
RESTING = 0.5
"""Seconds between two states the stream sent for a car beyond which the car rested in between (a moving car's
state is sent every frame or two)."""
AT_PAD = 600.0
"""uu from a pad's centre within which the car of a pickup event is at the pad (a repeated event names the car
that took the pad wherever it is then)."""

BALL_SCHEMA = {"frame": pl.Int32, "time": pl.Float64, "seconds_remaining": pl.Int32, "state": pl.Int32,
               "counting": pl.Int32,
               "x": pl.Float64, "y": pl.Float64, "z": pl.Float64,
               "vx": pl.Float64, "vy": pl.Float64, "vz": pl.Float64}
CAR_SCHEMA = {"frame": pl.Int32, "player_id": pl.String, "name": pl.String, "team": pl.Int8,
              "x": pl.Float64, "y": pl.Float64, "z": pl.Float64,
              "vx": pl.Float64, "vy": pl.Float64, "vz": pl.Float64, "boost": pl.Float64, "tank": pl.Float64,
              "powerslide": pl.Boolean, "sleeping": pl.Boolean}
PICKUP_SCHEMA = {"frame": pl.Int32, "player_id": pl.String, "pad_amount": pl.Float64, "pad_y": pl.Float64,
                 "fresh": pl.Boolean}
DEMO_SCHEMA = {"frame": pl.Int32, "attacker": pl.String, "victim": pl.String}
SCORING_SCHEMA = {"frame": pl.Int32, "player_id": pl.String, "kind": pl.String}
GOAL_SCHEMA = {"frame": pl.Int32, "team": pl.Int8}
ROSTER_SCHEMA = {"player_id": pl.String, "name": pl.String, "platform": pl.String, "team": pl.Int8}
PLATFORMS = {"Steam": "steam", "PlayStation": "ps4", "PsyNet": "ps4", "Xbox": "xbox", "Switch": "switch",
             "Epic": "epic", "SplitScreen": "bot"}
"""The platform of a network remote id's kind, as the header and ballchasing name it (a split-screen id is a
bot's in an online game)."""
SCORING_KINDS = {"Goal": "goals", "Shot": "shots", "Save": "saves", "Assist": "assists"}


@dataclass(frozen=True)
class ReplayFrames:
    """A parsed replay: its header and its frames as tables (`ball`, `cars`, `hits`)."""

    header: ReplayHeader
    ball: pl.DataFrame
    """One row per frame: `frame, time, seconds_remaining, state, x, y, z, vx, vy, vz` (velocity null
    while the ball sleeps before kickoff), `counting`, `dt`, `live` and `countdown`. A frame lasts until the
    next one (`dt`), except across a gap longer than `RECORDING_GAP` (a skipped goal replay, a pause), which
    lasts nothing. A frame is `live` unless it falls between a goal and the next kickoff's countdown;
    `countdown` marks the kickoff countdowns, `counting` the part of them that counts down (3, 2, 1: the
    second before it shows the cars in place)."""
    cars: pl.DataFrame
    """One row per car and frame it existed in: `frame, player_id, name, team, x..vz, boost` (0-100, the
    parser's model between replications), `tank` (0-100, the last value the stream replicated for the
    player's tank by that frame: `replications`), `powerslide` (handbrake held), `sleeping` (a
    demolished car's body rests), `unsent` (a car stopped after a goal that the stream no longer sends:
    `_unsent`)."""
    hits: pl.DataFrame
    """One row per detected touch (`detect_hits`): `frame, time, player_id, team, ball_x, ball_y, ball_z` (the ball
    before it), `until` (the frame of the contact's last velocity change)."""
    pickups: pl.DataFrame
    """One row per boost pad picked up: `frame, player_id, pad_amount` (12 small, 100 big), `pad_y`, `fresh`
    (`_pickup_table`)."""
    demos: pl.DataFrame
    """One row per demolition: `frame, attacker, victim` (player ids)."""
    goals: pl.DataFrame
    """One row per goal the stream recorded: `frame, team` (the scoring team, 0 or 1), whoever scored it."""
    scoring: pl.DataFrame
    """One row per goal, shot, save and assist the stream recorded: `frame, player_id, kind` (`goals`,
    `shots`, `saves`, `assists`)."""
    roster: pl.DataFrame
    """One row per car the stream knows: `player_id, name, platform, team` (the last team it played for)."""
    replications: pl.DataFrame
    """One row per value the stream sends for a car's boost tank (`Replications.tanks`): `frame,
    player_id, component` (the boost component's life, one per car the player had), `tank` (0-100)."""
    possession: pl.DataFrame
    """One row per value the stream sends for the team whose car touched the ball last
    (`Replications.hit_teams`): `frame, team`; that team holds the ball until the next row (nobody when null)."""
    scores: pl.DataFrame
    """One row per player the stream sent a match score for (`Replications.scores`): `player_id, score`,
    the last one sent (a player the frames know with no row scored nothing)."""
    positions: pl.DataFrame
    """One row per rigid-body state the stream sends for a car (`Replications.positions`): `frame, player_id,
    x, y, z, speed`; `cars` holds the parser's estimate at the frames between them (`_at_rest`)."""
    handbrakes: pl.DataFrame
    """One row per handbrake value the stream sends for a car (`Replications.handbrakes`): `frame, player_id,
    held`."""
    pads_return: bool = True
    """Whether the stream replicates a pad's return and numbers its pickups (streams of 2017 on; the older
    ones replicate neither)."""
    recharges: bool = False
    """Whether the cars' tanks refill by themselves (`Replications.recharges`: a mutator's recharge), so that a
    rise of a tank no pickup explains is no pad's."""
    team_scores: tuple[int, int] = (0, 0)
    """The last score the stream replicates for the blue and the orange team (`Replications.team_scores`)."""
    names: frozenset[str] = frozenset()
    """Every name the stream gives a player (`Replications.players`)."""
    player_goals: tuple[tuple[str, int], ...] = ()
    """The last goals the stream replicates for each player: `(name, goals)` (`Replications.goals`)."""
    online_ids: frozenset[str] = frozenset()
    """The ids the stream sends its players under, written as the header writes them (`_header_id`); a bot has
    none."""


def _online_id(remote_id: dict[str, Any]) -> str | None:
    """The online id inside a network remote id (`{"Steam": "7656..."}`, `{"PsyNet": {"online_id": ..}}`),
    the name for a PlayStation id (as the header and ballchasing know PlayStation players: the online id of
    old PlayStation ids is the same for every player); None for split-screen and bot ids, which have none."""
    kind, value = next(iter(remote_id.items()))
    if kind == "SplitScreen":
        return None
    if kind == "PlayStation" and value.get("name"):
        return str(value["name"])
    if isinstance(value, dict):
        return str(value.get("online_id")) if value.get("online_id") is not None else None
    return str(value)


def _header_id(remote_id: dict[str, Any]) -> str | None:
    """The id the header writes for the player of a network remote id (as `header._online_id` reads it): an Xbox
    id as the hexadecimal of its bytes in little-endian order, the online id otherwise; None for a bot's."""
    online_id = _online_id(remote_id)
    if online_id is not None and next(iter(remote_id)) == "Xbox" and online_id.isdigit():
        return int(online_id).to_bytes(8, "little").hex()
    return online_id


def _vector(body: dict[str, Any], key: str) -> tuple[float | None, float | None, float | None]:
    value = body.get(key)
    return (value["x"], value["y"], value["z"]) if value else (None, None, None)


def _ball_table(frames_data: dict[str, Any], goal_frames: list[int]) -> pl.DataFrame:
    metadata = frames_data["metadata_frames"]
    rows = []
    for index, (state, meta) in enumerate(zip(frames_data["ball_data"]["frames"], metadata, strict=False)):
        body = (state.get("Data") or {}).get("rigid_body") if isinstance(state, dict) else None
        location = _vector(body, "location") if body else (None, None, None)
        velocity = _vector(body, "linear_velocity") if body else (None, None, None)
        rows.append((index, meta["time"], meta["seconds_remaining"], meta.get("replicated_game_state_name"),
                     meta.get("replicated_game_state_time_remaining") or 0, *location, *velocity))
    ball = pl.DataFrame(rows, schema=BALL_SCHEMA, orient="row")
    after_goal = set(ball.filter(pl.col("frame").is_in(goal_frames))["state"].drop_nulls())
    counting = set(ball.filter(pl.col("counting") > 0)["state"].drop_nulls()) - after_goal
    step = pl.col("time").shift(-1) - pl.col("time")
    countdown = pl.col("state").is_in(list(counting)).fill_null(False)
    kickoff = countdown & ~countdown.shift(1, fill_value=False)
    dead = (pl.when(pl.col("frame").is_in(goal_frames)).then(True).when(kickoff).then(False)
            .otherwise(None).forward_fill().fill_null(False))
    return ball.with_columns(dt=pl.when(step <= RECORDING_GAP).then(step).otherwise(0.0).clip(0.0).fill_null(0.0),
                             live=~dead, countdown=countdown, counting=pl.col("counting") > 0)


def _names(states: list[Any]) -> list[str]:
    """The player's name at each of a car's `states`: the name the state bears, else the last one an earlier
    state bore, else the first one a later state bears (the stream can send a car before its player's name)."""
    given = [((state.get("Data") or {}).get("player_name") or "") if isinstance(state, dict) else ""
             for state in states]
    last = next((name for name in given if name), "")
    names = []
    for name in given:
        last = name or last
        names.append(last)
    return names


def _car_table(frames_data: dict[str, Any], header: ReplayHeader) -> tuple[pl.DataFrame, dict[str, str]]:
    """Car states, and the player id of each network remote id: the id of the header's player of that
    name (the header knows the ids ballchasing uses), else one of the remote id. A car without an online id
    (a split-screen id, which online games give bots) is a bot unless the header names a human of that name."""
    humans = {p.name for p in header.players if not p.is_bot}
    by_name = {p.name: p.player_id for p in header.players}
    rows = []
    ids: dict[str, str] = {}
    for remote_id, states in frames_data["players"]:
        online_id = _online_id(remote_id)
        key = remote_key(remote_id)
        for index, (state, name) in enumerate(zip(states["frames"], _names(states["frames"]), strict=True)):
            data = state.get("Data") if isinstance(state, dict) else None
            if not data:
                continue
            player_id = by_name.get(name) or player_id_of(online_id, name, online_id is None and name not in humans)
            ids.setdefault(key, player_id)
            body = data["rigid_body"]
            rows.append((index, player_id, name, 0 if data["is_team_0"] else 1,
                         *_vector(body, "location"), *_vector(body, "linear_velocity"),
                         data["boost_amount"] * 100.0 / BOOST_BYTE_MAX, None,
                         bool(data.get("powerslide_active")), bool(body.get("sleeping"))))
    return pl.DataFrame(rows, schema=CAR_SCHEMA, orient="row"), ids


def _pads_return(data: dict[str, Any]) -> bool:
    return any(not isinstance(event["kind"], dict) for event in data["boost_pad_events"])


def _pad_places(events: list[dict[str, Any]], layout: list[tuple[float, dict]]) -> dict[str, tuple[float, dict]]:
    """Each pad the pickup events name, with the amount and place of the map's layout (`layout`) it stands at:
    the place most of its pickups were taken within `PAD_MATCH` of, the nearer on average if two tie, else the
    place nearest where its pickups were taken on average. (The parser's own matching, which it lists, can put
    two pads at one place and then lists one of the two, not the same from one run to the next.)"""
    seen: dict[str, list[tuple[float, float]]] = {}
    for event in events:
        picker = event.get("player_position") or {}
        if isinstance(event["kind"], dict) and picker.get("x") is not None and picker.get("y") is not None:
            seen.setdefault(event["pad_id"], []).append((picker["x"], picker["y"]))
    places = [(amount, place, (place["x"], place["y"])) for amount, place in layout]
    pads = {}
    for pad, taken in seen.items():
        votes = [(sum(1 for at in taken if math.dist(at, centre) <= PAD_MATCH[amount]),
                  -sum(math.dist(at, centre) for at in taken), index)
                 for index, (amount, _, centre) in enumerate(places)]
        count, _, index = max(votes)
        if not count:
            mean = (sum(x for x, _ in taken) / len(taken), sum(y for _, y in taken) / len(taken))
            index = min(range(len(places)), key=lambda candidate: math.dist(mean, places[candidate][2]))
        pads[pad] = places[index][:2]
    return pads


def _pickup_table(data: dict[str, Any], ids: dict[str, str]) -> pl.DataFrame:
    """Boost pads picked up by a car the frames know, with the pad's amount and place along the pitch (the place
    of the map's layout it stands at: `_pad_places`; the picker's for a pad never seen taken at a known place).
    The stream can repeat a pickup. A pad is picked up only when it is there: a pad is there again `RESPAWN`
    seconds after it was taken (`PICKUP_CLOCK` short), and where the
    stream replicates a pad's return (`Available`), a pad's pickups are numbered and a number seen again
    before the pad came back is the same pickup too (older streams, before 2017, replicate no return and
    number no pickup). A pickup within the respawn time under a new number is a repeat: counting it gives
    some players a big pad more than ballchasing.

    A pickup is `fresh` when the stream replicated the pad's return since its previous pickup event, repeats
    included; with no return replicated, when the pad had been away its respawn time since that event and
    the same car took it then, or when it had been away longer than `RETURN_TICK` past its respawn time (a pad
    that comes back and is taken again within one network update shows no return, and ballchasing reads
    another car's pickup then as no pickup of the pad, as it does a pickup that follows a repeat sooner).
    Where the stream replicates returns, a repeat whose car is at the pad (`AT_PAD`) is kept, not fresh: the
    car took a pad there."""
    events = sorted(data["boost_pad_events"], key=lambda event: event["frame"])
    layout = [(BIG_PAD if pad["size"] == "Big" else SMALL_PAD, pad["position"]) for pad in data["boost_pads"]
              if (pad.get("position") or {}).get("x") is not None and pad["position"].get("y") is not None]
    pads = _pad_places(events, layout) if layout else {}
    returns = _pads_return(data)
    rows = []
    last: dict[str, object] = {}
    taken: dict[str, float] = {}
    seen: dict[str, tuple[float, str]] = {}
    for event in events:
        pad = event["pad_id"]
        if not isinstance(event["kind"], dict) or "PickedUp" not in event["kind"]:
            last.pop(pad, None)
            seen.pop(pad, None)
            continue
        amount, position = pads.get(pad, (SMALL_PAD, {}))
        away = RESPAWN[amount] - PICKUP_CLOCK
        picker = event.get("player_position") or {}
        key = json.dumps(event.get("player"), sort_keys=True)
        if returns:
            number = event["kind"]["PickedUp"].get("sequence")
            repeated = last.get(pad) == number or (pad in taken and event["time"] - taken[pad] < away)
            since, taker = seen.get(pad, (-math.inf, key))
            away_for = event["time"] - since
            fresh = not repeated and away_for >= away and (taker == key or away_for >= RESPAWN[amount] + RETURN_TICK)
            last[pad] = number
            seen[pad] = (event["time"], key)
            at_pad = position and picker and math.dist((picker["x"], picker["y"]),
                                                       (position["x"], position["y"])) <= AT_PAD
        else:
            repeated = pad in taken and event["time"] - taken[pad] < away
            fresh, at_pad = not repeated, False
        if (repeated and not at_pad) or key not in ids:
            continue
        if not repeated:
            taken[pad] = event["time"]
        rows.append((event["frame"], ids[key], amount,
                     position.get("y") if position.get("y") is not None else picker.get("y"), fresh))
    return pl.DataFrame(rows, schema=PICKUP_SCHEMA, orient="row")


def _demo_table(data: dict[str, Any], ids: dict[str, str]) -> pl.DataFrame:
    """Demolitions between cars the frames know."""
    rows = [(demo["frame"], ids[attacker], ids[victim]) for demo in data.get("demolish_infos") or []
            if (attacker := json.dumps(demo.get("attacker"), sort_keys=True)) in ids
            and (victim := json.dumps(demo.get("victim"), sort_keys=True)) in ids]
    return pl.DataFrame(rows, schema=DEMO_SCHEMA, orient="row")


def _goal_table(data: dict[str, Any]) -> pl.DataFrame:
    """The stream's goals with the team that scored each."""
    rows = [(event["frame"], 0 if event["scoring_team_is_team_0"] else 1) for event in data.get("goal_events") or []
            if event.get("scoring_team_is_team_0") is not None]
    return pl.DataFrame(rows, schema=GOAL_SCHEMA, orient="row")


def _scoring_table(data: dict[str, Any], ids: dict[str, str]) -> pl.DataFrame:
    """Goals (the stream's goal events) and shots, saves and assists (its player stat events) by cars the
    frames know."""
    rows = [(event["frame"], ids[key], "goals") for event in data.get("goal_events") or []
            if (key := json.dumps(event.get("player"), sort_keys=True)) in ids]
    rows += [(event["frame"], ids[key], SCORING_KINDS[event["kind"]]) for event in data.get("player_stat_events") or []
             if event.get("kind") in SCORING_KINDS and event["kind"] != "Goal"
             and (key := json.dumps(event.get("player"), sort_keys=True)) in ids]
    return pl.DataFrame(rows, schema=SCORING_SCHEMA, orient="row")


def _roster(cars: pl.DataFrame, ids: dict[str, str]) -> pl.DataFrame:
    platforms = pl.DataFrame([(player_id, PLATFORMS.get(next(iter(json.loads(key))), "unknown"))
                              for key, player_id in ids.items()], schema=["player_id", "platform"], orient="row")
    return (cars.sort("frame").group_by("player_id").agg(pl.col("name").last(), pl.col("team").last())
            .join(platforms.unique("player_id"), on="player_id", how="left")
            .select(*ROSTER_SCHEMA).cast(ROSTER_SCHEMA).sort("player_id"))


def _owned(table: pl.DataFrame, cars: pl.DataFrame, ids: dict[str, str]) -> pl.DataFrame:
    """`table`'s rows (a player's `name` and `remote` id each: `replications.Players`) of the players the frames
    know, in order, with `player_id`: the player of that remote id (`ids`), or, for a player the stream sends no
    remote id for (a bot), of the car of that name."""
    by_remote = pl.DataFrame({"remote": list(ids), "of_remote": list(ids.values())},
                             schema={"remote": pl.String, "of_remote": pl.String})
    by_name = cars.select("name", of_name="player_id").unique("name", keep="first", maintain_order=True)
    return (table.join(by_remote, on="remote", how="left", maintain_order="left")
            .join(by_name, on="name", how="left", maintain_order="left")
            .with_columns(player_id=pl.when(pl.col("remote").is_null()).then("of_name").otherwise("of_remote"))
            .filter(pl.col("player_id").is_not_null()).drop("of_remote", "of_name"))


def _replication_table(stream: Replications, cars: pl.DataFrame, ids: dict[str, str]) -> pl.DataFrame:
    """The tank replications of the cars the frames know."""
    return _owned(stream.tanks, cars, ids).select(
        "frame", "player_id", "component", tank=pl.col("byte") * 100.0 / BOOST_BYTE_MAX)


def _score_table(stream: Replications, cars: pl.DataFrame, ids: dict[str, str]) -> pl.DataFrame:
    """The last match score the stream sent for each player the frames know."""
    return _owned(stream.scores, cars, ids).select("player_id", "score")


def _with_tank(cars: pl.DataFrame, replications: pl.DataFrame) -> pl.DataFrame:
    """`cars` with `tank`, the last value `replications` brought for the player's tank by each frame (the
    model's before the first)."""
    last = (replications.sort("frame").unique(["frame", "player_id"], keep="last")
            .select("frame", "player_id", replicated="tank").sort("frame"))
    return (cars.sort("frame")
            .join_asof(last, on="frame", by="player_id", strategy="backward", check_sortedness=False)
            .with_columns(tank=pl.col("replicated").fill_null(pl.col("boost")))
            .select(*CAR_SCHEMA).sort("player_id", "frame"))


def _at_rest(cars: pl.DataFrame, positions: pl.DataFrame, ball: pl.DataFrame) -> pl.DataFrame:
    """`cars` with each car's place, between two states the stream sent more than `RESTING` seconds apart (it
    sends a resting car's state seldom), on the straight line from the one to the other: the parser carries the
    car on from the first with its last velocity, which lifts a car settling on the floor into the air over
    seconds."""
    axes = ("x", "y", "z")
    sent = (positions.unique(["frame", "player_id"], keep="last", maintain_order=True)
            .join(ball.select("frame", "time"), on="frame").sort("frame"))
    placed = (cars.join(ball.select("frame", "time"), on="frame").sort("frame")
              .join_asof(sent.select("frame", "player_id", *[pl.col(a).alias(f"{a}_from") for a in axes], since="time"),
                         on="frame", by="player_id", strategy="backward", check_sortedness=False)
              .join_asof(sent.select("frame", "player_id", *[pl.col(a).alias(f"{a}_to") for a in axes], until="time"),
                         on="frame", by="player_id", strategy="forward", check_sortedness=False))
    share = ((pl.col("time") - pl.col("since")) / (pl.col("until") - pl.col("since")))
    resting = (pl.col("until") - pl.col("since")) > RESTING
    return placed.with_columns(**{
        axis: pl.when(resting).then(pl.col(f"{axis}_from") + share * (pl.col(f"{axis}_to") - pl.col(f"{axis}_from")))
        .otherwise(pl.col(axis)) for axis in axes}).select(*CAR_SCHEMA).sort("player_id", "frame")


def _unsent(cars: pl.DataFrame, positions: pl.DataFrame, ball: pl.DataFrame) -> pl.DataFrame:
    """`cars` with `unsent`: a frame of a car that is not resting demolished, out of play after a goal (`ball`'s
    `live`), after the last state the stream sent for it in that time. A car that stops after a goal is sent no
    more until the kickoff's reset, and the parser carries it on with its last velocity; ballchasing places it
    on the pitch no longer, nor counts its player as without a car (a car blown up by the goal, resting
    demolished, does count so). A player the stream sends no state for at all has no such frame."""
    dead = (ball.sort("frame").select("frame", "live", period=(pl.col("live") != pl.col("live").shift(1))
                                      .fill_null(True).cum_sum())
            .filter(~pl.col("live")).select("frame", "period"))
    sent = positions.select("frame", "player_id")
    last_sent = sent.join(dead, on="frame").group_by("player_id", "period").agg(last_sent=pl.col("frame").max())
    unsent = (cars.filter(~pl.col("sleeping")).select("frame", "player_id")
              .join(sent.select("player_id").unique(), on="player_id", how="semi")
              .join(dead, on="frame").join(last_sent, on=["player_id", "period"], how="left")
              .filter(pl.col("last_sent").is_null() | (pl.col("frame") > pl.col("last_sent")))
              .select("frame", "player_id", unsent=pl.lit(True)))
    return (cars.join(unsent, on=["frame", "player_id"], how="left", maintain_order="left")
            .with_columns(pl.col("unsent").fill_null(False)))


KICKOFF_SPOT_UU = 5.0
"""How near the centre spot (in x and y) a ball without a velocity is taken to be resting for a kickoff."""


def detect_hits(ball: pl.DataFrame, cars: pl.DataFrame) -> pl.DataFrame:
    """Touches: frames where the ball's velocity jumps by more than `HIT_VELOCITY_JUMP` with a car within
    `HIT_DISTANCE`, credited to the nearest car; one car's jumps less than `CONTACT_SECONDS` apart, no other car's
    between, are one touch, from its first frame `until` its last. A ball the stream places on the kickoff spot but
    sends no velocity for is at rest (a sleeping rigid body, as the ball waits for a kickoff's touch); elsewhere a
    missing velocity stays unknown."""
    resting = pl.col("x").abs().lt(KICKOFF_SPOT_UU) & pl.col("y").abs().lt(KICKOFF_SPOT_UU)
    jumps = (
        ball.sort("frame")
        .with_columns(pl.when(resting).then(pl.col(axis).fill_null(0.0)).otherwise(pl.col(axis)).alias(axis)
                      for axis in ("vx", "vy", "vz"))
        .with_columns(
            jump=((pl.col("vx") - pl.col("vx").shift(1)) ** 2 + (pl.col("vy") - pl.col("vy").shift(1)) ** 2
                  + (pl.col("vz") - pl.col("vz").shift(1)) ** 2).sqrt(),
            prev_x=pl.col("x").shift(1), prev_y=pl.col("y").shift(1), prev_z=pl.col("z").shift(1),
        )
        .filter(pl.col("jump") > HIT_VELOCITY_JUMP)
        .select("frame", "time", pl.col("prev_x").alias("ball_x"), pl.col("prev_y").alias("ball_y"),
                pl.col("prev_z").alias("ball_z"))
    )
    candidates = (
        jumps.join(cars.select("frame", "player_id", "team", "x", "y", "z").with_columns(pl.col("frame") + 1),
                   on="frame")
        .with_columns(distance=((pl.col("x") - pl.col("ball_x")) ** 2 + (pl.col("y") - pl.col("ball_y")) ** 2
                                + (pl.col("z") - pl.col("ball_z")) ** 2).sqrt())
        .filter(pl.col("distance") <= HIT_DISTANCE)
    )
    new_contact = ((pl.col("player_id") != pl.col("player_id").shift(1))
                   | (pl.col("time") - pl.col("time").shift(1) >= CONTACT_SECONDS)).fill_null(True)
    return (
        candidates.sort("frame", "distance")
        .unique("frame", keep="first", maintain_order=True)
        .with_columns(contact=new_contact.cum_sum())
        .group_by("contact", maintain_order=True)
        .agg(pl.col("frame", "time", "player_id", "team", "ball_x", "ball_y", "ball_z").first(),
             until=pl.col("frame").last())
        .drop("contact")
    )


def _unreadable(path: Path, error: Exception) -> ReplayParseError:
    return ReplayParseError(f"{path.name}: network frames unreadable ({error})")


@bulk_allocation()
def read_frames(path: Path) -> ReplayFrames:
    """Header and network frames of the replay at `path`; `ReplayParseError` when subtr-actor cannot read them. The
    stream is walked once for everything it sends as sent (`read_stream`), and its tree freed before subtr-actor's
    frames are built."""
    try:
        replay = subtr_actor.parse_replay(path.read_bytes())
    except Exception as error:
        raise _unreadable(path, error) from error
    stream = read_stream(replay)
    del replay
    try:
        data = subtr_actor.get_replay_frames_data(str(path))
    except Exception as error:
        raise _unreadable(path, error) from error
    header = header_from_meta(data["meta"])
    ball = _ball_table(data["frame_data"], [goal["frame"] for goal in data.get("goal_events") or []])
    cars, ids = _car_table(data["frame_data"], header)
    replications = _replication_table(stream, cars, ids)
    cars = _with_tank(cars, replications)
    positions = _owned(stream.positions, cars, ids).select("frame", "player_id", "x", "y", "z", "speed")
    cars = _unsent(_at_rest(cars, positions, ball), positions, ball)
    return ReplayFrames(header=header, ball=ball, cars=cars, hits=detect_hits(ball, cars),
                        pickups=_pickup_table(data, ids), demos=_demo_table(data, ids), goals=_goal_table(data),
                        scoring=_scoring_table(data, ids), roster=_roster(cars, ids),
                        replications=replications, possession=stream.hit_teams,
                        scores=_score_table(stream, cars, ids), positions=positions,
                        handbrakes=_owned(stream.handbrakes, cars, ids).select("frame", "player_id", "held"),
                        pads_return=_pads_return(data), recharges=stream.recharges, team_scores=stream.team_scores,
                        names=frozenset(name for name, _ in stream.players), player_goals=stream.goals,
                        online_ids=frozenset(filter(None, (_header_id(json.loads(remote))
                                                           for _, remote in stream.players if remote))))
