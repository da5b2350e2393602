"""Every value a raw replay's network stream sends for a car's boost tank, a car's place and handbrake, the team
that last touched the ball, the last match score and goals it sends for each player and each team's score, the
players it names, and whether the cars' tanks refill by themselves: `Replications`, read in one walk through the stream
(`read_stream`).

A car's boost component replicates the tank as a byte 0-255: `ReplicatedBoost` in the later streams (when a
boost press ends or a pad is taken, and once as the component appears), `ReplicatedBoostAmount` in older
ones. A keyframe sends every actor's state again; that repeat of a component's last value is no replication.
The component belongs to a car, the car to a player's replication info, which holds the player's name and,
for a player online, the remote id (`Players`): two players can bear one name."""

from __future__ import annotations

import json
from dataclasses import dataclass
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


TEAM_SCORE = "Engine.TeamInfo:Score"
TEAM_ARCHETYPES = {"Archetypes.Teams.Team0": 0, "Archetypes.Teams.Team1": 1}
"""The objects of the blue and the orange team's actors, whose `Score` the stream replicates."""
HIT_TEAM = "TAGame.Ball_TA:HitTeamNum"
HIT_TEAM_SCHEMA = {"frame": pl.Int32, "team": pl.Int8}
TEAMS = (0, 1)
"""The `HitTeamNum` bytes of the two teams; the game sends 255 for no team (a ball nobody's touch holds)."""
RECHARGE_RATE = "TAGame.CarComponent_Boost_TA:RechargeRate"
MATCH_SCORE = "TAGame.PRI_TA:MatchScore"
MATCH_GOALS = "TAGame.PRI_TA:MatchGoals"
SCORE_SCHEMA = {**OWNER_SCHEMA, "score": pl.Int64}
RIGID_BODY = "TAGame.RBActor_TA:ReplicatedRBState"
HANDBRAKE = "TAGame.Vehicle_TA:bReplicatedHandbrake"
LEGACY_LOCATIONS = 5
"""The network version before which (and in streams that have none, before 2017) a rigid body's location is
sent in units of 100 uu and its velocity in units of 10 uu/s."""
POSITION_SCHEMA = {"frame": pl.Int32, **OWNER_SCHEMA, "x": pl.Float64, "y": pl.Float64, "z": pl.Float64,
                   "speed": pl.Float64}
HANDBRAKE_SCHEMA = {"frame": pl.Int32, **OWNER_SCHEMA, "held": pl.Boolean}


@dataclass(frozen=True)
class Replications:
    """What the network stream of a replay sends, as sent (`read_stream`)."""

    tanks: pl.DataFrame
    """Each car's tank replications: `frame, name, remote, component, byte`: the player whose car held the boost
    component (`Players.owner`), the component's life (numbered in order of appearance) and the tank's byte
    (0-255)."""
    hit_teams: pl.DataFrame
    """The ball's `HitTeamNum` replications: `frame, team`, the team whose car touched the ball last, which the
    game replicates when a touch changes it (and again in keyframes); null when it sends no team (`TEAMS`)."""
    scores: pl.DataFrame
    """The last `MatchScore` sent for each player's replication info: `name, remote, score`, the player's score
    when they left or the recording ended. The game sends a score only once it differs from 0, so a player the
    stream knows with no row here scored nothing."""
    positions: pl.DataFrame
    """Each rigid-body state sent for a car: `frame, name, remote, x, y, z` (uu) and `speed` (uu/s, none for a
    body at rest). The stream sends one every other frame or so while the car moves and seldom while it rests
    (a parser's state at the frames between is its estimate); `name, remote` is the player the car belongs
    to."""
    handbrakes: pl.DataFrame
    """Each handbrake value sent for a car: `frame, name, remote, held`."""
    recharges: bool
    """Whether a car's boost component is given a recharge rate above zero: a match whose mutators refill the
    tanks by themselves, which the stream of a standard match never sends."""
    team_scores: tuple[int, int] = (0, 0)
    """The last score the stream sends for the blue and the orange team (0 for a team it sends none for)."""
    players: frozenset[tuple[str, str | None]] = frozenset()
    """Every player's replication info the stream names: `(name, remote)`, the remote id none for a bot."""
    goals: tuple[tuple[str, int], ...] = ()
    """The last `MatchGoals` the stream sends for each player's replication info: `(name, goals)`."""


