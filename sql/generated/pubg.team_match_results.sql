-- Generated from the declaration of pubg/cons/team_match_results by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.team_match_results (
    match_id text NOT NULL,
    created_at timestamptz,
    season_id text,
    division_id text,
    group_id text,
    round_id text,
    slot_id text,
    team_name text NOT NULL,
    team_id bigint,
    placement bigint,
    kills bigint,
    knocks bigint,
    placement_points bigint,
    kill_points bigint,
    points bigint,
    PRIMARY KEY (match_id, team_name)
);
