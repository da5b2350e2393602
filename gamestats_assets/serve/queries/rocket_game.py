"""One game of a player against the players of their rank band (the game's, else their latest known, else the one
they stated: `KNOWN_BANDS`; none when no rank is known, as `unranked` is no band): each stat's percentile among the
band's single games of the playlist (`rocket.peer_value_counts`) beside the middle half of those games, the stats in
the band's bottom quarter named as hints, and training packs near the rank for the skills those stats read
(`measures.SKILL_INDICATORS`).

One game is a hint, not a verdict: a typical player of the band has one game in four in the bottom quarter of any
stat, so the percentile of one game says where that game fell, not where the player stands."""

from __future__ import annotations

import datetime as dt

import psycopg

from gamestats_assets.serve.core.models import field, row, shape
from gamestats_assets.serve.queries import NotFound, query
from gamestats_assets.serve.queries.rocket import (
    BETTER_PERCENTILE,
    KNOWN_BANDS,
    NAMES,
    RANK_PERCENTILE,
    ComparedWith,
    compared_with,
    known_player,
    percentile_of,
)
from gamestats_assets.serve.queries.rocket_training import PACKS
from gamestats_assets.sources.ballchasing.measures import SKILL_INDICATORS, WEAK_BELOW, toward_better
from gamestats_assets.sources.ballchasing.names import playlist_name, skill_name
from gamestats_assets.sources.ballchasing.training_packs import SKILL_PACK_CATEGORIES

PACKS_PER_HINT = 3
"""Packs recommended for each skill a hint reads, nearest the rank first."""
ONE_GAME_NOTE = (f"One game: a hint, not a verdict. Each percentile places this game among the band's single games; "
                 f"a typical player of the band has one game in four below p{WEAK_BELOW:.0f} on any stat, so a low one "
                 "here is worth a look, and several games tell more.")
NO_RANK_NOTE = ("No rank known: state yours to compare this game with your band. This game carries no rank (a raw "
                "replay does not) and no game of this player gave one, so it is compared with no band: no "
                "percentile, hint or pack.")
ONE_GAME = f"""
WITH known AS ({KNOWN_BANDS}),
game AS (
    SELECT date, match_id FROM rocket.player_stats WHERE player_id = %(player)s
      AND (%(match)s::text IS NULL OR match_id = %(match)s)
    GROUP BY date, match_id ORDER BY max(time) DESC NULLS LAST, match_id DESC LIMIT 1
), rows AS (
    SELECT s.*, k.rank_band IS NOT NULL AND s.rank_band = 'unranked' AS from_profile,
           CASE WHEN s.rank_band = 'unranked' THEN coalesce(k.rank_band, s.rank_band) ELSE s.rank_band END AS band,
           k.rank_index AS known_index, k.stated AS known_stated
    FROM rocket.player_stats s JOIN game g ON g.date = s.date AND g.match_id = s.match_id
    LEFT JOIN known k USING (player_id)
    WHERE s.player_id = %(player)s AND s.value IS NOT NULL
)
SELECT s.match_id, s.time, s.playlist, s.rank_band, s.rank_index, s.band, s.from_profile, s.known_index,
       s.known_stated, s.category, s.stat_type, s.value, s.value_bin, peers_below.rank_percentile, peers_below.peers,
       spread.low, spread.median, spread.high
FROM rows s {percentile_of('s', 's.band')}
LEFT JOIN LATERAL (
    SELECT min(c.value_bin) FILTER (WHERE c.games_below + c.games >= 0.25 * c.total) AS low,
           min(c.value_bin) FILTER (WHERE c.games_below + c.games >= 0.5 * c.total) AS median,
           min(c.value_bin) FILTER (WHERE c.games_below + c.games >= 0.75 * c.total) AS high
    FROM rocket.peer_value_counts c
    WHERE c.rank_band = s.band AND c.playlist = s.playlist AND c.stat_type = s.stat_type) AS spread ON true
ORDER BY s.category, s.stat_type
"""
"""The player's game (`match`, else their latest) stat by stat: the value, its percentile among the band's single
games of the playlist, and the band's quartiles of those games (on the scale compared: `value_bin`)."""

