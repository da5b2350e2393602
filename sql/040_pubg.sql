-- PUBG tournament stats (schema pubg). Columns mirror the polars frames of gamestats_assets/defs/pubg, in order.
-- Per-match tables are published by match (DELETE WHERE match_id + COPY); tournament and career tables are
-- replaced whole; `matches` is insert-if-absent, so the first discovery path to find a match is the one recorded.
CREATE SCHEMA IF NOT EXISTS pubg;

-- One row per match, as its match object states it; discovered_by: landing, api or tournament (the first).
CREATE TABLE IF NOT EXISTS pubg.matches (
    match_id text PRIMARY KEY,
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
    discovered_by text
);
CREATE INDEX IF NOT EXISTS matches_created_at ON pubg.matches (created_at DESC);

-- One row per match and participant: match object stats and telemetry-derived columns (null without telemetry).
CREATE TABLE IF NOT EXISTS pubg.match_summaries (
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
    PRIMARY KEY (match_id, account_id)
);
CREATE INDEX IF NOT EXISTS match_summaries_account ON pubg.match_summaries (account_id);

-- Kills, knocks and damage to other teams per match, player and weapon category.
CREATE TABLE IF NOT EXISTS pubg.player_match_weapon_distribution (
    match_id text NOT NULL,
    account_id text NOT NULL,
    weapon_category text NOT NULL,
    kills bigint,
    knocks bigint,
    damage_dealt double precision,
    hits bigint,
    PRIMARY KEY (match_id, account_id, weapon_category)
);

-- Tracked players' distance to the zone at every LogGameStatePeriodic sample.
CREATE TABLE IF NOT EXISTS pubg.player_circle_positions (
    match_id text NOT NULL,
    account_id text NOT NULL,
    sample_s double precision NOT NULL,
    x_m double precision,
    y_m double precision,
    distance_from_center_m double precision,
    distance_from_edge_m double precision,
    outside_zone boolean,
    interval_s double precision,
    PRIMARY KEY (match_id, account_id, sample_s)
);

-- Each player's career over every match in the lake; killsteal rate with its 95 % Wilson interval.
CREATE TABLE IF NOT EXISTS pubg.player_advanced_career_stats (
    account_id text PRIMARY KEY,
    player_name text,
    matches bigint,
    matches_with_telemetry bigint,
    wins bigint,
    avg_placement double precision,
    kills bigint,
    kills_with_telemetry bigint,
    damage_dealt double precision,
    killsteals bigint,
    throwable_damage double precision,
    damage_received double precision,
    heals_used bigint,
    boosts_used bigint,
    killsteal_rate double precision,
    killsteal_rate_ci_low double precision,
    killsteal_rate_ci_high double precision
);

-- The rounds of every season (organisers' files).
CREATE TABLE IF NOT EXISTS pubg.tournament_rounds (
    season_id text NOT NULL,
    round_id text NOT NULL,
    name text,
    date date,
    PRIMARY KEY (season_id, round_id)
);

-- Every schedule slot with the match that confirmed it (status pending until one did).
CREATE TABLE IF NOT EXISTS pubg.tournament_scheduled_matches (
    slot_id text PRIMARY KEY,
    season_id text,
    round_id text,
    division_id text,
    group_id text,
    match_number bigint,
    scheduled_at timestamptz,
    map_name text,
    match_id text,
    started_at timestamptz,
    status text
);

-- The tournament context of every tournament-discovered match with tournament players (automatic rules,
-- then overrides), assigned when the match is processed.
CREATE TABLE IF NOT EXISTS pubg.tournament_matches (
    match_id text PRIMARY KEY,
    season_id text,
    division_id text,
    group_id text,
    round_id text,
    slot_id text,
    status text,
    is_tournament_match boolean,
    teams bigint,
    tournament_players bigint,
    overridden boolean,
    override_reason text
);

-- Organisers' corrections of a match's tournament context; a null column keeps the automatic value.
-- Applied on the match's next run.
CREATE TABLE IF NOT EXISTS pubg.tournament_match_overrides (
    match_id text PRIMARY KEY,
    division_id text,
    group_id text,
    round_id text,
    slot_id text,
    status text CHECK (status IN ('confirmed', 'unscheduled', 'remake_candidate', 'mixed_division')),
    is_tournament_match boolean,
    reason text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Each team's cumulative group standing after every round.
CREATE TABLE IF NOT EXISTS pubg.tournament_team_standings_history (
    season_id text NOT NULL,
    division_id text NOT NULL,
    group_id text NOT NULL,
    round_id text NOT NULL,
    team_name text NOT NULL,
    rank bigint,
    rank_change bigint,
    points bigint,
    matches bigint,
    kills bigint,
    wins bigint,
    avg_placement double precision,
    PRIMARY KEY (season_id, division_id, group_id, round_id, team_name)
);

-- Team leaderboards per scope (season, division, group, round); 'all' where a scope does not split.
CREATE TABLE IF NOT EXISTS pubg.team_leaderboards (
    scope text NOT NULL,
    season_id text NOT NULL,
    division_id text NOT NULL,
    group_id text NOT NULL,
    round_id text NOT NULL,
    team_name text NOT NULL,
    rank bigint,
    rank_change bigint,
    points bigint,
    matches bigint,
    kills bigint,
    wins bigint,
    avg_placement double precision,
    last_placements text,
    PRIMARY KEY (scope, season_id, division_id, group_id, round_id, team_name)
);

-- Player leaderboards per scope, with kills by weapon category ("AR:5,SR:2").
CREATE TABLE IF NOT EXISTS pubg.player_leaderboards (
    scope text NOT NULL,
    season_id text NOT NULL,
    division_id text NOT NULL,
    group_id text NOT NULL,
    round_id text NOT NULL,
    account_id text NOT NULL,
    player_name text NOT NULL,
    team_name text NOT NULL,
    rank bigint,
    rank_change bigint,
    points bigint,
    matches bigint,
    kills bigint,
    wins bigint,
    avg_placement double precision,
    last_placements text,
    weapon_kills text,
    PRIMARY KEY (scope, season_id, division_id, group_id, round_id, account_id, player_name, team_name)
);

-- The tracked-player roster (with data/reference/pubg/players.csv): detailed rows are kept for these players.
CREATE TABLE IF NOT EXISTS pubg.players (
    player_id text PRIMARY KEY,
    added_at timestamptz NOT NULL DEFAULT now()
);

-- Tracked players' damage events, one row per event, tracked player and role (dealt or taken).
CREATE TABLE IF NOT EXISTS pubg.player_damage_events (
    match_id text NOT NULL,
    event_index bigint NOT NULL,
    elapsed_s double precision,
    attacker_account_id text,
    victim_account_id text,
    damage_causer_name text,
    weapon_category text,
    damage_type_category text,
    damage_reason text,
    damage double precision,
    account_id text NOT NULL,
    role text NOT NULL,
    PRIMARY KEY (match_id, event_index, account_id, role)
);

-- Per match and tracked player: the detailed rows extracted for them (by a match's run or their backfill).
CREATE TABLE IF NOT EXISTS pubg.player_backfill_status (
    match_id text NOT NULL,
    player_id text NOT NULL,
    status text,
    damage_event_rows bigint,
    circle_position_rows bigint,
    updated_at timestamptz,
    PRIMARY KEY (match_id, player_id)
);
