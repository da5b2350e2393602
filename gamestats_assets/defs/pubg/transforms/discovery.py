"""The discovery columns of `pubg.matches`: the path that found a match first and the run priority that path gives
its match (`dagster/priority`, higher runs first)."""

import polars as pl

TOURNAMENT, API, LANDING = "tournament", "api", "landing"
DISCOVERY_PRIORITY = {TOURNAMENT: 10, API: 0, LANDING: 0}
"""The run priority of each discovery path: the tournament players' matches run before other work (every minute,
`pubg_tournament_discovery`); the tracked players' (`pubg_api_discovery`) and dropped files (`pubg_landing_sensor`)
at the default."""


def with_discovery(matches: pl.DataFrame, discovered_by: list[str]) -> pl.DataFrame:
    """`matches` with `discovered_by` (one path a row) and `discovery_priority`, that path's `DISCOVERY_PRIORITY`
    (null for a path it does not know)."""
    found = pl.Series("discovered_by", discovered_by, pl.String)
    return matches.with_columns(found, found.replace_strict(DISCOVERY_PRIORITY, default=None, return_dtype=pl.Int64)
                                .alias("discovery_priority"))
