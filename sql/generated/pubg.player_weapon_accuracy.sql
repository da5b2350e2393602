-- Generated from the declaration of pubg/cons/player_weapon_accuracy by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_weapon_accuracy (
    match_id text NOT NULL,
    account_id text NOT NULL,
    weapon_id text NOT NULL,
    weapon_name text,
    weapon_category text,
    shots bigint,
    hits bigint,
    headshots bigint,
    accuracy double precision,
    headshot_rate double precision,
    damage_dealt double precision,
    PRIMARY KEY (match_id, account_id, weapon_id)
);
CREATE INDEX ON pubg.player_weapon_accuracy (account_id);
