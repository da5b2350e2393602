"""The whole lol analysis as two functions of frames: ETL → STD tables, STD → CONS tables.

The Dagster assets call the same table functions one by one; tests and benchmarks call these two.
"""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms import cons, duos, lanes, loadouts, patterns, std, trends, win_model
from gamestats_assets.sources.riot import ddragon


def std_tables(matches: pl.DataFrame, participants: pl.DataFrame, events: pl.DataFrame | pl.LazyFrame,
               frames: pl.DataFrame | pl.LazyFrame) -> dict[str, pl.DataFrame]:
    """Every STD table of a set of games, by table name. Events and frames may be lazy scans of the lake:
    each table then reads only the columns it uses."""
    purchases = std.item_purchases(events, matches, ddragon.game_items(matches))
    skills = std.skill_orders(events)
    vision = std.vision_deaths(events, participants, matches)
    games = std.games(matches, participants, frames)
    lane_states = lanes.lane_states(participants, frames)
    first_objectives = std.first_objectives(events, participants)
    players = std.participant_games(participants, matches, purchases, skills, vision,
                                    ddragon.game_champions(matches), games)
    return {
        "games": games,
        "item_purchases": purchases,
        "skill_orders": skills,
        "first_objectives": first_objectives,
        "lane_states": lane_states,
        "vision_deaths": vision,
        "team_coordination": std.team_coordination(events, frames),
        "participant_games": players,
        "participant_facts": std.participant_facts(players, purchases, lane_states, first_objectives),
        "game_states": win_model.game_states(events, frames, matches),
        "loadouts": loadouts.loadouts(participants, matches, ddragon.game_runes(matches), ddragon.game_spells(matches)),
    }


def cons_tables(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every CONS table from the STD tables, by table name."""
    players = tables["participant_games"]
    return {
        "item_build_stats": cons.item_build_stats(players),
        "skill_order_stats": cons.skill_order_stats(players),
        "objective_stats": cons.objective_stats(tables["first_objectives"], tables["team_coordination"],
                                                tables["games"]),
        "vision_stats": cons.vision_stats(players),
        "correlations": patterns.correlations(players),
        "discovered_patterns": patterns.discovered_patterns(players, tables["first_objectives"], tables["games"]),
        "win_model": win_model.win_model(tables["game_states"], tables["games"]),
        "lane_matchups": lanes.lane_matchups(players, tables["lane_states"]),
        "length_win_rates": trends.length_win_rates(players),
        "patch_trend": trends.patch_trend(players),
        "keystone_stats": loadouts.keystone_stats(players, tables["loadouts"]),
        "rune_page_stats": loadouts.rune_page_stats(players, tables["loadouts"]),
        "spell_pair_stats": loadouts.spell_pair_stats(players, tables["loadouts"]),
        "bot_duo_stats": duos.bot_duo_stats(players),
    }