GameStat = shape("RocketGameStat", "A stat of one game against the band's single games",
                 stat_type=field(str, "the stat"), category=field(str | None, "its group"),
                 value=field(float, "the game's value"),
                 compared_value=field(float | None, "the value as compared between games (per minute of the game "
                                                    "for a total, a share of it for seconds in a state)"),
                 rank_percentile=RANK_PERCENTILE, better_percentile=BETTER_PERCENTILE,
                 band_games=field(int | None, "the band's single games of the playlist it is ranked among"),
                 band_low=field(float | None, "the band's single games' first quartile (compared value)"),
                 band_median=field(float | None, "their median"),
                 band_high=field(float | None, "their third quartile: with `band_low`, the middle half of one "
                                               "game's values in the band"),
                 hint=field(bool, f"in the band's bottom quarter (`better_percentile` below {WEAK_BELOW:.0f}): a hint "
                                  "from one game, not a weakness"))
GameSkill = shape("RocketGameSkill", "A skill as one game's stats read it",
                  skill=field(str, "the skill"), skill_name=field(str, "its name"),
                  stats=field(list[str], "the game's stats the skill is read from"),
                  hints=field(list[str], "those in the band's bottom quarter"),
                  better_percentile=field(float | None, "the mean of those stats' percentiles turned toward better"))
GamePack = row("RocketGamePack", PACKS, "code", "name", "difficulty", "shots", "categories",
               renamed={"code": "pack_code", "name": "pack_name"}, doc="A training pack for a skill a hint reads",
               skill=field(str, "the skill"), skill_name=field(str, "its name"),
               distance=field(int, "divisions between the pack's difficulty and the rank compared at"),
               position=field(int, "the pack's place among the skill's, nearest first"))
OneGame = shape("RocketOneGame", "One game of a player against the players of their rank band",
                match_id=field(str, "the game"), played_at=field(dt.datetime | None, "when it was played"),
                playlist=field(str | None, "its playlist"), playlist_name=NAMES["playlist_name"],
                compared_with=field(ComparedWith, "the players its values are ranked among, and how many "
                                                  "(`rank_from` `none`: no rank known, compared with no band)"),
                stats=field(list[GameStat], "each stat with a value, by group (no percentile without a band)"),
                hints=field(list[str], "the stats in the band's bottom quarter, lowest first (none without a band)"),
                skills=field(list[GameSkill], "each skill the game's stats read, lowest first (none without a band)"),
                recommendations=field(list[GamePack], "packs near the rank compared at for the skills the hints "
                                                      "read, lowest skill first (none without a rank)"),
                weak_below=field(float, "the percentile under which a stat is a hint: the band's bottom quarter"),
                note=field(str, "what one game can say, or that no rank is known to compare it at"))


def game_stat(found: dict) -> dict:
    """A row of `ONE_GAME` as `GameStat`."""
    better = toward_better(found["stat_type"], found["rank_percentile"])
    return {"stat_type": found["stat_type"], "category": found["category"], "value": found["value"],
            "compared_value": found["value_bin"], "rank_percentile": found["rank_percentile"],
            "better_percentile": better, "band_games": found["peers"], "band_low": found["low"],
            "band_median": found["median"], "band_high": found["high"],
            "hint": better is not None and better < WEAK_BELOW}


