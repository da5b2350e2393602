-- Generated from the declaration of rocket/cons/recommendations by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.recommendations (
    player_id text NOT NULL,
    skill text,
    reason text,
    z double precision,
    pack_code text NOT NULL,
    pack_name text,
    difficulty text,
    distance integer,
    position bigint,
    rank_band text,
    rank_from text,
    matches bigint,
    rank_percentile double precision,
    percentile_ci_low double precision,
    percentile_ci_high double precision,
    PRIMARY KEY (player_id, pack_code)
);
