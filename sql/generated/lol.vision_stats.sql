-- Generated from the declaration of lol/cons/vision_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.vision_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    team_position text NOT NULL,
    vision_band integer NOT NULL,
    games bigint,
    wins bigint,
    vision_min double precision,
    vision_max double precision,
    vision_score_per_min_mean double precision,
    vision_score_per_min_ci_low double precision,
    vision_score_per_min_ci_high double precision,
    deaths_per_10_mean double precision,
    deaths_per_10_ci_low double precision,
    deaths_per_10_ci_high double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (queue, patch, team_position, vision_band)
);
