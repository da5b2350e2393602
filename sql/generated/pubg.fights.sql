-- Generated from the declaration of pubg/cons/fights by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.fights (
    match_id text NOT NULL,
    fight_id bigint NOT NULL,
    team_a bigint,
    team_b bigint,
    started_s double precision,
    duration_s double precision,
    damage_events bigint,
    damage_by_a double precision,
    damage_by_b double precision,
    knocks_by_a bigint,
    knocks_by_b bigint,
    kills_by_a bigint,
    kills_by_b bigint,
    winner_team_id bigint,
    center_x_m double precision,
    center_y_m double precision,
    PRIMARY KEY (match_id, fight_id)
);
