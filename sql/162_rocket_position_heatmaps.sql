-- The player page's positional heatmap: seconds each player's car spent in each cell of the pitch (8 x 10
-- cells of 1024 uu, seen from the player's own goal), per game, from raw replays only (ballchasing's JSON has
-- no positions). Daily, partitioned by date like the other rocket daily tables (sql/050).
CREATE TABLE IF NOT EXISTS rocket.position_heatmaps (
    date date NOT NULL,
    match_id text NOT NULL,
    player_id text NOT NULL,
    cell_x bigint NOT NULL,
    cell_y bigint NOT NULL,
    seconds double precision,
    PRIMARY KEY (date, match_id, player_id, cell_x, cell_y)
) PARTITION BY LIST (date);
CREATE INDEX IF NOT EXISTS position_heatmaps_player ON rocket.position_heatmaps (player_id);
