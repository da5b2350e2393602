"""A tracked PUBG player's history backfill as the pipeline's sensor takes it and the admin endpoints preview it: the
matches of the last `BACKFILL_DAYS` days, those whose telemetry is not there left out with why (`WITHOUT_TELEMETRY`)."""

BACKFILL_DAYS = 180
WITHOUT_TELEMETRY = {
    "missing": "telemetry missing: no telemetry file of the match was delivered",
    "failed": "telemetry failed: the match's telemetry file could not be read and was quarantined",
}
"""The telemetry states of a match the backfill leaves out (`status` of the lake's `telemetry_files`, `telemetry` of
the published `match_summaries`: both name them so), each with why: there is nothing of the player to extract."""
