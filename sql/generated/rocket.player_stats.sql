-- Generated from the declaration of rocket/cons/player_stats by `gamestats ddl`: edit the declaration, not this file.
-- Retired columns, dropped with the values they hold: rank_percentile
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.player_stats (
    date date NOT NULL,
    time timestamptz,
    match_id text NOT NULL,
    player_id text NOT NULL,
    playlist text,
    rank_band text,
    rank_index integer,
    category text,
    stat_type text NOT NULL,
    value double precision,
    sample_size bigint,
    ci_low double precision,
    ci_high double precision,
    numerator double precision,
    denominator double precision,
    null_reason text,
    source text,
    value_bin double precision,
    PRIMARY KEY (date, match_id, player_id, stat_type)
) PARTITION BY LIST (date);
CREATE INDEX ON rocket.player_stats (player_id);
CREATE INDEX ON rocket.player_stats (match_id);
