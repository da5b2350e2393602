-- Generated from the declaration of pubg/cons/player_advanced_career_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_advanced_career_stats (
    account_id text NOT NULL,
    player_name text,
    matches bigint,
    matches_with_telemetry bigint,
    wins bigint,
    avg_placement double precision,
    kills bigint,
    kills_with_telemetry bigint,
    damage_dealt double precision,
    killsteals bigint,
    throwable_damage double precision,
    damage_received double precision,
    heals_used bigint,
    boosts_used bigint,
    killsteal_rate double precision,
    killsteal_rate_ci_low double precision,
    killsteal_rate_ci_high double precision,
    PRIMARY KEY (account_id)
);
