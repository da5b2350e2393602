"""The scaled Rocket League and Lineage 2M tables `bench/serve.py` serves beside its PUBG season: rows of the
published tables' shape, generated with a fixed seed and published as the platform publishes (partition exchange
by day, `publish_log` in the same transaction), without running the pipelines that would compute them.

- Rocket League: `player_games` player-games of 2v2 ranked games (four players a game, fifty games a player) over
  `days` days, `STATS` stats each in `rocket.player_stats`, their games in `rocket.matches`, and the same-rank
  peers' figures `rocket.peer_stats` and the values' counts per bin `rocket.peer_value_counts` computed from those
  rows as the rocket assets compute them.
- Lineage 2M: `days` days of `l2m.l2m_daily_kpis` for `SERVERS` servers in `COUNTRIES` countries.
"""

import datetime as dt

import numpy as np
import polars as pl
import psycopg

from gamestats_assets.defs.rocket.transforms import peers, percentiles
from gamestats_assets.lib.publish import publisher

GAMES_PER_PLAYER = 50
STATS = [(category, f"{category}_{n}") for category in ("core", "boost", "movement", "positioning", "demo")
         for n in range(6)]
BANDS = ["bronze", "silver", "gold", "platinum", "diamond", "champion"]
SERVERS, COUNTRIES = 10, ["KR", "JP", "TW"]
FIRST_DAY = dt.date(2025, 1, 1)


def publish_days(conn: psycopg.Connection, table: str, frame: pl.DataFrame) -> None:
    days = sorted(frame["date"].unique())
    with conn.transaction():
        rows = publisher.publish_partitions(conn, table, frame, "date", days)
        publisher.record_publish(conn, table, rows)


def publish_snapshot(conn: psycopg.Connection, table: str, frame: pl.DataFrame) -> None:
    with conn.transaction():
        rows = publisher.replace_snapshot(conn, table, frame)
        publisher.record_publish(conn, table, rows)


def rocket_frames(player_games: int, days: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(`rocket.matches`, `rocket.player_stats`) of `player_games` player-games over `days` days."""
    rng = np.random.default_rng(seed)
    games, players = player_games // 4, max(4, player_games // GAMES_PER_PLAYER)
    index = np.arange(games)
    played = [dt.datetime.combine(FIRST_DAY, dt.time(), dt.UTC) + dt.timedelta(days=int(d), seconds=int(s))
              for d, s in zip(index % days, rng.integers(0, 86_400, games))]
    score_0, score_1 = rng.integers(0, 6, games), rng.integers(0, 6, games)
    matches = pl.DataFrame({
        "date": [p.date() for p in played], "match_id": [f"{i:032x}" for i in index], "ballchasing_id": None,
        "source": "replay", "sources": "replay", "title": None, "playlist": "ranked-doubles", "map_code": "stadium_p",
        "played_at": played, "duration": 300.0, "overtime": False, "team_size": 2,
        "score_team_0": score_0.astype(np.int32), "score_team_1": score_1.astype(np.int32),
        "goals": (score_0 + score_1).astype(np.int32), "result": np.where(score_0 >= score_1, "team_0", "team_1"),
        "frames_null_reason": None,
    }, schema_overrides={"ballchasing_id": pl.String, "title": pl.String, "frames_null_reason": pl.String})
    seats = matches.select("date", "match_id", pl.col("played_at").alias("time")).with_row_index("game").join(
        pl.DataFrame({"seat": range(4)}), how="cross").with_columns(
        player=((pl.col("game") * 4 + pl.col("seat")) % players))
    seats = seats.with_columns(player_id=pl.format("steam:{}", pl.col("player") + 76561197960265728),
                               rank_index=(pl.col("player") % len(BANDS)).cast(pl.Int32))
    stats = seats.join(pl.DataFrame({"category": [c for c, _ in STATS], "stat_type": [s for _, s in STATS]}),
                       how="cross")
    stats = stats.with_columns(
        playlist=pl.lit("ranked-doubles"), rank_band=pl.col("rank_index").replace_strict(range(len(BANDS)), BANDS),
        value=pl.Series(rng.normal(50, 15, stats.height)), sample_size=pl.lit(None, pl.Int64),
        ci_low=pl.lit(None, pl.Float64), ci_high=pl.lit(None, pl.Float64), numerator=pl.lit(None, pl.Float64),
        denominator=pl.lit(None, pl.Float64), null_reason=pl.lit(None, pl.String), source=pl.lit("replay"),
    ).with_columns(value_bin=percentiles.value_bin(pl.col("value")))
    return matches, stats.drop("game", "seat", "player")


def l2m_kpis(days: int, seed: int = 7) -> pl.DataFrame:
    """`l2m.l2m_daily_kpis` of `days` days from `FIRST_DAY`."""
    rng = np.random.default_rng(seed)
    keys = pl.DataFrame({"date": [FIRST_DAY + dt.timedelta(days=d) for d in range(days)]}).join(
        pl.DataFrame({"country_code": COUNTRIES}), how="cross").join(
        pl.DataFrame({"server_id": range(1, SERVERS + 1)}), how="cross")
    n = keys.height
    dau, pu = rng.integers(2_000, 20_000, n), rng.integers(50, 800, n)
    revenue = pu * rng.uniform(5, 60, n)
    return keys.with_columns(dau=dau, nru=rng.integers(50, 900, n), pu=pu, npu=rng.integers(5, 80, n),
                             nnpu=rng.integers(1, 40, n), revenue_usd=revenue, arpu_usd=revenue / dau,
                             arppu_usd=revenue / pu)


def build(pg_url: str, player_games: int, rocket_days: int, l2m_days: int) -> dict:
    """Publish the scaled tables into `pg_url`; what was published."""
    built = {}
    with psycopg.connect(pg_url, autocommit=True) as conn:
        if player_games:
            matches, stats = rocket_frames(player_games, rocket_days)
            publish_days(conn, "rocket.matches", matches)
            publish_days(conn, "rocket.player_stats", stats)
            publish_snapshot(conn, "rocket.peer_stats", peers.peer_stats(stats))
            publish_snapshot(conn, "rocket.peer_value_counts",
                             percentiles.value_counts(percentiles.value_partials(stats)))
            built["rocket"] = {"player_games": player_games, "days": rocket_days, "matches": matches.height,
                               "players": stats["player_id"].n_unique(), "player_stats_rows": stats.height}
        if l2m_days:
            kpis = l2m_kpis(l2m_days)
            publish_days(conn, "l2m.l2m_daily_kpis", kpis)
            built["l2m"] = {"days": l2m_days, "rows": kpis.height}
    return built
