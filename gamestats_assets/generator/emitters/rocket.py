"""Synthetic Rocket League data: one day of ballchasing.com replay JSON and training-session logs for a
population of ranked players, deterministic for a seed and a date.

Skills follow rank as loosely as real players' do (`rocket_calibration`); about `WEAKNESS_SHARE` of the players
carry one planted weakness, written beside the replays as `planted_weaknesses.json`. Players play as much as
their lasting activity says, and a weakness is planted in proportion to it, so the planted players have the
games a weakness the size real ones are (`WEAKNESS_GAP`) needs to be found, without more games in all."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from gamestats_assets.generator.staging import swap_in
from gamestats_assets.sources.ballchasing.training_packs import (
    CATALOGUE_FILE,
    SKILL_PACK_CATEGORIES,
    pack_categories,
    read_catalogue,
)
from gamestats_assets.sources.ballchasing.ranks import MAX_DIVISION_INDEX, rank_document

CATALOGUE = Path(__file__).resolve().parents[3] / "data" / "reference" / "rocket" / CATALOGUE_FILE
TRUTH_FILE = "planted_weaknesses.json"
SESSIONS_FILE = "training_sessions.jsonl"
REPLAY_FOLDER = "ballchasing"
SYNTHETIC_FOLDER = "synthetic"
DEFAULT_PLAYERS = 500

SKILLS = ("shooting", "saves", "aerials", "boost_management", "positioning", "rotation")
PLAYLISTS = {"ranked-duels": 1, "ranked-doubles": 2, "ranked-standard": 3}
PLAYLIST_WEIGHTS = (0.15, 0.35, 0.5)
PLATFORMS = ("epic", "steam", "ps4", "xbox")
WEAKNESS_SHARE = 0.3
"""The chance of a weakness for a player of average activity (a player's chance is this times their activity,
at most 1: about 0.29 of all players)."""
RANK_SHARE = 0.06
"""The share of a game's skill stat that rank explains: the mean R² over the skills every real player-game
gives (aerials, boost, positioning, rotation) in `rocket_calibration`."""
WEAKNESS_GAP = 1.2
"""A planted weakness, in within-rank standard deviations of one game: how far a real player's weakest skill
falls below their rank's line in `rocket_calibration`."""
LASTING_SPREAD = 0.35
GAME_SPREAD = math.sqrt(1 - RANK_SHARE - LASTING_SPREAD ** 2)
WEAKNESS_DROP = WEAKNESS_GAP * math.sqrt(1 - RANK_SHARE)
LEVEL_MEAN, LEVEL_SD = 42.0, 14.0
ACTIVE_SHARE = 0.75
GAMES_PER_ACTIVE_DAY = 3.0
ACTIVITY_SHAPE = 1.0
"""How a player's games on an active day vary among players: each plays `GAMES_PER_ACTIVE_DAY` times a lasting
activity drawn from a gamma distribution of mean 1 and this shape (1: exponential, so a few play many games a day
and most a few, as ranked players do)."""
TRAINING_SHARE = 0.35
IMPROVEMENT_DAYS = 120.0
REGULATION_SECONDS = 300
OVERTIME_MEAN_SECONDS = 75.0
"""A tied regulation goes to overtime, which the first goal ends (no ranked game ends in a draw); its length is
exponential with this mean."""
ASSIST_CHANCE = 0.55
"""The chance that a goal in a team game has an assist, given to one teammate of the scorer (a goal has at most
one)."""
SYLLABLES = ("ka", "zu", "mi", "ro", "ven", "tor", "lex", "sha", "qui", "dro", "fen", "bo", "nyx", "ar", "el")


