-- Generated from the declaration of pubg/cons/player_circle_positions by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_circle_positions (
    match_id text NOT NULL,
    account_id text NOT NULL,
    sample_s double precision NOT NULL,
    x_m double precision,
    y_m double precision,
    distance_from_center_m double precision,
    distance_from_edge_m double precision,
    outside_zone boolean,
    interval_s double precision,
    safe_zone_x_m double precision,
    safe_zone_y_m double precision,
    safe_zone_radius_m double precision,
    inside_safe_zone boolean,
    blue_zone_x_m double precision,
    blue_zone_y_m double precision,
    blue_zone_radius_m double precision,
    inside_blue_zone boolean,
    PRIMARY KEY (match_id, account_id, sample_s)
);
