-- The API's reads of one player or one replay (`GET /api/v1/rocket/analytics/...?player_id=`, `/replays/{id}`):
-- without these each read scans every day's partition of the tables. A publish builds them on each new partition.
CREATE INDEX IF NOT EXISTS player_stats_player ON rocket.player_stats (player_id);
CREATE INDEX IF NOT EXISTS player_stats_match ON rocket.player_stats (match_id);
CREATE INDEX IF NOT EXISTS matches_match ON rocket.matches (match_id);
