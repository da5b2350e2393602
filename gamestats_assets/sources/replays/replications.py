"""Every value a raw replay's network stream sends for a car's boost tank (`tank_replications`), a car's
place and handbrake (`car_states`), the team that last touched the ball (`hit_teams`), the last match
score it sends for each player (`match_scores`), and whether the cars' tanks refill by themselves
(`recharges`).

A car's boost component replicates the tank as a byte 0-255: `ReplicatedBoost` in the later streams (when a
boost press ends or a pad is taken, and once as the component appears), `ReplicatedBoostAmount` in older
ones. A keyframe sends every actor's state again; that repeat of a component's last value is no replication.
The component belongs to a car, the car to a player's replication info, which holds the player's name and,
for a player online, the remote id (`Players`): two players can bear one name."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import polars as pl

BOOST_COMPONENT = "Archetypes.CarComponents.CarComponent_Boost"
TANK_ATTRIBUTES = {"TAGame.CarComponent_Boost_TA:ReplicatedBoost": lambda value: value["boost_amount"],
                   "TAGame.CarComponent_Boost_TA:ReplicatedBoostAmount": lambda value: value}
"""The attributes that carry the tank, and how to read the byte from each one's value."""
PAWN_PLAYER = "Engine.Pawn:PlayerReplicationInfo"
LINKS = {"TAGame.CarComponent_TA:Vehicle": "car", PAWN_PLAYER: "player"}
PLAYER_NAME = "Engine.PlayerReplicationInfo:PlayerName"
UNIQUE_ID = "Engine.PlayerReplicationInfo:UniqueId"
OWNER_SCHEMA = {"name": pl.String, "remote": pl.String}
SCHEMA = {"frame": pl.Int32, **OWNER_SCHEMA, "component": pl.Int32, "byte": pl.Int32}


def _value(attribute: dict[str, Any]) -> Any:
    return next(iter(attribute.values()))


def remote_key(remote_id: dict[str, Any]) -> str:
    """A remote id (`{"Steam": "7656..."}`) as one string, its keys sorted."""
    return json.dumps(remote_id, sort_keys=True)


class Players:
    """The players' replication infos of a stream as it goes: each one's name and remote id (`remote_key`; none
    for a bot or a stream that sends none)."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.remotes: dict[int, str] = {}

    def read(self, attribute_name: str, update: dict[str, Any]) -> bool:
        """Take `update` when it is a replication info's name or unique id; whether it was."""
        if attribute_name == PLAYER_NAME:
            self.names[update["actor_id"]] = _value(update["attribute"])
        elif attribute_name == UNIQUE_ID:
            value = _value(update["attribute"])
            remote = value.get("remote_id") if isinstance(value, dict) else None
            if isinstance(remote, dict) and remote:
                self.remotes[update["actor_id"]] = remote_key(remote)
        else:
            return False
        return True

    def forget(self, info: int) -> None:
        """Drop the replication info `info`, deleted from the stream."""
        self.names.pop(info, None)
        self.remotes.pop(info, None)

    def owner(self, info: int) -> tuple[str, str | None] | None:
        """`(name, remote)` of the replication info `info`, None before its name is known."""
        name = self.names.get(info)
        return None if name is None else (name, self.remotes.get(info))


def tank_replications(replay: dict[str, Any]) -> pl.DataFrame:
    """The tank replications of `replay` (subtr-actor's `parse_replay`: objects, keyframes, network frames):
    `frame, name, remote, component, byte`: the player whose car held the component (`Players.owner`), the
    component's life (numbered in order of appearance) and the tank's byte (0-255)."""
    objects = replay["objects"]
    keyframes = {keyframe["frame"] for keyframe in replay["keyframes"]}
    links: dict[str, dict[int, int]] = {"car": {}, "player": {}}
    players = Players()
    alive: dict[int, int] = {}
    lives = count()
    owners: dict[int, tuple[str, str | None]] = {}
    last: dict[int, int] = {}
    events: list[tuple[int, int, int]] = []
    for index, frame in enumerate(replay["network_frames"]["frames"]):
        for actor in frame["deleted_actors"]:
            alive.pop(actor, None)
            for table in links.values():
                table.pop(actor, None)
        for actor in frame["new_actors"]:
            if objects[actor["object_id"]] == BOOST_COMPONENT and actor["actor_id"] not in alive:
                alive[actor["actor_id"]] = next(lives)
        updates = frame["updated_actors"]
        for update in updates:
            name = objects[update["object_id"]]
            if name in LINKS:
                links[LINKS[name]][update["actor_id"]] = _value(update["attribute"])["actor"]
            else:
                players.read(name, update)
        for update in updates:
            name = objects[update["object_id"]]
            component = alive.get(update["actor_id"])
            if component is None:
                continue
            owner = players.owner(links["player"].get(links["car"].get(update["actor_id"], -1), -1))
            if owner is not None:
                owners[component] = owner
            if name in TANK_ATTRIBUTES:
                byte = TANK_ATTRIBUTES[name](_value(update["attribute"]))
                if index in keyframes and last.get(component) == byte:
                    continue
                last[component] = byte
                events.append((index, component, byte))
    rows = [(index, *owners[component], component, byte) for index, component, byte in events if component in owners]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


HIT_TEAM = "TAGame.Ball_TA:HitTeamNum"
HIT_TEAM_SCHEMA = {"frame": pl.Int32, "team": pl.Int8}


