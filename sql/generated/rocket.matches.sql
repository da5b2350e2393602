-- Generated from the declaration of rocket/cons/matches by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.matches (
    date date NOT NULL,
    match_id text NOT NULL,
    ballchasing_id text,
    source text NOT NULL,
    sources text NOT NULL,
    title text,
    playlist text,
    map_code text,
    played_at timestamptz,
    duration double precision,
    overtime boolean,
    team_size integer,
    score_team_0 integer,
    score_team_1 integer,
    goals integer,
    result text,
    frames_null_reason text,
    PRIMARY KEY (date, match_id)
) PARTITION BY LIST (date);
CREATE INDEX ON rocket.matches (match_id);
