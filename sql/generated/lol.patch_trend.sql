-- Generated from the declaration of lol/cons/patch_trend by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.patch_trend (
    queue text NOT NULL,
    champion_id bigint NOT NULL,
    patch text NOT NULL,
    champion_name text,
    games bigint,
    wins bigint,
    picked_games bigint,
    queue_games bigint,
    pick_rate double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    pick_rate_ci_low double precision,
    pick_rate_ci_high double precision,
    previous_patch text,
    win_rate_change double precision,
    pick_rate_change double precision,
    tier text NOT NULL DEFAULT 'all',
    PRIMARY KEY (queue, champion_id, tier, patch)
);
