-- League of Legends: published CONS tables (schema lol), statistics over every game so far.
-- Columns mirror the polars frames of gamestats_assets/defs/lol/transforms, in the same order. Every table is a
-- snapshot, replaced whole on publish. Rates carry their n and a 95 % Wilson interval; means a 95 % interval.
CREATE SCHEMA IF NOT EXISTS lol;

-- Champion × core path (first 1, 2 or 3 core items in completion order). Grain: (champion_id, depth, core_path).
CREATE TABLE IF NOT EXISTS lol.item_build_stats (
    champion_id bigint NOT NULL,
    champion_name text,
    depth integer NOT NULL,
    core_path text NOT NULL,
    games bigint,
    wins bigint,
    kda_mean double precision,
    kda_ci_low double precision,
    kda_ci_high double precision,
    dpm_mean double precision,
    dpm_ci_low double precision,
    dpm_ci_high double precision,
    champion_games bigint,
    win_rate double precision,
    pick_rate double precision,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (champion_id, depth, core_path)
);

-- Champion × skill max order. Grain: (champion_id, max_order).
CREATE TABLE IF NOT EXISTS lol.skill_order_stats (
    champion_id bigint NOT NULL,
    champion_name text,
    max_order text NOT NULL,
    games bigint,
    wins bigint,
    dpm_mean double precision,
    dpm_ci_low double precision,
    dpm_ci_high double precision,
    kda_mean double precision,
    kda_ci_low double precision,
    kda_ci_high double precision,
    champion_games bigint,
    win_rate double precision,
    pick_rate double precision,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (champion_id, max_order)
);

-- Win rate of the team that takes an objective first, and teammates present at its takes. Grain: objective.
CREATE TABLE IF NOT EXISTS lol.objective_stats (
    objective text PRIMARY KEY,
    games bigint,
    wins bigint,
    mean_teammates_near double precision,
    takes bigint,
    win_rate double precision,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision
);

-- Position × vision-per-minute quartile: deaths per 10 minutes and win rate. Grain: (team_position, vision_band).
CREATE TABLE IF NOT EXISTS lol.vision_stats (
    team_position text NOT NULL,
    vision_band integer NOT NULL,
    games bigint,
    wins bigint,
    vision_min double precision,
    vision_max double precision,
    deaths_per_10_mean double precision,
    deaths_per_10_ci_low double precision,
    deaths_per_10_ci_high double precision,
    win_rate double precision,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (team_position, vision_band)
);

-- Pearson and Spearman correlation of every pair of player variables per position, with Benjamini–Hochberg q.
-- Grain: (team_position, variable_x, variable_y).
CREATE TABLE IF NOT EXISTS lol.correlations (
    team_position text NOT NULL,
    variable_x text NOT NULL,
    variable_y text NOT NULL,
    n bigint,
    pearson_r double precision,
    pearson_p double precision,
    spearman_r double precision,
    spearman_p double precision,
    pearson_q double precision,
    spearman_q double precision,
    PRIMARY KEY (team_position, variable_x, variable_y)
);

-- Effects that survive Benjamini–Hochberg (q < 0.05) with at least min_games on each side.
-- Grain: (pattern_type, subject, condition).
CREATE TABLE IF NOT EXISTS lol.discovered_patterns (
    pattern_type text NOT NULL,
    subject text NOT NULL,
    condition text NOT NULL,
    metric text,
    effect double precision,
    value_with double precision,
    baseline double precision,
    n bigint,
    n_baseline bigint,
    p_value double precision,
    q_value double precision,
    min_games bigint,
    PRIMARY KEY (pattern_type, subject, condition)
);

-- Logistic regression of a blue win on the game state at 10 and 15 minutes, with held-out accuracy and AUC.
-- Grain: (minute, term).
CREATE TABLE IF NOT EXISTS lol.win_model (
    minute integer NOT NULL,
    term text NOT NULL,
    coefficient double precision,
    std_error double precision,
    p_value double precision,
    n_train bigint,
    n_test bigint,
    accuracy double precision,
    auc double precision,
    PRIMARY KEY (minute, term)
);
