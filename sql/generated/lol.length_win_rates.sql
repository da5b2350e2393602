-- Generated from the declaration of lol/cons/length_win_rates by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.length_win_rates (
    queue text NOT NULL,
    patch text NOT NULL,
    champion_id bigint NOT NULL,
    depth integer NOT NULL,
    core_path text NOT NULL,
    champion_name text,
    length_from_min integer NOT NULL,
    length_to_min integer,
    games bigint,
    wins bigint,
    share_of_games double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    tier text NOT NULL DEFAULT 'all',
    PRIMARY KEY (queue, patch, tier, champion_id, depth, core_path, length_from_min)
);
