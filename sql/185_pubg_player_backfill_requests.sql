-- The backfills asked for tracked PUBG players, one row each: by an organiser through gamestats serve's admin
-- endpoints (a re-trigger, `requested_by` their account), or by the sensor pubg_newly_tracked_players itself for a
-- player newly on the roster (`requested_by` 'roster'). The sensor handles a row once (`handled_at`): the matches
-- the backfill covers (`partitions`, 0 when nothing was left to build) and those it left out with the reason
-- (`left_out`: match id -> why, such as telemetry missing or quarantined). The backfill carries the row's id in its
-- tag gamestats/backfill_request.
CREATE TABLE IF NOT EXISTS pubg.player_backfill_requests (
    request_id bigserial PRIMARY KEY,
    player_id text NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    handled_at timestamptz,
    partitions integer,
    left_out jsonb
);
CREATE INDEX IF NOT EXISTS player_backfill_requests_waiting ON pubg.player_backfill_requests (request_id)
    WHERE handled_at IS NULL;
CREATE INDEX IF NOT EXISTS player_backfill_requests_player ON pubg.player_backfill_requests (player_id, request_id);
