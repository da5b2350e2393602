"""Ranked tiers from Riot league-v4 entries: a real Challenger entry (op.gg-style bundle, origin in
`fixtures/riot/SOURCES.md`) ranks the real 14.4 ranked game it came with; a game's tier is the lower median of
its ranked players' tiers in the game's league, and "X and above" bands are score comparisons."""

from __future__ import annotations

import gzip
import json

import polars as pl
import pytest

from gamestats_assets.sources.riot import league
from gamestats_assets.sources.riot.parse import parse_matches
from gamestats_assets_tests.lol.real_games import FIXTURES

LEAGUE = FIXTURES / "league"
MATCH_ID = "KR_6977481200"


def real_game() -> tuple[dict, list[dict]]:
    """The real 14.4 ranked solo game and the real league-v4 answer of one of its players."""
    match = json.loads(gzip.decompress((LEAGUE / f"{MATCH_ID}.json.gz").read_bytes()))
    return match, json.loads((LEAGUE / "league_v4_entries_KR.json").read_bytes())


def test_a_real_entry_ranks_its_player_and_the_game_he_played():
    match, entries = real_game()
    [player] = [p for p in match["info"]["participants"] if p["summonerId"] == entries[0]["summonerId"]]
    rows = league.entry_rows(entries, puuid=player["puuid"])
    assert rows.row(0, named=True) == {"puuid": player["puuid"], "summoner_id": entries[0]["summonerId"],
                                       "queue_type": league.SOLO, "tier": "CHALLENGER",
                                       "division": None, "league_points": 897, "tier_score": 36}
    parsed = parse_matches([(f"{MATCH_ID}.json", json.dumps(match).encode())])
    tiers = league.game_tiers(parsed.matches, parsed.participants, rows)
    assert tiers.rows(named=True) == [{"match_id": MATCH_ID, "ranked_players": 1, "tier_score": 36,
                                       "tier": "CHALLENGER"}]
    as_flex = parsed.matches.with_columns(pl.lit(440).alias("queue_id"))
    unranked = league.game_tiers(as_flex, parsed.participants, rows).row(0, named=True)
    assert (unranked["ranked_players"], unranked["tier"]) == (0, None), "a solo entry does not rank a flex game"


def test_a_games_tier_is_the_lower_median_of_its_ranked_players():
    """Ten players: two unranked, the others Gold IV, Gold II, Gold I x2, Platinum III, Emerald IV, Diamond II and
    Master: the lower median of the eight is Gold I."""
    ranks = [("GOLD", "IV"), ("GOLD", "II"), ("GOLD", "I"), ("GOLD", "I"), ("PLATINUM", "III"), ("EMERALD", "IV"),
             ("DIAMOND", "II"), ("MASTER", "I")]
    entries = league.entry_rows([{"puuid": f"p{n}", "queueType": league.SOLO, "tier": tier, "rank": division,
                                  "leaguePoints": 10} for n, (tier, division) in enumerate(ranks)])
    matches = pl.DataFrame({"match_id": ["EUW1_1", "EUW1_2"], "queue_id": [420, 450]})
    participants = pl.DataFrame({"match_id": ["EUW1_1"] * 10 + ["EUW1_2"] * 2,
                                 "participant_id": [*range(1, 11), 1, 2],
                                 "puuid": [f"p{n}" for n in range(10)] + ["p9", "p8"]}).with_columns(
        pl.lit(None, pl.String).alias("summoner_id"))
    tiers = {row["match_id"]: row for row in league.game_tiers(matches, participants, entries).iter_rows(named=True)}
    assert (tiers["EUW1_1"]["ranked_players"], tiers["EUW1_1"]["tier"]) == (8, "GOLD")
    assert tiers["EUW1_1"]["tier_score"] == league.tier_score("GOLD", "I")
    assert (tiers["EUW1_2"]["ranked_players"], tiers["EUW1_2"]["tier"]) == (0, None), "an ARAM of unranked players"
    emerald_plus = entries.filter(pl.col("tier_score") >= league.at_least("EMERALD"))
    assert emerald_plus["tier"].to_list() == ["EMERALD", "DIAMOND", "MASTER"]


def test_every_tier_and_division_has_its_place_and_an_unknown_tier_is_refused():
    scores = [league.tier_score(tier, division) for tier in league.TIERS for division in league.DIVISIONS
              if tier not in league.APEX or division == "I"]
    assert scores == sorted(set(scores)) and scores[0] == 0 and scores[-1] == 36
    with pytest.raises(ValueError, match="unknown tier 'WOOD'"):
        league.entry_rows([{"puuid": "p", "queueType": league.SOLO, "tier": "WOOD", "rank": "I"}])
