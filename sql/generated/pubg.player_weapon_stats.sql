-- Generated from the declaration of pubg/cons/player_weapon_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_weapon_stats (
    account_id text NOT NULL,
    match_type text NOT NULL,
    weapon text NOT NULL,
    weapon_name text,
    weapon_category text,
    matches bigint,
    kills bigint,
    headshot_kills bigint,
    headshot_kill_rate double precision,
    avg_kill_distance_m double precision,
    knocks bigint,
    damage_dealt double precision,
    shots bigint,
    hits bigint,
    headshots bigint,
    accuracy double precision,
    headshot_rate double precision,
    CHECK (match_type IN ('all', 'ranked', 'normal')),
    PRIMARY KEY (account_id, match_type, weapon)
);
