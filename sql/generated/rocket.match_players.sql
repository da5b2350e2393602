-- Generated from the declaration of rocket/std/match_players by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.match_players (
    date date NOT NULL,
    match_id text NOT NULL,
    player_id text NOT NULL,
    name text,
    platform text,
    team integer,
    is_bot boolean,
    rank_tier integer,
    rank_division integer,
    score integer,
    goals integer,
    assists integer,
    saves integer,
    shots integer,
    source text,
    rank_index integer,
    rank_band text,
    PRIMARY KEY (date, match_id, player_id)
) PARTITION BY LIST (date);
CREATE INDEX ON rocket.match_players (match_id);
