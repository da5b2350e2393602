-- Rocket League replay analytics (schema rocket). Columns mirror the polars frames of
-- gamestats_assets/defs/rocket/transforms. Daily tables are declaratively partitioned by `date` (the day the
-- games were played), one LIST partition per day in rocket_partitions, named and exchanged by the publisher
-- (see sql/070_partitioned_daily_tables.sql): publishing a day loads a new partition and swaps it in.
-- Snapshots are replaced whole.
CREATE SCHEMA IF NOT EXISTS rocket;
CREATE SCHEMA IF NOT EXISTS rocket_partitions;

-- Players seen on a day, with their latest name and rank. Grain: (date, player_id).
CREATE TABLE IF NOT EXISTS rocket.users (
    date date NOT NULL,
    player_id text NOT NULL,
    name text,
    platform text,
    is_bot boolean,
    rank_tier integer,
    rank_division integer,
    rank_index integer,
    rank_band text,
    main_playlist text,
    matches bigint,
    first_played_at timestamptz,
    last_played_at timestamptz,
    PRIMARY KEY (date, player_id)
) PARTITION BY LIST (date);

-- One row per game, from its most detailed source (replay > carball > ballchasing). Grain: (date, match_id).
CREATE TABLE IF NOT EXISTS rocket.matches (
    date date NOT NULL,
    match_id text NOT NULL,
    ballchasing_id text,
    source text NOT NULL,
    sources text NOT NULL,
    title text,
    playlist text,
    map_code text,
    played_at timestamptz,
    duration double precision,
    overtime boolean,
    team_size integer,
    score_team_0 integer,
    score_team_1 integer,
    goals integer,
    result text,
    PRIMARY KEY (date, match_id)
) PARTITION BY LIST (date);

-- Long-form stats per player and match, with rank percentiles. Grain: (date, match_id, player_id, stat_type).
CREATE TABLE IF NOT EXISTS rocket.player_stats (
    date date NOT NULL,
    time timestamptz,
    match_id text NOT NULL,
    player_id text NOT NULL,
    playlist text,
    rank_band text,
    rank_index integer,
    category text,
    stat_type text NOT NULL,
    value double precision,
    sample_size bigint,
    ci_low double precision,
    ci_high double precision,
    numerator double precision,
    denominator double precision,
    null_reason text,
    source text,
    rank_percentile double precision,
    PRIMARY KEY (date, match_id, player_id, stat_type)
) PARTITION BY LIST (date);

-- Training sessions of a day with success rate, its Wilson interval and improvement. Grain: (date, session_id).
CREATE TABLE IF NOT EXISTS rocket.training_sessions (
    date date NOT NULL,
    session_id text NOT NULL,
    player_id text NOT NULL,
    pack_code text NOT NULL,
    known_pack boolean,
    started_at timestamptz,
    duration_seconds bigint,
    attempts bigint,
    successes bigint,
    success_rate double precision,
    success_ci_low double precision,
    success_ci_high double precision,
    improvement double precision,
    PRIMARY KEY (date, session_id)
) PARTITION BY LIST (date);

-- The training-pack catalogue with skill categories (';'-joined). Snapshot. Grain: code.
CREATE TABLE IF NOT EXISTS rocket.training_packs (
    code text PRIMARY KEY,
    name text,
    creator text,
    difficulty text,
    difficulty_index integer,
    tags text,
    shots integer,
    categories text
);

-- Skill scores and detected weaknesses over each player's history. Snapshot. Grain: (player_id, skill).
CREATE TABLE IF NOT EXISTS rocket.player_weaknesses (
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
    PRIMARY KEY (player_id, skill)
);

-- Actual and predicted rank (divisions) per ranked player. Snapshot. Grain: player_id.
CREATE TABLE IF NOT EXISTS rocket.rank_predictions (
    player_id text PRIMARY KEY,
    rank_index double precision,
    predicted_rank_index double precision,
    held_out boolean
);

-- Training packs recommended per player for their weakest skills. Snapshot. Grain: (player_id, pack_code).
CREATE TABLE IF NOT EXISTS rocket.recommendations (
    player_id text NOT NULL,
    skill text,
    reason text,
    z double precision,
    pack_code text NOT NULL,
    pack_name text,
    difficulty text,
    distance integer,
    position bigint,
    PRIMARY KEY (player_id, pack_code)
);
