-- A player's name and rank read by `player_id` (`GET /api/v1/rocket/player`, the players' names), declared as the
-- table's index, on a database whose `rocket.users` predates it (a new database has it from sql/generated, under
-- the same name).
CREATE INDEX IF NOT EXISTS users_player_id_idx ON rocket.users (player_id);