@dataclass(frozen=True)
class Player:
    """One synthetic player, a pure function of the seed and the population size: identity, rank trajectory
    (`level_on`), preferred playlist, a lasting personal offset per skill and at most one planted weakness."""

    number: int
    player_id: str
    name: str
    platform: str
    base_level: float
    improvement: float
    playlist: str
    offsets: dict[str, float]
    weakness: str | None
    activity: float

    def level_on(self, day: dt.date, anchor: dt.date) -> float:
        """Rank level (divisions) on `day`: the base level plus the improvement since `anchor`, which
        slows as a player approaches their ceiling (`improvement × τ × (1 − e^(−days/τ))`, τ =
        `IMPROVEMENT_DAYS`), so a distant anchor does not push everyone to the top rank."""
        days = max((day - anchor).days, 0)
        gain = self.improvement * IMPROVEMENT_DAYS * (1 - math.exp(-days / IMPROVEMENT_DAYS))
        return float(np.clip(self.base_level + gain, 0, MAX_DIVISION_INDEX))

    def skill(self, name: str, level: float) -> float:
        """Lasting skill in standard deviations of the population: what the level implies, the personal
        offset, and the planted drop (a game adds its luck, `game_skills`)."""
        drop = WEAKNESS_DROP if self.weakness == name else 0.0
        return math.sqrt(RANK_SHARE) * (level - LEVEL_MEAN) / LEVEL_SD + self.offsets[name] - drop

    def game_skills(self, rng: np.random.Generator, level: float) -> dict[str, float]:
        """The skills of one game: the lasting skill plus the game's luck (`GAME_SPREAD`, drawn afresh for
    every skill in every game), so that rank explains `RANK_SHARE` of a game's skill. The lasting offset
    (`LASTING_SPREAD`) is kept small, so a weakness shows in a player's mean over enough games."""
        return {name: self.skill(name, level) + float(rng.normal(0, GAME_SPREAD)) for name in SKILLS}


def _name(rng: np.random.Generator) -> str:
    parts = rng.choice(SYLLABLES, size=int(rng.integers(2, 4)))
    return "".join(parts).capitalize() + str(int(rng.integers(0, 1000)))


@cache
def shipped_catalogue() -> pl.DataFrame:
    """The training-pack catalogue the repository ships (`CATALOGUE`), which the sessions draw their packs from: the
    same file for every day generated, so it is read once per process."""
    return read_catalogue(CATALOGUE)


