-- Generated from the declaration of pubg/cons/tournament_rounds by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.tournament_rounds (
    season_id text NOT NULL,
    round_id text NOT NULL,
    name text,
    date date,
    starts_at timestamptz,
    ends_at timestamptz,
    time_zone text,
    season_name text,
    PRIMARY KEY (season_id, round_id)
);
