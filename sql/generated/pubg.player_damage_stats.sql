-- Generated from the declaration of pubg/cons/player_damage_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_damage_stats (
    account_id text NOT NULL,
    match_type text NOT NULL,
    direction text NOT NULL,
    damage_type_category text NOT NULL,
    damage_reason text NOT NULL,
    matches bigint,
    damage double precision,
    damage_events bigint,
    damage_per_event double precision,
    CHECK (match_type IN ('all', 'ranked', 'normal')),
    PRIMARY KEY (account_id, match_type, direction, damage_type_category, damage_reason)
);
