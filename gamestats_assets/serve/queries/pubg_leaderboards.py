"""PUBG's team and player leaderboards of a tournament context (`pubg.team_leaderboards`,
`pubg.player_leaderboards`), or of one match of it, with each player's damage and kills per weapon category when
asked."""

from __future__ import annotations

import psycopg
from psycopg import sql

from gamestats_assets.lib.erasure.register import TOKEN_PREFIX
from gamestats_assets.serve.core.models import field, row, shape
from gamestats_assets.serve.queries import NotFound, Query
from gamestats_assets.serve.queries.pubg import (
    PAGE_CATEGORIES,
    PLAYER_BOARD,
    TEAM_BOARD,
    Scope,
    board_filter,
    by_category,
    context_filter,
    contextual,
    placements,
    rounded,
)


TEAM_PARTS = ("placement_points", "kill_points", "knocks")
PLAYER_PARTS = (*TEAM_PARTS, "assists", "headshot_kills", "survival_s")
"""What a standing adds up besides points, kills and wins, as the leaderboard tables name it."""
TeamStanding = row(
    "PubgTeamStanding", TEAM_BOARD, "rank", "rank_change", "rank_change_since", "team_name", "points", *TEAM_PARTS,
    "kills", "wins", "matches", "avg_placement",
    doc="A team's standing in the context (or in one match of it), as the tournament page shows it",
    renamed={"points": "total_points", "kills": "total_kills", "wins": "wwcd", "matches": "matches_played"},
    team_id=field(str | None, "the team (its name: the organisers' files key teams by name)"),
    recent_placements=field(list[int], "its last placements, oldest first"))
WeaponShare = shape("PubgWeaponShare", "A player's damage and kills with a weapon category",
                    damage=field(float, "damage dealt to players of other teams with it"),
                    kills=field(int, "kills of players of other teams with it"))
PlayerStanding = row(
    "PubgPlayerStanding", PLAYER_BOARD, "rank", "rank_change", "rank_change_since", "account_id", "player_name",
    "team_name", "points", *PLAYER_PARTS, "kills", "damage_dealt", "avg_damage", "killsteals", "matches",
    doc="A player's standing in the context (or in one match of it), as the tournament page shows it",
    renamed={"account_id": "player_id", "points": "total_points", "kills": "total_kills",
             "damage_dealt": "total_damage", "matches": "matches_played"},
    weapon_distribution=field(dict[str, WeaponShare] | None,
                              "damage and kills per weapon category of the page (null unless include_weapons)"))
TeamBoard = shape("PubgTeamBoard", teams=field(list[TeamStanding], "the page of standings, by rank"),
                  total_count=field(int, "the standings in all, every page"))
PlayerBoard = shape("PubgPlayerBoard", players=field(list[PlayerStanding], "the page of standings, by rank"),
                    total_count=field(int, "the standings in all, every page"))


def team_row(found: dict, include_weapons: bool) -> dict:
    return {"rank": found["rank"], "rank_change": found["rank_change"],
            "rank_change_since": found["rank_change_since"], "team_id": found["team_name"],
            "team_name": found["team_name"], "total_points": found["points"],
            **{part: found[part] for part in TEAM_PARTS}, "total_kills": found["kills"],
            "wwcd": found["wins"], "matches_played": found["matches"], "avg_placement": found["avg_placement"],
            "recent_placements": placements(found["last_placements"])}


def player_row(found: dict, include_weapons: bool) -> dict:
    weapons = None
    if include_weapons:
        kills, damage = by_category(found["weapon_kills"]), by_category(found["weapon_damage"], float)
        weapons = {c: {"damage": damage[c], "kills": kills[c]} for c in PAGE_CATEGORIES}
    return {"rank": found["rank"], "rank_change": found["rank_change"],
            "rank_change_since": found["rank_change_since"], "player_id": found["account_id"],
            "player_name": found["player_name"], "team_name": found["team_name"], "total_points": found["points"],
            **{part: found[part] for part in PLAYER_PARTS}, "total_kills": found["kills"],
            "total_damage": rounded(found["damage_dealt"]),
            "avg_damage": rounded(found["avg_damage"]), "killsteals": found["killsteals"],
            "matches_played": found["matches"], "weapon_distribution": weapons}


