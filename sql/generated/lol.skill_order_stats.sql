-- Generated from the declaration of lol/cons/skill_order_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.skill_order_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    champion_id bigint NOT NULL,
    champion_name text,
    max_order text NOT NULL,
    games bigint,
    wins bigint,
    dpm_mean double precision,
    dpm_ci_low double precision,
    dpm_ci_high double precision,
    kda_mean double precision,
    kda_ci_low double precision,
    kda_ci_high double precision,
    champion_games bigint,
    pick_rate double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    tier text NOT NULL DEFAULT 'all',
    PRIMARY KEY (queue, patch, tier, champion_id, max_order)
);