class _Walk:
    """The state of one walk through a stream: the actors alive and linked, and the rows found so far."""

    def __init__(self, replay: dict[str, Any]) -> None:
        legacy = (replay.get("net_version") or 0) < LEGACY_LOCATIONS
        self.scale, self.velocity_scale = (100.0, 10.0) if legacy else (1.0, 1.0)
        self.links: dict[str, dict[int, int]] = {"car": {}, "player": {}}
        self.players = Players()
        self.scorers = Players()
        """The replication infos as the scores see them: forgotten when deleted, their last score kept."""
        self.alive: dict[int, int] = {}
        self.lives = count()
        self.owners: dict[int, tuple[str, str | None]] = {}
        self.last_byte: dict[int, int] = {}
        self.tanks: list[tuple[int, int, int]] = []
        self.hit_teams: list[tuple[int, int]] = []
        self.scores: dict[int, int] = {}
        self.last_score: dict[tuple[str, str | None], int] = {}
        self.goals: dict[int, int] = {}
        self.last_goals: dict[tuple[str, str | None], int] = {}
        self.positions: list[tuple] = []
        self.handbrakes: list[tuple] = []
        self.recharges = False
        self.teams: dict[int, int] = {}
        self.team_scores = [0, 0]
        self.named: set[tuple[str, str | None]] = set()

    def delete(self, actor: int) -> None:
        self.alive.pop(actor, None)
        for table in self.links.values():
            table.pop(actor, None)
        if actor in self.scores and (owner := self.scorers.owner(actor)):
            self.last_score[owner] = self.scores[actor]
        if actor in self.goals and (owner := self.scorers.owner(actor)):
            self.last_goals[owner] = self.goals[actor]
        self.scores.pop(actor, None)
        self.goals.pop(actor, None)
        self.scorers.forget(actor)

    def link(self, index: int, name: str, update: dict[str, Any]) -> None:
        """Take what `update` (attribute `name`) says of links, players, scores, the ball and recharges."""
        if name in LINKS:
            self.links[LINKS[name]][update["actor_id"]] = _value(update["attribute"])["actor"]
        elif self.players.read(name, update) and (owner := self.players.owner(update["actor_id"])):
            self.named.add(owner)
        if self.scorers.read(name, update):
            return
        if name == TEAM_SCORE and update["actor_id"] in self.teams:
            self.team_scores[self.teams[update["actor_id"]]] = _value(update["attribute"])
        elif name == MATCH_SCORE:
            self.scores[update["actor_id"]] = _value(update["attribute"])
        elif name == MATCH_GOALS:
            self.goals[update["actor_id"]] = _value(update["attribute"])
        elif name == HIT_TEAM:
            team = _value(update["attribute"])
            self.hit_teams.append((index, team if team in TEAMS else None))
        elif name == RECHARGE_RATE and (_value(update["attribute"]) or 0) > 0:
            self.recharges = True

    def state(self, index: int, name: str, update: dict[str, Any], keyframe: bool) -> None:
        """Take `update` (attribute `name`) when it is a boost component's or a car's, its owner known."""
        actor = update["actor_id"]
        component = self.alive.get(actor)
        if component is not None:
            owner = self.players.owner(self.links["player"].get(self.links["car"].get(actor, -1), -1))
            if owner is not None:
                self.owners[component] = owner
            if name in TANK_ATTRIBUTES:
                byte = TANK_ATTRIBUTES[name](_value(update["attribute"]))
                if not (keyframe and self.last_byte.get(component) == byte):
                    self.last_byte[component] = byte
                    self.tanks.append((index, component, byte))
        if name in (RIGID_BODY, HANDBRAKE) and (owner := self.players.owner(self.links["player"].get(actor, -1))):
            value = _value(update["attribute"])
            if name == HANDBRAKE:
                self.handbrakes.append((index, *owner, bool(value)))
            elif (location := value.get("location")) is not None:
                velocity = value.get("linear_velocity")
                speed = (None if velocity is None
                         else self.velocity_scale * sum(v * v for v in velocity.values()) ** 0.5)
                self.positions.append((index, *owner, location["x"] * self.scale, location["y"] * self.scale,
                                       location["z"] * self.scale, speed))

    def result(self) -> Replications:
        self.last_score.update({owner: score for actor, score in self.scores.items()
                                if (owner := self.scorers.owner(actor))})
        self.last_goals.update({owner: goals for actor, goals in self.goals.items()
                                if (owner := self.scorers.owner(actor))})
        tanks = [(index, *self.owners[component], component, byte) for index, component, byte in self.tanks
                 if component in self.owners]
        return Replications(
            tanks=pl.DataFrame(tanks, schema=SCHEMA, orient="row"),
            hit_teams=pl.DataFrame(self.hit_teams, schema=HIT_TEAM_SCHEMA, orient="row"),
            scores=pl.DataFrame([(*owner, score) for owner, score in self.last_score.items()],
                                schema=SCORE_SCHEMA, orient="row"),
            positions=pl.DataFrame(self.positions, schema=POSITION_SCHEMA, orient="row"),
            handbrakes=pl.DataFrame(self.handbrakes, schema=HANDBRAKE_SCHEMA, orient="row"),
            recharges=self.recharges, team_scores=(self.team_scores[0], self.team_scores[1]),
            players=frozenset(self.named),
            goals=tuple((name, goals) for (name, _), goals in self.last_goals.items()))


def read_stream(replay: dict[str, Any]) -> Replications:
    """Every replication `Replications` holds, from one walk through the network frames of `replay` (subtr-actor's
    `parse_replay`: objects, keyframes, network frames). In each frame the deleted actors go first, then the new
    ones come, then every update's links and players are taken before any update's states, so a state finds
    the owner its own frame names."""
    objects = replay["objects"]
    keyframes = {keyframe["frame"] for keyframe in replay["keyframes"]}
    walk = _Walk(replay)
    for index, frame in enumerate(replay["network_frames"]["frames"]):
        for actor in frame["deleted_actors"]:
            walk.delete(actor)
        for actor in frame["new_actors"]:
            if objects[actor["object_id"]] == BOOST_COMPONENT and actor["actor_id"] not in walk.alive:
                walk.alive[actor["actor_id"]] = next(walk.lives)
            elif objects[actor["object_id"]] in TEAM_ARCHETYPES:
                walk.teams[actor["actor_id"]] = TEAM_ARCHETYPES[objects[actor["object_id"]]]
        updates = [(objects[update["object_id"]], update) for update in frame["updated_actors"]]
        for name, update in updates:
            walk.link(index, name, update)
        keyframe = index in keyframes
        for name, update in updates:
            walk.state(index, name, update, keyframe)
    return walk.result()
