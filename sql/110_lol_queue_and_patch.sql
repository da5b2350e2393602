-- League of Legends: every analytic table is computed within a queue and a patch (gamestats_assets/defs/lol/
-- transforms), so both join each table's grain; rates carry low_sample, build paths their win rate against games
-- of the same length, correlations the partial correlation on game length, the win model its gold-difference
-- baseline and bootstrap intervals. These tables are snapshots replaced whole on every publish, so they are
-- recreated with their new grain (the next publish fills them) instead of altered row by row.
-- Columns mirror the polars frames, in the same order.
DROP TABLE IF EXISTS lol.item_build_stats, lol.skill_order_stats, lol.objective_stats, lol.vision_stats,
    lol.correlations, lol.discovered_patterns, lol.win_model;

-- Champion × core path. Grain: (queue, patch, champion_id, depth, core_path).
CREATE TABLE lol.item_build_stats (
    queue text NOT NULL,
    patch text NOT NULL,
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
    same_length_win_rate double precision,
    pick_rate double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    win_rate_vs_same_length double precision,
    PRIMARY KEY (queue, patch, champion_id, depth, core_path)
);

-- Champion × skill max order. Grain: (queue, patch, champion_id, max_order).
CREATE TABLE lol.skill_order_stats (
    queue text NOT NULL,
    patch text NOT NULL,
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
    pick_rate double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (queue, patch, champion_id, max_order)
);

-- First objectives on Summoner's Rift. Grain: (queue, patch, objective).
CREATE TABLE lol.objective_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    objective text NOT NULL,
    games bigint,
    wins bigint,
    mean_teammates_near double precision,
    takes bigint,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (queue, patch, objective)
);

-- Position × vision quartile on Summoner's Rift. Grain: (queue, patch, team_position, vision_band).
CREATE TABLE lol.vision_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    team_position text NOT NULL,
    vision_band integer NOT NULL,
    games bigint,
    wins bigint,
    vision_min double precision,
    vision_max double precision,
    vision_score_per_min_mean double precision,
    vision_score_per_min_ci_low double precision,
    vision_score_per_min_ci_high double precision,
    deaths_per_10_mean double precision,
    deaths_per_10_ci_low double precision,
    deaths_per_10_ci_high double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (queue, patch, team_position, vision_band)
);

-- Pairs of player variables per position, none computed from the other. Grain: (queue, patch, team_position, variable_x, variable_y).
CREATE TABLE lol.correlations (
    queue text NOT NULL,
    patch text NOT NULL,
    team_position text NOT NULL,
    variable_x text NOT NULL,
    variable_y text NOT NULL,
    n bigint,
    pearson_r double precision,
    pearson_p double precision,
    spearman_r double precision,
    spearman_p double precision,
    partial_r double precision,
    partial_p double precision,
    low_sample boolean,
    pearson_q double precision,
    spearman_q double precision,
    partial_q double precision,
    PRIMARY KEY (queue, patch, team_position, variable_x, variable_y)
);

-- Effects that survive multiple testing. Grain: (queue, patch, pattern_type, subject, condition).
CREATE TABLE lol.discovered_patterns (
    queue text NOT NULL,
    patch text NOT NULL,
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
    PRIMARY KEY (queue, patch, pattern_type, subject, condition)
);

-- Win model at 10 and 15 minutes beside its gold-difference baseline. Grain: (queue, patch, minute, term).
CREATE TABLE lol.win_model (
    queue text NOT NULL,
    patch text NOT NULL,
    minute integer NOT NULL,
    term text NOT NULL,
    coefficient double precision,
    std_error double precision,
    p_value double precision,
    n_train bigint,
    n_test bigint,
    accuracy double precision,
    accuracy_ci_low double precision,
    accuracy_ci_high double precision,
    auc double precision,
    auc_ci_low double precision,
    auc_ci_high double precision,
    baseline_accuracy double precision,
    baseline_accuracy_ci_low double precision,
    baseline_accuracy_ci_high double precision,
    baseline_auc double precision,
    baseline_auc_ci_low double precision,
    baseline_auc_ci_high double precision,
    auc_gain double precision,
    auc_gain_ci_low double precision,
    auc_gain_ci_high double precision,
    PRIMARY KEY (queue, patch, minute, term)
);