def game_skills(stats: list[dict]) -> list[dict]:
    """Each skill of `SKILL_INDICATORS` the game's stats read, with its hints, lowest mean percentile first."""
    by_stat = {s["stat_type"]: s for s in stats if s["better_percentile"] is not None}
    skills = []
    for skill, indicators in SKILL_INDICATORS.items():
        read = [by_stat[stat] for stat in indicators if stat in by_stat]
        if read:
            skills.append({"skill": skill, "skill_name": skill_name(skill), "stats": [s["stat_type"] for s in read],
                           "hints": [s["stat_type"] for s in read if s["hint"]],
                           "better_percentile": sum(s["better_percentile"] for s in read) / len(read)})
    return sorted(skills, key=lambda s: (s["better_percentile"], s["skill"]))


def packs_for(conn: psycopg.Connection, skills: list[dict], rank_index: int | None) -> list[dict]:
    """Up to `PACKS_PER_HINT` catalogue packs of each hinted skill's categories (`SKILL_PACK_CATEGORIES`), nearest
    `rank_index` first, a pack once, for its lowest skill; none without a rank (no level to pick packs at)."""
    hinted = [s for s in skills if s["hints"]]
    if not hinted or rank_index is None:
        return []
    catalogue = conn.execute("SELECT code AS pack_code, name AS pack_name, difficulty, difficulty_index, shots, "
                             "categories FROM rocket.training_packs WHERE difficulty_index IS NOT NULL "
                             "ORDER BY difficulty_index, code").fetchall()
    chosen, taken = [], set()
    for skill in hinted:
        wanted = set(SKILL_PACK_CATEGORIES.get(skill["skill"], ()))
        fits = [p for p in catalogue if p["pack_code"] not in taken
                and wanted & set((p["categories"] or "").split(";"))]
        near = sorted(fits, key=lambda p: (abs(p["difficulty_index"] - rank_index),
                                           p["pack_code"]))[:PACKS_PER_HINT]
        for position, pack in enumerate(near):
            taken.add(pack["pack_code"])
            chosen.append({**{k: v for k, v in pack.items() if k != "difficulty_index"}, "skill": skill["skill"],
                           "skill_name": skill["skill_name"], "position": position,
                           "distance": abs(pack["difficulty_index"] - rank_index)})
    return chosen


@query("rocket.player_stats", "rocket.peer_value_counts", "rocket.users", "rocket.stated_ranks",
       "rocket.training_packs", returns=OneGame)
def one_game(conn: psycopg.Connection, player_id: str, match_id: str | None) -> dict:
    """The player's game `match_id` (their latest when None) against their band (`ONE_GAME`), its hints, skills and
    packs (`NotFound` for an unknown player or a game of theirs not published); with no rank known (`rank_from`
    `none`), its values alone, compared with no band (`NO_RANK_NOTE`)."""
    known_player(conn, player_id)
    rows = conn.execute(ONE_GAME, {"player": player_id, "players": [player_id], "match": match_id}).fetchall()
    if not rows:
        raise NotFound(f"no published game {match_id} of player {player_id!r}" if match_id
                       else f"player {player_id!r} has no published stat")
    first = rows[0]
    compared = compared_with(first)
    game = {"match_id": first["match_id"], "played_at": first["time"], "playlist": first["playlist"],
            "playlist_name": playlist_name(first["playlist"]), "weak_below": WEAK_BELOW}
    if compared["rank_from"] == "none":
        unranked = [game_stat({**found, "rank_percentile": None, "peers": None, "low": None, "median": None,
                               "high": None}) for found in rows]
        return {**game, "compared_with": compared, "stats": unranked, "hints": [], "skills": [],
                "recommendations": [], "note": NO_RANK_NOTE}
    compared["games"] = max((found["peers"] or 0 for found in rows), default=0) or None
    stats = [game_stat(found) for found in rows]
    skills = game_skills(stats)
    rank_index = first["known_index"] if first["from_profile"] else first["rank_index"]
    return {**game, "compared_with": compared, "stats": stats,
            "hints": [s["stat_type"] for s in sorted(stats, key=lambda s: s["better_percentile"] or 0) if s["hint"]],
            "skills": skills, "recommendations": packs_for(conn, skills, rank_index), "note": ONE_GAME_NOTE}