@cache
def population(seed: int, n_players: int) -> tuple[Player, ...]:
    """The players of a seed: the same whichever day is generated (computed once per process)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 10]))
    activity = np.random.default_rng(np.random.SeedSequence([seed, 11])).gamma(
        ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE, n_players)
    players = []
    for number in range(n_players):
        platform = PLATFORMS[int(rng.integers(0, len(PLATFORMS)))]
        online_id = f"{rng.integers(0, 2**63):032x}"[:32] if platform == "epic" else str(76561198000000000 + number)
        weak = rng.random() < WEAKNESS_SHARE * activity[number]
        players.append(Player(
            number=number, player_id=online_id, name=_name(rng), platform=platform,
            base_level=float(np.clip(rng.normal(LEVEL_MEAN, LEVEL_SD), 0, MAX_DIVISION_INDEX - 4)),
            improvement=float(rng.normal(0.15, 0.1)),
            playlist=list(PLAYLISTS)[int(rng.choice(len(PLAYLISTS), p=PLAYLIST_WEIGHTS))],
            offsets={skill: float(rng.normal(0, LASTING_SPREAD)) for skill in SKILLS},
            weakness=SKILLS[int(rng.integers(0, len(SKILLS)))] if weak else None,
            activity=float(activity[number]),
        ))
    return tuple(players)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _day_rng(seed: int, day: dt.date, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, day.toordinal(), stream]))


def _player_stats(rng: np.random.Generator, skill: dict[str, float], team_size: int, seconds: float,
                  shots: int, goals: int, saves: int, assists: int, shots_against: int, goals_against: int) -> dict:
    """The five ballchasing stats groups of one player in one game, from the game's skills: shooting sets
    goals per shot, saves saves per opponent shot, aerials time in high air, boost_management overfill and
    time at zero boost, positioning time behind the ball, rotation distance to teammates. `goals_against` is
    the goals the player's team conceded, as ballchasing counts them. Each player's distance is their own mean
    speed over the game, and the boost they used per minute (`bpm`) a few per cent under what they collected (as in
    real games), the less the more often they fill the tank."""
    def noise() -> float:
        return float(rng.normal(0, 0.15))

    minutes = seconds / 60
    behind = _sigmoid(0.9 + 0.5 * skill["positioning"] + noise())
    high_air = _sigmoid(-3.5 + 0.8 * skill["aerials"] + noise())
    low_air = 0.3 + noise() / 5
    boost_skill = skill["boost_management"]
    bcpm = max(120.0, 380 + 40 * boost_skill + 30 * noise())
    collected = bcpm * minutes
    overfill_share = _sigmoid(-1.3 - 0.5 * boost_skill + noise())
    zero_boost = _sigmoid(-2.0 - 0.5 * boost_skill + noise())
    defensive = 0.42 + noise() / 4
    offensive = 0.25 + noise() / 4
    most_back = min(0.9, 1 / team_size + noise() / 3) if team_size > 1 else 0.0
    most_forward = min(0.9 - most_back, 1 / team_size + noise() / 3) if team_size > 1 else 0.0
    positioning = {
        "avg_distance_to_ball": round(2600 - 150 * skill["positioning"] + 100 * noise()),
        "time_defensive_third": round(defensive * seconds, 2),
        "time_neutral_third": round((1 - defensive - offensive) * seconds, 2),
        "time_offensive_third": round(offensive * seconds, 2),
        "time_defensive_half": round((defensive + (1 - defensive - offensive) / 2) * seconds, 2),
        "time_offensive_half": round((offensive + (1 - defensive - offensive) / 2) * seconds, 2),
        "time_behind_ball": round(behind * seconds, 2), "time_infront_ball": round((1 - behind) * seconds, 2),
        "time_most_back": round(most_back * seconds, 2), "time_most_forward": round(most_forward * seconds, 2),
    }
    if team_size > 1:
        positioning["avg_distance_to_mates"] = round(2600 + 350 * skill["rotation"] + 150 * noise())
    score_luck = int(rng.integers(0, 120))
    avg_amount = round(45 + 10 * noise(), 2)
    speed = 1450 + 60 * noise()
    return {
        "core": {"shots": shots, "shots_against": shots_against, "goals": goals, "goals_against": goals_against,
                 "saves": saves, "assists": assists,
                 "score": 100 * goals + 50 * assists + 50 * saves + 20 * shots + score_luck,
                 "mvp": False, "shooting_percentage": round(100 * goals / shots, 2) if shots else 0},
        "boost": {"bpm": round(bcpm * (1 - overfill_share / 4)), "bcpm": round(bcpm, 3), "avg_amount": avg_amount,
                  "amount_collected": round(collected),
                  "amount_overfill": round(collected * overfill_share / (1 - overfill_share)),
                  "time_zero_boost": round(zero_boost * seconds, 2),
                  "percent_zero_boost": round(100 * zero_boost, 4)},
        "movement": {"avg_speed": round(speed), "total_distance": round(speed * seconds),
                     "time_ground": round((1 - low_air - high_air) * seconds, 2),
                     "time_low_air": round(low_air * seconds, 2), "time_high_air": round(high_air * seconds, 2)},
        "positioning": positioning,
        "demo": {"inflicted": int(rng.poisson(0.7)), "taken": int(rng.poisson(0.7))},
    }


def _credit_last_defenders(players: list[dict], conceded: int) -> None:
    """Gives each goal a team conceded to one of its players as the last defender, in turn from the one most
    often the team's hindmost, as ballchasing's `goals_against_while_last_defender` (which it leaves out when
    zero)."""
    backs = sorted(players, key=lambda p: -p["stats"]["positioning"]["time_most_back"])
    for goal in range(conceded):
        positioning = backs[goal % len(backs)]["stats"]["positioning"]
        positioning["goals_against_while_last_defender"] = positioning.get("goals_against_while_last_defender", 0) + 1


def _overtime_goal(rng: np.random.Generator, teams: tuple[list[Player], list[Player]],
                   skills: dict[int, dict[str, float]]) -> tuple[int, int]:
    """The golden goal of an overtime: (side, index of the scorer in that side's team). The side with the better
    shooting is likelier to score it; the scorer is drawn by shooting among its players."""
    shooting = [np.array([skills[p.number]["shooting"] for p in team]) for team in teams]
    side = int(rng.random() >= _sigmoid(float(shooting[0].mean() - shooting[1].mean())))
    weights = np.exp(shooting[side])
    return side, int(rng.choice(len(teams[side]), p=weights / weights.sum()))


def _assists(rng: np.random.Generator, goals: list[int]) -> list[int]:
    """Each player's assists in a team whose players scored `goals`: each goal has an assist with
    `ASSIST_CHANCE`, credited to one of the scorer's teammates."""
    assists = [0] * len(goals)
    if len(goals) < 2:
        return assists
    for scorer, scored in enumerate(goals):
        mates = [index for index in range(len(goals)) if index != scorer]
        for _ in range(scored):
            if rng.random() < ASSIST_CHANCE:
                assists[mates[int(rng.integers(0, len(mates)))]] += 1
    return assists


def _replay_document(rng: np.random.Generator, day: dt.date, anchor: dt.date, playlist: str,
                     teams: tuple[list[Player], list[Player]]) -> dict:
    """One game between two teams as a ballchasing `GET /replays/{id}` document: five minutes of regulation
    and, when tied, an overtime ended by one goal (`_overtime_goal`), so every game has a winner."""
    team_size = PLAYLISTS[playlist]
    levels = {p.number: p.level_on(day, anchor) for team in teams for p in team}
    skills = {p.number: p.game_skills(rng, levels[p.number]) for team in teams for p in team}
    shots = [[int(rng.poisson(max(0.5, 2.5 + 0.2 * skills[p.number]["shooting"]))) for p in team]
             for team in teams]
    goals = [[int(rng.binomial(s, _sigmoid(-1.2 + 1.0 * skills[p.number]["shooting"])))
              for p, s in zip(team, team_shots, strict=True)] for team, team_shots in zip(teams, shots, strict=True)]
    overtime = 0.0
    if sum(goals[0]) == sum(goals[1]):
        side, scorer = _overtime_goal(rng, teams, skills)
        shots[side][scorer] += 1
        goals[side][scorer] += 1
        overtime = 1.0 + float(rng.exponential(OVERTIME_MEAN_SECONDS))
    seconds = REGULATION_SECONDS + overtime
    winner = int(sum(goals[1]) > sum(goals[0]))
    sides = []
    for side in (0, 1):
        opponents_shots, opponents_goals = sum(shots[1 - side]), sum(goals[1 - side])
        assists = _assists(rng, goals[side])
        players = []
        for index, player in enumerate(teams[side]):
            level = levels[player.number]
            saves = int(rng.binomial(opponents_shots - opponents_goals,
                                     _sigmoid(0.0 + 1.0 * skills[player.number]["saves"]) / team_size))
            players.append({
                "start_time": 0, "end_time": seconds, "name": player.name,
                "id": {"platform": player.platform, "id": player.player_id},
                "rank": rank_document(round(level)),
                "stats": _player_stats(rng, skills[player.number], team_size, seconds, shots[side][index],
                                       goals[side][index], saves, assists[index], opponents_shots,
                                       opponents_goals),
            })
        _credit_last_defenders(players, opponents_goals)
        if side == winner:
            max(players, key=lambda p: p["stats"]["core"]["score"])["stats"]["core"]["mvp"] = True
        sides.append({"color": ("blue", "orange")[side], "players": players,
                      "stats": {"core": {"goals": sum(goals[side]), "shots": sum(shots[side])}}})
    rl_id = "".join(f"{int(b):02X}" for b in rng.integers(0, 256, 16))
    played_at = dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(seconds=int(rng.integers(0, 86_400)))
    return {
        "id": str(uuid.UUID(bytes=bytes(int(b) for b in rng.integers(0, 256, 16)), version=4)),
        "rocket_league_id": rl_id, "status": "ok", "title": f"{day.isoformat()} {playlist}",
        "map_code": "stadium_p", "match_type": "Online", "team_size": team_size, "playlist_id": playlist,
        "duration": round(seconds), "overtime": overtime > 0, "overtime_seconds": round(overtime),
        "date": played_at.isoformat(), "blue": sides[0], "orange": sides[1],
    }


def generate_replays(day: dt.date, *, seed: int, n_players: int, anchor: dt.date,
                     games_per_day: float = GAMES_PER_ACTIVE_DAY) -> list[dict]:
    """The day's games as ballchasing replay documents (`GET /replays/{id}`): a player is active with
    probability `ACTIVE_SHARE` and queues `games_per_day` games on average; each round of the queue matches
    players of one playlist by level."""
    rng = _day_rng(seed, day, 1)
    players = population(seed, n_players)
    games = []
    for playlist, team_size in PLAYLISTS.items():
        games_of = {p.number: 1 + int(rng.poisson(max(games_per_day * p.activity - 1, 0)))
                    for p in players if p.playlist == playlist and rng.random() < ACTIVE_SHARE}
        lobby = 2 * team_size
        for round_number in range(max(games_of.values(), default=0)):
            queue = [p for p in players if games_of.get(p.number, 0) > round_number]
            order = np.argsort([p.level_on(day, anchor) + rng.normal(0, 3) for p in queue])
            queue = [queue[i] for i in order]
            for start in range(0, len(queue) - lobby + 1, lobby):
                group = queue[start:start + lobby]
                games.append(_replay_document(rng, day, anchor, playlist, (group[0::2], group[1::2])))
    return games


def generate_sessions(day: dt.date, *, seed: int, n_players: int, anchor: dt.date,
                      catalogue: pl.DataFrame) -> list[dict]:
    """The day's training sessions: packs mostly from the weakest skill's categories, near the player's rank."""
    rng = _day_rng(seed, day, 2)
    packs = pack_categories(catalogue.filter(pl.col("difficulty_index").is_not_null()))
    sessions = []
    for player in population(seed, n_players):
        if rng.random() >= ACTIVE_SHARE * TRAINING_SHARE:
            continue
        level = player.level_on(day, anchor)
        weakest = min(SKILLS, key=lambda skill: player.skill(skill, level))
        categories = SKILL_PACK_CATEGORIES[weakest] if rng.random() < 0.7 else tuple(packs["category"].unique())
        near = packs.filter(pl.col("category").is_in(categories)
                            & ((pl.col("difficulty_index") - level).abs() <= 16))
        pool = near if near.height else packs
        for _ in range(1 + int(rng.integers(0, 2))):
            pack = pool.row(int(rng.integers(0, pool.height)), named=True)
            attempts = int(rng.integers(10, 60))
            skill = player.skill(weakest, level) if pack["category"] in SKILL_PACK_CATEGORIES[weakest] else 0.0
            chance = _sigmoid(0.08 * (level - pack["difficulty_index"]) + 0.5 * skill
                              + 0.02 * (day - anchor).days)
            started = dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(seconds=int(rng.integers(0, 86_400)))
            sessions.append({
                "session_id": str(uuid.UUID(bytes=bytes(int(b) for b in rng.integers(0, 256, 16)), version=4)),
                "player_id": player.player_id, "pack_code": pack["code"], "started_at": started.isoformat(),
                "duration_seconds": int(attempts * rng.uniform(8, 20)),
                "attempts": attempts, "successes": int(rng.binomial(attempts, chance)),
            })
    return sessions


def truth_document(*, seed: int, n_players: int) -> dict:
    """The planted weaknesses as written to `planted_weaknesses.json`: every player, with their weakness
    or null, and the planted gap (`WEAKNESS_GAP`, in within-rank standard deviations of one game)."""
    return {"seed": seed, "n_players": n_players, "skills": list(SKILLS), "weakness_gap_sd": WEAKNESS_GAP,
            "players": [{"player_id": p.player_id, "weakness": p.weakness} for p in population(seed, n_players)]}


def emit_day(landing_dir: Path, day: dt.date, *, seed: int = 0, n_players: int = DEFAULT_PLAYERS,
             anchor: dt.date | None = None, games_per_day: float = GAMES_PER_ACTIVE_DAY) -> dict[str, int]:
    """Write one day into `landing_dir/<YYYY-MM-DD>/synthetic/` (replays under `ballchasing/`, training
    sessions, planted truth); return counts.

    The emitter owns only `synthetic/`: files a user dropped elsewhere in the day's folder are left alone.
    The folder is written beside its final place and renamed in when complete, replacing an earlier one.
    """
    anchor = anchor or day
    day_folder = Path(landing_dir) / day.isoformat()
    day_folder.mkdir(parents=True, exist_ok=True)
    staged = day_folder / f".{SYNTHETIC_FOLDER}.{uuid.uuid4().hex}.partial"
    (staged / REPLAY_FOLDER).mkdir(parents=True)
    try:
        replays = generate_replays(day, seed=seed, n_players=n_players, anchor=anchor, games_per_day=games_per_day)
        for document in replays:
            (staged / REPLAY_FOLDER / f"{document['id']}.json").write_text(json.dumps(document))
        sessions = generate_sessions(day, seed=seed, n_players=n_players, anchor=anchor,
                                     catalogue=shipped_catalogue())
        (staged / SESSIONS_FILE).write_text("".join(json.dumps(s) + "\n" for s in sessions))
        (staged / TRUTH_FILE).write_text(json.dumps(truth_document(seed=seed, n_players=n_players)) + "\n")
        swap_in(staged, day_folder / SYNTHETIC_FOLDER)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return {"replays": len(replays), "training_sessions": len(sessions)}
