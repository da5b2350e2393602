-- Generated from the declaration of pubg/etl/matches by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.matches (
    match_id text NOT NULL,
    created_at timestamptz,
    map_name text,
    game_mode text,
    match_type text,
    is_custom_match boolean,
    season_state text,
    shard_id text,
    title_id text,
    duration_s bigint,
    telemetry_url text,
    participants bigint,
    rosters bigint,
    discovered_by text,
    ai_participants bigint,
    discovery_priority bigint,
    PRIMARY KEY (match_id)
);
CREATE INDEX ON pubg.matches (created_at DESC);