def hit_teams(replay: dict[str, Any]) -> pl.DataFrame:
    """The ball's `HitTeamNum` replications of `replay` (as for `tank_replications`): `frame, team`, the team
    whose car touched the ball last, which the game replicates when a touch changes it (and again in
    keyframes)."""
    objects = replay["objects"]
    rows = [(index, _value(update["attribute"]))
            for index, frame in enumerate(replay["network_frames"]["frames"])
            for update in frame["updated_actors"] if objects[update["object_id"]] == HIT_TEAM]
    return pl.DataFrame(rows, schema=HIT_TEAM_SCHEMA, orient="row")


RECHARGE_RATE = "TAGame.CarComponent_Boost_TA:RechargeRate"


def recharges(replay: dict[str, Any]) -> bool:
    """Whether the stream of `replay` (as for `tank_replications`) gives a car's boost component a recharge rate
    above zero: a match whose mutators refill the tanks by themselves, which the stream of a standard match
    never sends."""
    objects = replay["objects"]
    return any(objects[update["object_id"]] == RECHARGE_RATE and (_value(update["attribute"]) or 0) > 0
               for frame in replay["network_frames"]["frames"] for update in frame["updated_actors"])


MATCH_SCORE = "TAGame.PRI_TA:MatchScore"
SCORE_SCHEMA = {**OWNER_SCHEMA, "score": pl.Int64}


def match_scores(replay: dict[str, Any]) -> pl.DataFrame:
    """The last `MatchScore` the stream of `replay` (as for `tank_replications`) sends for each player's
    replication info: `name, remote, score` (`Players.owner`), the player's score when they left or the recording
    ended. The game sends a score only once it differs from 0, so a player the stream knows with no row here
    scored nothing."""
    objects = replay["objects"]
    players = Players()
    scores: dict[int, int] = {}
    last: dict[tuple[str, str | None], int] = {}
    for frame in replay["network_frames"]["frames"]:
        for actor in frame["deleted_actors"]:
            if actor in scores and (owner := players.owner(actor)):
                last[owner] = scores[actor]
            scores.pop(actor, None)
            players.forget(actor)
        for update in frame["updated_actors"]:
            name = objects[update["object_id"]]
            if not players.read(name, update) and name == MATCH_SCORE:
                scores[update["actor_id"]] = _value(update["attribute"])
    last.update({owner: score for actor, score in scores.items() if (owner := players.owner(actor))})
    return pl.DataFrame([(*owner, score) for owner, score in last.items()], schema=SCORE_SCHEMA, orient="row")


RIGID_BODY = "TAGame.RBActor_TA:ReplicatedRBState"
HANDBRAKE = "TAGame.Vehicle_TA:bReplicatedHandbrake"
LEGACY_LOCATIONS = 5
"""The network version before which (and in streams that have none, before 2017) a rigid body's location is
sent in units of 100 uu and its velocity in units of 10 uu/s."""
POSITION_SCHEMA = {"frame": pl.Int32, **OWNER_SCHEMA, "x": pl.Float64, "y": pl.Float64, "z": pl.Float64,
                   "speed": pl.Float64}
HANDBRAKE_SCHEMA = {"frame": pl.Int32, **OWNER_SCHEMA, "held": pl.Boolean}


def car_states(replay: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The places and handbrakes the stream of `replay` (as for `tank_replications`) sends for each car, as
    sent: `frame, name, remote, x, y, z` (uu) and `speed` (uu/s, none for a body at rest) for each rigid-body
    state, which the stream sends every other frame or so while the car moves and seldom while it rests (a
    parser's state at the frames between is its estimate), and `frame, name, remote, held` for each handbrake
    value; `name, remote` is the player the car belongs to (`Players.owner`)."""
    objects = replay["objects"]
    legacy = (replay.get("net_version") or 0) < LEGACY_LOCATIONS
    scale, velocity_scale = (100.0, 10.0) if legacy else (1.0, 1.0)
    pawns: dict[int, int] = {}
    players = Players()
    positions: list[tuple] = []
    handbrakes: list[tuple] = []
    for index, frame in enumerate(replay["network_frames"]["frames"]):
        for actor in frame["deleted_actors"]:
            pawns.pop(actor, None)
        updates = frame["updated_actors"]
        for update in updates:
            name = objects[update["object_id"]]
            if name == PAWN_PLAYER:
                pawns[update["actor_id"]] = _value(update["attribute"])["actor"]
            else:
                players.read(name, update)
        for update in updates:
            name = objects[update["object_id"]]
            if name in (RIGID_BODY, HANDBRAKE) and (owner := players.owner(pawns.get(update["actor_id"], -1))):
                value = _value(update["attribute"])
                if name == HANDBRAKE:
                    handbrakes.append((index, *owner, bool(value)))
                elif (location := value.get("location")) is not None:
                    velocity = value.get("linear_velocity")
                    speed = None if velocity is None else velocity_scale * sum(v * v for v in velocity.values()) ** 0.5
                    positions.append((index, *owner, location["x"] * scale, location["y"] * scale,
                                      location["z"] * scale, speed))
    return (pl.DataFrame(positions, schema=POSITION_SCHEMA, orient="row"),
            pl.DataFrame(handbrakes, schema=HANDBRAKE_SCHEMA, orient="row"))
