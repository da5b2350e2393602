-- Generated from the declaration of pubg/cons/landings by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.landings (
    match_id text NOT NULL,
    account_id text NOT NULL,
    player_name text,
    team_id bigint,
    landed_at_s double precision,
    x_m double precision,
    y_m double precision,
    PRIMARY KEY (match_id, account_id)
);
