-- Generated from the declaration of rocket/cons/player_weaknesses by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.player_weaknesses (
    player_id text NOT NULL,
    rank_band text,
    rank_index integer,
    playlist text,
    skill text NOT NULL,
    indicators text,
    matches bigint,
    peers bigint,
    z double precision,
    rank_percentile double precision,
    p_value double precision,
    p_adjusted double precision,
    is_weak boolean,
    null_reason text,
    weakness_probability double precision,
    probability_reason text,
    lasting_spread double precision,
    game_spread double precision,
    standard_error double precision,
    PRIMARY KEY (player_id, skill)
);
