-- Generated from the declaration of pubg/cons/kill_positions by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.kill_positions (
    match_id text NOT NULL,
    event_index bigint NOT NULL,
    elapsed_s double precision,
    victim_account_id text,
    victim_team_id bigint,
    killer_account_id text,
    killer_team_id bigint,
    victim_x_m double precision,
    victim_y_m double precision,
    killer_x_m double precision,
    killer_y_m double precision,
    distance_m double precision,
    PRIMARY KEY (match_id, event_index)
);
