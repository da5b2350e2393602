-- Generated from the declaration of rocket/cons/users by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.users (
    date date NOT NULL,
    player_id text NOT NULL,
    name text,
    platform text,
    is_bot boolean,
    rank_tier integer,
    rank_division integer,
    rank_index integer,
    rank_band text,
    main_playlist text,
    matches bigint,
    first_played_at timestamptz,
    last_played_at timestamptz,
    PRIMARY KEY (date, player_id)
) PARTITION BY LIST (date);
CREATE INDEX ON rocket.users (player_id);