def board(table: str, kind: str, data: type, row_of, name_column: str, read_columns: tuple[str, ...],
          in_match: sql.SQL, match_tables: tuple[str, ...], shown: sql.Composable | None = None) -> Query:
    """The leaderboard of `table` in the context asked for, or, given a match, `in_match`'s standings in that
    match, ranked as the leaderboards rank (no rank change: one match has no earlier one): `limit` rows from
    `offset`, by rank, each as `row_of` makes it; `NotFound` for a match that is not a scored match of the
    context. Given `shown`, a condition on its rows, the others are left out and those shown ranked among
    themselves (a tie sharing its rank)."""
    ranked = sql.SQL("rank() OVER (ORDER BY rank) AS rank") if shown is not None else sql.Identifier("rank")
    columns = sql.SQL(", ").join(ranked if column == "rank" else sql.Identifier(column) for column in read_columns)

    def rows_of(conn: psycopg.Connection, scope: Scope, limit: int, offset: int, match_id: str | None = None,
                include_weapons: bool = False):
        where, params = board_filter(scope) if match_id is None else context_filter(scope, "r")
        if shown is not None:
            where = sql.SQL("{} AND {}").format(where, shown)
        if match_id is None:
            statement = sql.SQL("SELECT {}, count(*) OVER () AS total_count FROM {} WHERE {} "
                                "ORDER BY rank, {} LIMIT %s OFFSET %s").format(
                columns, sql.Identifier(*table.split(".")), where, sql.Identifier(name_column))
        else:
            statement = in_match.format(where=where)
            params = [match_id, *params]
        rows = conn.execute(statement, [*params, limit, offset]).fetchall()
        total = rows[0]["total_count"] if rows else len(conn.execute(statement, [*params, None, 0]).fetchall())
        if match_id is not None and not total:
            raise NotFound(f"match {match_id!r} is not a scored match of this {scope.filtered_by}")
        return {kind: [row_of(r, include_weapons) for r in rows], "total_count": total}

    rows_of.__name__ = kind
    return contextual((table, *match_tables), data, rows_of)


BOARD_COLUMNS = ("rank", "rank_change", "rank_change_since", "points", "kills", "wins", "matches", "avg_placement",
                 "last_placements")
TEAM_IN_MATCH = sql.SQL("""
WITH chosen AS (SELECT %s::text AS match_id)
SELECT rank() OVER (ORDER BY r.points DESC, r.placement = 1 DESC, r.kills DESC, r.placement) AS rank,
       NULL::bigint AS rank_change, NULL::text AS rank_change_since, r.team_name, r.points, r.placement_points,
       r.kill_points, r.kills, r.knocks, (r.placement = 1)::int::bigint AS wins, 1::bigint AS matches,
       r.placement::double precision AS avg_placement, r.placement::text AS last_placements,
       count(*) OVER () AS total_count
FROM pubg.team_match_results r JOIN chosen USING (match_id) WHERE {where}
ORDER BY rank, r.team_name LIMIT %s OFFSET %s
""")
PLAYER_IN_MATCH = sql.SQL("""
WITH chosen AS (SELECT %s::text AS match_id), weapons AS (
    SELECT account_id,
           string_agg(weapon_category || ':' || kills, ',') FILTER (WHERE kills > 0) AS weapon_kills,
           string_agg(weapon_category || ':' || round(damage_dealt::numeric, 1), ',')
               FILTER (WHERE damage_dealt > 0) AS weapon_damage
    FROM pubg.player_match_weapon_distribution JOIN chosen USING (match_id) GROUP BY account_id
)
SELECT rank() OVER (ORDER BY r.points DESC, r.placement = 1 DESC, r.kills DESC, r.placement) AS rank,
       NULL::bigint AS rank_change, NULL::text AS rank_change_since, r.account_id, r.player_name, r.team_name,
       r.points, r.placement_points, r.kill_points, r.kills, r.knocks, r.assists, r.headshot_kills, r.survival_s,
       r.damage_dealt, r.damage_dealt AS avg_damage, r.killsteals, 1::bigint AS matches, w.weapon_kills, w.weapon_damage,
       count(*) OVER () AS total_count
FROM pubg.player_match_results r JOIN chosen USING (match_id) LEFT JOIN weapons w USING (account_id)
WHERE {where}
ORDER BY rank, r.player_name LIMIT %s OFFSET %s
""")
NOT_DELETED = sql.SQL("NOT starts_with(account_id, {})").format(sql.Literal(TOKEN_PREFIX))
"""A player shown on a leaderboard: none deleted at their request. A deleted player's figures stay in their team's
(a match's score is every player's), but no row stands for them, under their token or otherwise: a row of a team
with one player gone would tell who it is to anyone who knows the team."""


team_board = board("pubg.team_leaderboards", "teams", TeamBoard, team_row, "team_name",
                   (*BOARD_COLUMNS, "team_name", *TEAM_PARTS), TEAM_IN_MATCH, ("pubg.team_match_results",))
player_board = board("pubg.player_leaderboards", "players", PlayerBoard, player_row, "player_name",
                     (*BOARD_COLUMNS, "account_id", "player_name", "team_name", *PLAYER_PARTS, "damage_dealt",
                      "avg_damage", "killsteals", "weapon_kills", "weapon_damage"), PLAYER_IN_MATCH,
                     ("pubg.player_match_results", "pubg.player_match_weapon_distribution"), NOT_DELETED)
