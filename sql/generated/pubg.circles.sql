-- Generated from the declaration of pubg/cons/circles by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.circles (
    match_id text NOT NULL,
    phase bigint NOT NULL,
    appeared_s double precision,
    x_m double precision,
    y_m double precision,
    radius_m double precision,
    blue_radius_m double precision,
    PRIMARY KEY (match_id, phase)
);
