-- Generated from the declaration of pubg/cons/player_match_weapon_distribution by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_match_weapon_distribution (
    match_id text NOT NULL,
    account_id text NOT NULL,
    weapon_category text NOT NULL,
    kills bigint,
    knocks bigint,
    damage_dealt double precision,
    hits bigint,
    PRIMARY KEY (match_id, account_id, weapon_category)
);
