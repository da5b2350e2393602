"""League of Legends' reads: the champions published, a champion's rows of each table keyed by champion (roles,
builds, skill orders and paths, matchups, length win rates, patch trend, keystones, rune pages, spell pairs, starting
items, fourth to sixth items, boots), the ranked tiers a champion has games of, the tier list of a queue and patch,
and the compound query over one champion's participant facts."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import psycopg
from psycopg import sql

from gamestats_assets.published.lol import COLUMNS
from gamestats_assets.serve.core.models import columns_of, field, paged, row, shape
from gamestats_assets.serve.queries import NotFound, Query, page, query
from gamestats_assets.sources.riot.compound import CompoundResult, compound_query, nested
from gamestats_assets.sources.riot.league import ALL, SLICES

Champion = row("LolChampion", COLUMNS["patch_trend"], "champion_name", doc="A champion published, with its games",
               games=field(int, "its counted games over every queue and patch"),
               queues=field(list[str | None], "the queues it was played in"),
               patches=field(list[str | None], "the patches it was played on"))
Champions = shape("LolChampions", champions=field(list[Champion], "the champions, most played first"),
                  total_count=field(int, "the champions listed"))


@query("lol.patch_trend", returns=Champions)
def champions(conn: psycopg.Connection) -> dict:
    rows = conn.execute("SELECT champion_name, sum(games)::bigint AS games, array_agg(DISTINCT queue) AS queues, "
                        "array_agg(DISTINCT patch) AS patches FROM lol.patch_trend WHERE tier = %s "
                        "GROUP BY champion_name ORDER BY games DESC, champion_name", (ALL,)).fetchall()
    return {"champions": rows, "total_count": len(rows)}


KNOWN = "lol.champion_stats"
"""The table whose queues, patches and slices of ranked tiers are the known ones: every counted game is in it."""


def known(conn: psycopg.Connection, queues: tuple[str, ...], patches: tuple[str, ...], tier: str = ALL) -> None:
    """`NotFound` naming the first of `queues` that `KNOWN` does not hold, or of `patches` it does not hold in those
    queues (in any queue when none is asked), or `tier` when it holds no games of it in those queues and patches:
    an unknown value is a 404 on every route that takes it."""
    held = conn.execute(f"SELECT DISTINCT queue, patch, tier FROM {KNOWN}").fetchall()
    for name in queues:
        if name not in {r["queue"] for r in held}:
            raise NotFound(f"queue {name!r} not found in {KNOWN}")
    held = [r for r in held if not queues or r["queue"] in queues]
    for name in patches:
        if name not in {r["patch"] for r in held}:
            raise NotFound(f"patch {name!r} not found in {KNOWN}" + (f" for {', '.join(queues)}" if queues else ""))
    held = [r for r in held if not patches or r["patch"] in patches]
    if tier not in {r["tier"] for r in held}:
        raise NotFound(f"no games of tier {tier!r} in {KNOWN} for the queue and patch asked")


def optional(value: str | None) -> tuple[str, ...]:
    return () if value is None else (value,)


@dataclass(frozen=True)
class ChampionTable:
    """A published table keyed by champion, served under `/champions/{champion}/<path>`: its rows (every declared
    column, `model`) in `order`."""

    path: str
    table: str
    model: type
    order: str
    summary: str

    @property
    def tiered(self) -> bool:
        """Whether the table has a row per slice of ranked tiers (`tier`)."""
        return "tier" in COLUMNS[self.table.split(".")[1]]


def champion_rows(spec: ChampionTable) -> Query:
    """The rows of `spec.table` of a champion (any case; 404 when `KNOWN`, which has every champion played, has
    none: one whose players reached none of a table's choices, no fourth item, has no rows of it), one queue and
    patch or all, of one slice of ranked tiers when the table has them (`all` games unless asked; 404 for a queue,
    patch or slice that is not `known`), `limit` from `offset` in `spec.order`, with how many there are."""
    table = sql.Identifier(*spec.table.split("."))
    of_tier = sql.SQL("AND tier = %(tier)s " if spec.tiered else "")

    def compute(conn: psycopg.Connection, champion: str, queue: str | None, patch: str | None, tier: str,
                limit: int, offset: int) -> dict:
        found = conn.execute(f"SELECT champion_id FROM {KNOWN} WHERE lower(champion_name) = lower(%s) LIMIT 1",
                             (champion,)).fetchone()
        if found is None:
            raise NotFound(f"champion {champion!r} not found in {KNOWN}")
        known(conn, optional(queue), optional(patch), tier)
        return page(conn, sql.SQL(
            "SELECT {} FROM {} WHERE champion_id = %(champion_id)s "
            "AND (%(queue)s::text IS NULL OR queue = %(queue)s) AND (%(patch)s::text IS NULL OR patch = %(patch)s) "
            "{}ORDER BY queue, {}").format(sql.SQL(columns_of(spec.model)), table, of_tier, sql.SQL(spec.order)),
            {"champion_id": found["champion_id"], "queue": queue, "patch": patch, "tier": tier}, limit, offset)

    compute.__qualname__ = f"champion_rows.{spec.table}"
    return Query(tuple(dict.fromkeys((spec.table, KNOWN))), paged(f"{spec.model.__name__}Page", spec.model), compute)


def table_row(table: str, doc: str) -> type:
    return row("Lol" + "".join(part.title() for part in table.split("_")), COLUMNS[table], doc=doc)


TABLES = tuple(ChampionTable(path, f"lol.{table}", table_row(table, doc), order, summary) for path, table, doc, order,
               summary in (
    ("roles", "champion_stats", "A champion's role in a queue and patch", "games DESC, team_position",
     "The champion's roles with pick rate, win rate and their intervals, and mean KDA"),
    ("builds", "item_build_stats", "A champion's core item path", "games DESC, depth, core_path",
     "Core item paths with games, win rate and its interval, KDA and DPM"),
    ("skill-orders", "skill_order_stats", "A champion's skill max order", "games DESC, max_order",
     "Skill max orders with games, win rate and its interval"),
    ("skill-paths", "skill_path_stats", "A champion's skill path: its first 15 skill points in order",
     "games DESC, skill_path",
     "Skill paths (the first 15 points, of the players who put 15 in) with pick rate, win rate and its interval"),
    ("matchups", "lane_matchups", "A champion against a lane opponent", "games DESC, opponent_champion_name",
     "Lane opponents with win rate and gold, XP and CS differences at 10 and 15 minutes"),
    ("length-win-rates", "length_win_rates", "A core path's win rate in a band of game length",
     "depth, core_path, length_from_min", "Win rate by game length per core path"),
    ("patch-trend", "patch_trend", "A champion's pick and win rate on a patch, with their changes", "patch",
     "Pick and win rate patch by patch, with their changes"),
    ("keystones", "keystone_stats", "A champion's keystone rune", "games DESC, keystone_id",
     "Keystones with their names, pick rate among the champion's games, win rate and its interval"),
    ("rune-pages", "rune_page_stats", "A champion's full rune page", "games DESC, rune_page",
     "Rune pages (keystone, runes and both paths named) with pick rate, win rate and its interval"),
    ("spells", "spell_pair_stats", "A champion's summoner spell pair", "games DESC, spell_pair",
     "Summoner spell pairs with their names, pick rate, win rate and its interval"),
    ("starting-items", "starting_item_stats", "A champion's starting items", "games DESC, starting_items",
     "Starting items (bought before the first minions) with their names, pick rate, win rate and its interval"),
    ("late-items", "late_item_stats", "A champion's fourth, fifth or sixth core item", "games DESC, slot, item_id",
     "Fourth to sixth core items with their names, pick rate among the builds that reached the place, win rate and "
     "its interval"),
    ("boots", "boots_stats", "A champion's finished boots", "games DESC, item_id",
     "Finished (tier-2) boots with their names, pick rate among the players who finished a pair, win rate and its "
     "interval"),
))
QUERIES = {spec.path: champion_rows(spec) for spec in TABLES}
"""Each champion table's query, by its path."""

ChampionRow = TABLES[0].model
TierList = shape("LolTierList", "A queue and patch's champions by role, best lower bound of win rate first, the "
                 "low-sample rows after the others",
                 queue=field(str | None, "the queue ranked (the one with the most games unless asked)"),
                 patch=field(str | None, "the patch ranked (the queue's latest unless asked)"),
                 tier=field(str, "the slice of ranked tiers ranked (`all` games unless asked)"),
                 queues=field(list[str], "the queues published, most games first"),
                 patches=field(list[str], "the queue's patches, latest first"),
                 tiers=field(list[str], "the slices of ranked tiers the queue and patch has games of, `all` first, "
                                        "then single tiers lowest first, then the bands"),
                 champions=field(list[ChampionRow], "the page of champions by role, ranked"),
                 total_count=field(int, "the champions by role in all, on every page"))


def patch_order(patch: str) -> tuple[int, ...]:
    """A patch's place among patches: `14.10` after `14.9`."""
    return tuple(int(part) for part in patch.split("."))


@query("lol.champion_stats", returns=TierList)
def tier_list(conn: psycopg.Connection, queue: str | None, patch: str | None, tier: str, role: str | None,
              min_games: int, limit: int, offset: int) -> dict:
    """The queue and patch default to the queue with the most games and its latest patch (404 for one not
    published), the slice of ranked tiers to `all` games (404 for one the queue and patch has no games of); ranked
    by the lower bound of the 95 % interval, the rows of a low sample (`low_sample`: fewer than 100 games)
    after every other, so that a champion on few games does not top the list by luck."""
    queues = [r["queue"] for r in conn.execute(
        "SELECT queue FROM lol.champion_stats WHERE tier = %s GROUP BY queue ORDER BY sum(games) DESC, queue",
        (ALL,)).fetchall()]
    if not queues:
        return {"queue": None, "patch": None, "tier": tier, "queues": [], "patches": [], "tiers": [],
                "champions": [], "total_count": 0}
    if queue is not None and queue not in queues:
        raise NotFound(f"queue {queue!r} not found in lol.champion_stats (known: {', '.join(queues)})")
    chosen = queue or queues[0]
    patches = sorted((r["patch"] for r in conn.execute(
        "SELECT DISTINCT patch FROM lol.champion_stats WHERE queue = %s", (chosen,)).fetchall()),
        key=patch_order, reverse=True)
    if patch is not None and patch not in patches:
        raise NotFound(f"patch {patch!r} not found for {chosen} in lol.champion_stats")
    ranked = patch or patches[0]
    held = {r["tier"] for r in conn.execute("SELECT DISTINCT tier FROM lol.champion_stats WHERE queue = %s AND "
                                            "patch = %s", (chosen, ranked)).fetchall()}
    tiers = [name for name in SLICES if name in held]
    if tier not in tiers:
        raise NotFound(f"no games of tier {tier!r} in {chosen} on {ranked} (known: {', '.join(tiers)})")
    ranking = page(conn, sql.SQL(
        f"SELECT {columns_of(ChampionRow)} FROM lol.champion_stats WHERE queue = %(queue)s AND patch = %(patch)s "
        "AND tier = %(tier)s AND (%(role)s::text IS NULL OR team_position = %(role)s) AND games >= %(min_games)s "
        "ORDER BY low_sample, win_rate_ci_low DESC, games DESC, champion_name, team_position"),
        {"queue": chosen, "patch": ranked, "tier": tier, "role": role, "min_games": min_games}, limit, offset)
    return {"queue": chosen, "patch": ranked, "tier": tier, "queues": queues, "patches": patches, "tiers": tiers,
            "champions": ranking["rows"], "total_count": ranking["total_count"]}


ChampionTiers = shape("LolChampionTiers", "The slices of ranked tiers a champion has games of",
                      tiers=field(list[str], "the slices the champion has rows of in the queue and patch (any when "
                                             "not given), `all` first, then single tiers lowest first, then the bands"))


@query("lol.champion_stats", returns=ChampionTiers)
def champion_tiers(conn: psycopg.Connection, champion: str, queue: str | None, patch: str | None) -> dict:
    """The slices of `lol.champion_stats` a champion (any case; 404 when the table has none of it) has rows of in a
    queue and patch: the ranks its page can be narrowed to, not those of every champion."""
    rows = conn.execute(
        "SELECT DISTINCT tier, (%(queue)s::text IS NULL OR queue = %(queue)s) "
        "AND (%(patch)s::text IS NULL OR patch = %(patch)s) AS chosen "
        "FROM lol.champion_stats WHERE lower(champion_name) = lower(%(champion)s)",
        {"champion": champion, "queue": queue, "patch": patch}).fetchall()
    if not rows:
        raise NotFound(f"champion {champion!r} not found in lol.champion_stats")
    known(conn, optional(queue), optional(patch))
    held = {r["tier"] for r in rows if r["chosen"]}
    return {"tiers": [name for name in SLICES if name in held]}


FACTS = "lol.participant_query_facts"
FACT_COLUMNS = ", ".join(COLUMNS["participant_query_facts"])
LAKE_TYPES = {"bigint": pl.Int64(), "integer": pl.Int32(), "double precision": pl.Float64(), "boolean": pl.Boolean(),
              "text": pl.String(), "date": pl.Date(), "timestamptz": pl.Datetime("us", "UTC")}
FACT_TYPES = {name: LAKE_TYPES[column.type] for name, column in COLUMNS["participant_query_facts"].items()}
"""The polars type of each declared column of the fact table, as the lake holds it."""


def champion_facts(conn: psycopg.Connection, champion_id: int) -> pl.DataFrame:
    """The champion's rows of `FACTS`, typed as the lake's, with `completed_items` back (`nested`)."""
    rows = conn.execute(f"SELECT {FACT_COLUMNS} FROM {FACTS} WHERE champion_id = %s", (champion_id,)).fetchall()
    return nested(pl.DataFrame(rows, schema=FACT_TYPES, orient="row"))


@query(FACTS, KNOWN, returns=CompoundResult)
def compound(conn: psycopg.Connection, champion: str, champion_id: int, completed: tuple[str, ...], metric: str,
             queues: tuple[str, ...], patches: tuple[str, ...], first_item: str | None, max_order: str | None,
             first_objective: str | None, against: str | None, minutes: str | None) -> CompoundResult:
    """`gamestats lol query`'s answer over the published copy of the fact table, one champion's rows (404 for a queue
    or patch that is not `known`)."""
    known(conn, queues, patches)
    return compound_query(champion_facts(conn, champion_id), champion, completed, metric, queues, patches,
                          first_item=first_item, max_order=max_order, first_objective=first_objective,
                          against=against, minutes=minutes)
