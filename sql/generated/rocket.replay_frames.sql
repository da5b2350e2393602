-- Generated from the declaration of rocket/cons/replay_frames by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.replay_frames (
    date date NOT NULL,
    match_id text NOT NULL,
    sample integer NOT NULL,
    player_id text NOT NULL,
    team integer,
    time double precision,
    clock integer,
    score_team_0 integer,
    score_team_1 integer,
    x integer,
    y integer,
    z integer,
    boost integer,
    PRIMARY KEY (date, match_id, sample, player_id)
) PARTITION BY LIST (date);
CREATE INDEX ON rocket.replay_frames (match_id);
