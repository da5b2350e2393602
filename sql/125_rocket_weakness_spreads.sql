-- Rocket League: a weakness is judged on the player's mean over their games against the rank's players,
-- in a standard error that holds how lastingly players of a rank differ (lasting_spread), a game's luck
-- (game_spread) shrinking with the player's games, and the peers' median's own error (standard_error).
ALTER TABLE rocket.player_weaknesses ADD COLUMN IF NOT EXISTS lasting_spread double precision;
ALTER TABLE rocket.player_weaknesses ADD COLUMN IF NOT EXISTS game_spread double precision;
ALTER TABLE rocket.player_weaknesses ADD COLUMN IF NOT EXISTS standard_error double precision;
