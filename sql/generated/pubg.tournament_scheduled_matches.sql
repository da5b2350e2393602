-- Generated from the declaration of pubg/cons/tournament_scheduled_matches by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.tournament_scheduled_matches (
    slot_id text NOT NULL,
    season_id text,
    round_id text,
    division_id text,
    group_id text,
    match_number bigint,
    scheduled_at timestamptz,
    map_name text,
    match_id text,
    started_at timestamptz,
    status text,
    attempts bigint,
    is_remake boolean,
    original_match_id text,
    division_order bigint,
    PRIMARY KEY (slot_id)
);
