"""`peer_stats` from stat rows, and its check against them: a band's sums as the rows give them, and any pair
missing, extra or off fails the check."""

import polars as pl

from gamestats_assets.defs.rocket.checks import _peer_gaps
from gamestats_assets.defs.rocket.transforms.peers import peer_stats
from gamestats_assets.serve.rocket import without

STATS = pl.DataFrame({
    "player_id": ["a", "a", "b", "c", "c", "d", "e"],
    "rank_band": ["gold", "gold", "gold", "gold", "gold", None, "silver"],
    "category": ["core"] * 7,
    "stat_type": ["goals"] * 7,
    "value": [1.0, 3.0, 2.0, 6.0, None, 4.0, 5.0],
})


def test_a_band_holds_its_players_games_and_sums_without_unranked_rows():
    gold = peer_stats(STATS).filter(rank_band="gold").to_dicts()[0]
    assert (gold["players"], gold["games"], gold["total"], gold["mean"]) == (3, 4, 12.0, 3.0)
    assert abs(gold["m2"] - (4 + 0 + 1 + 9)) < 1e-12
    assert set(peer_stats(STATS)["rank_band"]) == {"gold", "silver"}


def test_taking_a_player_out_gives_the_others_mean_and_sample_sd():
    gold = peer_stats(STATS).filter(rank_band="gold").to_dicts()[0]
    others = without(gold, games=2, total=4.0, m2=2.0)
    rest = pl.Series([2.0, 6.0])
    assert others["peer_games"] == 2 and others["peer_mean"] == rest.mean()
    assert abs(others["peer_sd"] - rest.std()) < 1e-12


def test_the_check_finds_every_disagreement():
    peers = peer_stats(STATS)
    assert _peer_gaps(peers, STATS).height == 0
    off = peers.with_columns(games=pl.when(pl.col("rank_band") == "gold").then(5).otherwise(pl.col("games")))
    assert _peer_gaps(off, STATS)["rank_band"].to_list() == ["gold"]
    assert _peer_gaps(peers.filter(rank_band="gold"), STATS)["rank_band"].to_list() == ["silver"]
    extra = pl.concat([peers, peers.filter(rank_band="gold").with_columns(stat_type=pl.lit("saves"))])
    assert _peer_gaps(extra, STATS)["stat_type"].to_list() == ["saves"]
