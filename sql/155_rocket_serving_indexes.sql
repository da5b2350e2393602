-- The API's reads of one player or one replay (`GET /api/v1/rocket/analytics/...?player_id=`, `/replays/{id}`),
-- declared as the tables' indexes, on a database whose tables predate them (a new database has them from
-- sql/generated, under the same names).
CREATE INDEX IF NOT EXISTS player_stats_player_id_idx ON rocket.player_stats (player_id);
CREATE INDEX IF NOT EXISTS player_stats_match_id_idx ON rocket.player_stats (match_id);
CREATE INDEX IF NOT EXISTS matches_match_id_idx ON rocket.matches (match_id);
