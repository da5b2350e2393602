-- Generated from the declaration of pubg/cons/tournament_match_outcomes by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.tournament_match_outcomes (
    match_id text NOT NULL,
    season_id text,
    division_id text,
    group_id text,
    round_id text,
    slot_id text,
    started_at timestamptz,
    status text,
    scored boolean,
    attempt bigint,
    is_remake boolean,
    original_match_id text,
    reason text,
    PRIMARY KEY (match_id)
);
