"""Riot league-v4 ranked entries (`LeagueEntryDTO`, the answer of `/lol/league/v4/entries/by-puuid/{puuid}`) and the
ranked tier of a game: the median of its players' tiers in the game's ranked queue.

A league file in a landing day (`<name>_league.json`, optionally gzipped) is a JSON array of entries, each naming its
player by `puuid` or, in answers before 2024, by `summonerId` only; the Riot client writes `<match id>_league.json`
with the entries of a game's players beside the game.

A tier and division are one `tier_score`: Iron IV = 0, Iron III = 1 ... Diamond I = 27, then Master 28,
Grandmaster 32 and Challenger 36 (the apex tiers have no division), so that medians and "X and above" bands
(`at_least`) are comparisons of numbers.
"""

from __future__ import annotations

import polars as pl

TIERS = ("IRON", "BRONZE", "SILVER", "GOLD", "PLATINUM", "EMERALD", "DIAMOND", "MASTER", "GRANDMASTER", "CHALLENGER")
"""Riot's tiers, lowest first (Emerald since 2023)."""
DIVISIONS = ("IV", "III", "II", "I")
"""Riot's divisions within a tier, lowest first."""
APEX = ("MASTER", "GRANDMASTER", "CHALLENGER")
"""Tiers without divisions (Riot writes `rank` "I" for them)."""
ALL = "all"
BANDS = ("PLATINUM", "EMERALD", "DIAMOND", "MASTER")
"""The tiers whose "and above" band is a slice of the statistics, as u.gg and lolalytics offer them."""
SLICES = (ALL, *(tier.lower() for tier in TIERS), *(f"{band.lower()}_plus" for band in BANDS))
"""Every slice of games by ranked tier a statistic is given for (`all`, one tier, a band), in the order listed."""
SOLO, FLEX = "RANKED_SOLO_5x5", "RANKED_FLEX_SR"
RANKED_QUEUE = {440: FLEX}
"""The league a game's players are compared in, by `queueId`: flex games by the flex league, every other game by
the solo league (the rank the sites filter by)."""
ENTRIES_SCHEMA = {"puuid": pl.String, "summoner_id": pl.String, "queue_type": pl.String, "tier": pl.String,
                  "division": pl.String, "league_points": pl.Int64, "tier_score": pl.Int32}
LEAGUE_SUFFIX = "_league"
"""What ends the stem of a league file's name."""


def is_league_name(name: str) -> bool:
    """Whether a landing file name is a league file (`<name>_league.json[.gz]`)."""
    return name.split(".", 1)[0].endswith(LEAGUE_SUFFIX)


def tier_score(tier: str, division: str | None) -> int:
    """The rank of `tier` and `division` on one scale (module docstring); `ValueError` for a tier Riot has not."""
    index = TIERS.index(tier.upper())
    if tier.upper() in APEX:
        return 4 * index
    return 4 * index + DIVISIONS.index((division or "IV").upper())


def at_least(tier: str) -> int:
    """The lowest `tier_score` of the band "`tier` and above" (`at_least("EMERALD")` for Emerald+)."""
    return tier_score(tier, DIVISIONS[0])


def tier_of(score: pl.Expr) -> pl.Expr:
    """The tier name of a `tier_score` column."""
    return pl.when(score.is_not_null()).then(
        pl.lit(list(TIERS)).list.get((score // 4).cast(pl.Int64).clip(0, len(TIERS) - 1)))


def entry_rows(entries: list[dict], puuid: str | None = None) -> pl.DataFrame:
    """One row per ranked entry of a league-v4 answer: the player (`puuid` of the entry, or the `puuid` the answer
    was asked for, and `summonerId`: older answers carry only that), queue type, tier, division, league points and
    `tier_score`. An answer that is no list of entries naming their player, or an entry of a tier Riot has not, is
    a `ValueError` saying so."""
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ValueError("that is not a league-v4 answer (a JSON array of LeagueEntryDTO objects)")
    rows = []
    for entry in entries:
        tier = entry.get("tier")
        if not isinstance(tier, str) or tier.upper() not in TIERS:
            raise ValueError(f"with an entry of an unknown tier {tier!r} (queue {entry.get('queueType')!r})")
        if not (entry.get("puuid") or puuid or entry.get("summonerId")):
            raise ValueError("with an entry naming no player (neither puuid nor summonerId)")
        rows.append({"puuid": entry.get("puuid") or puuid, "summoner_id": entry.get("summonerId"),
                     "queue_type": entry.get("queueType"),
                     "tier": tier.upper(), "division": None if tier.upper() in APEX else entry.get("rank"),
                     "league_points": entry.get("leaguePoints"), "tier_score": tier_score(tier, entry.get("rank"))})
    return pl.DataFrame(rows, schema=ENTRIES_SCHEMA)


def one_each(scores: pl.DataFrame, player: str) -> pl.DataFrame:
    """One score a player (`player`: `puuid` or `summoner_id`) and queue: the highest, when files of different
    times list the player twice."""
    return scores.drop_nulls(player).group_by(player, "queue_type").agg(pl.col("tier_score").max())


def game_tiers(matches: pl.DataFrame, participants: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    """Each game's ranked tier: one row per match_id of `matches` with `ranked_players` (its players who have an
    entry in the game's league, `RANKED_QUEUE`, by puuid, else by summoner id; an entry listed twice counts once),
    `tier_score` (their lower median, so always one player's own rank) and `tier` (null when no player is
    ranked)."""
    league = pl.col("queue_id").replace_strict(RANKED_QUEUE, default=SOLO, return_dtype=pl.String)
    players = (participants.select("match_id", "participant_id", "puuid", "summoner_id")
               .join(matches.select("match_id", league.alias("queue_type")), on="match_id"))
    scores = entries.select("puuid", "summoner_id", "queue_type", "tier_score")
    by_puuid = players.join(one_each(scores, "puuid"), on=["puuid", "queue_type"])
    by_summoner = (players.join(by_puuid.select("match_id", "participant_id"), on=["match_id", "participant_id"],
                                how="anti")
                   .join(one_each(scores, "summoner_id"), on=["summoner_id", "queue_type"]))
    ranked = pl.concat([by_puuid.select("match_id", "tier_score"), by_summoner.select("match_id", "tier_score")])
    medians = ranked.group_by("match_id").agg(
        pl.len().cast(pl.Int32).alias("ranked_players"),
        pl.col("tier_score").quantile(0.5, interpolation="lower").cast(pl.Int32).alias("tier_score"))
    return (matches.select("match_id").join(medians, on="match_id", how="left")
            .with_columns(pl.col("ranked_players").fill_null(0), tier_of(pl.col("tier_score")).alias("tier"))
            .sort("match_id"))
