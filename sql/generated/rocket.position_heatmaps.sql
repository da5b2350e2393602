-- Generated from the declaration of rocket/cons/position_heatmaps by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.position_heatmaps (
    date date NOT NULL,
    match_id text NOT NULL,
    player_id text NOT NULL,
    cell_x bigint NOT NULL,
    cell_y bigint NOT NULL,
    seconds double precision,
    PRIMARY KEY (date, match_id, player_id, cell_x, cell_y)
) PARTITION BY LIST (date);
CREATE INDEX ON rocket.position_heatmaps (player_id);
