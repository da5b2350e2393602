-- Generated from the declaration of pubg/cons/match_summaries by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.match_summaries (
    match_id text NOT NULL,
    account_id text NOT NULL,
    player_name text,
    team_id bigint,
    roster_id text,
    placement bigint,
    kills bigint,
    damage_dealt double precision,
    killsteals bigint,
    heals_used bigint,
    boosts_used bigint,
    throwables_used bigint,
    smokes_thrown bigint,
    throwable_damage double precision,
    damage_received double precision,
    avg_distance_from_center_m double precision,
    max_distance_from_center_m double precision,
    min_distance_from_center_m double precision,
    avg_distance_from_edge_m double precision,
    max_distance_from_edge_m double precision,
    min_distance_from_edge_m double precision,
    time_outside_zone_s double precision,
    has_telemetry boolean,
    telemetry text,
    PRIMARY KEY (match_id, account_id)
);
CREATE INDEX ON pubg.match_summaries (account_id);
