-- Generated from the declaration of lol/cons/skill_path_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.skill_path_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    champion_id bigint NOT NULL,
    skill_path text NOT NULL,
    champion_name text,
    games bigint,
    wins bigint,
    champion_games bigint,
    pick_rate double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    tier text NOT NULL DEFAULT 'all',
    CHECK (games > 0 AND wins BETWEEN 0 AND games),
    CHECK (win_rate BETWEEN 0 AND 1 AND win_rate_ci_low <= win_rate + 1e-9 AND win_rate <= win_rate_ci_high + 1e-9),
    CHECK (champion_games >= games),
    CHECK (pick_rate > 0 AND pick_rate <= 1),
    PRIMARY KEY (queue, patch, tier, champion_id, skill_path)
);
