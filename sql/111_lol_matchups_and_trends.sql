-- League of Legends: lane matchups, win rate by game length and the patch trend (gamestats_assets/defs/lol/
-- transforms/lanes.py, trends.py). Snapshots replaced whole on every publish; columns mirror the polars frames,
-- in the same order.

-- Champion against the opposing champion of its position, with gold, XP and CS differences at 10 and 15
-- minutes. Grain: (queue, patch, team_position, champion_id, opponent_champion_id).
CREATE TABLE lol.lane_matchups (
    queue text NOT NULL,
    patch text NOT NULL,
    team_position text NOT NULL,
    champion_id bigint NOT NULL,
    opponent_champion_id bigint NOT NULL,
    champion_name text,
    opponent_champion_name text,
    games bigint,
    wins bigint,
    n_at_10 bigint,
    n_at_15 bigint,
    gold_diff_10_mean double precision,
    gold_diff_10_ci_low double precision,
    gold_diff_10_ci_high double precision,
    xp_diff_10_mean double precision,
    xp_diff_10_ci_low double precision,
    xp_diff_10_ci_high double precision,
    cs_diff_10_mean double precision,
    cs_diff_10_ci_low double precision,
    cs_diff_10_ci_high double precision,
    gold_diff_15_mean double precision,
    gold_diff_15_ci_low double precision,
    gold_diff_15_ci_high double precision,
    xp_diff_15_mean double precision,
    xp_diff_15_ci_low double precision,
    xp_diff_15_ci_high double precision,
    cs_diff_15_mean double precision,
    cs_diff_15_ci_low double precision,
    cs_diff_15_ci_high double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (queue, patch, team_position, champion_id, opponent_champion_id)
);

-- Win rate by 5-minute game-length bucket per champion (depth 0, empty core_path) and per build path.
-- Grain: (queue, patch, champion_id, depth, core_path, length_from_min).
CREATE TABLE lol.length_win_rates (
    queue text NOT NULL,
    patch text NOT NULL,
    champion_id bigint NOT NULL,
    depth integer NOT NULL,
    core_path text NOT NULL,
    champion_name text,
    length_from_min integer NOT NULL,
    length_to_min integer,
    games bigint,
    wins bigint,
    share_of_games double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (queue, patch, champion_id, depth, core_path, length_from_min)
);

-- A champion's win and pick rate per patch within a queue, with the change from its previous patch.
-- Grain: (queue, champion_id, patch).
CREATE TABLE lol.patch_trend (
    queue text NOT NULL,
    champion_id bigint NOT NULL,
    patch text NOT NULL,
    champion_name text,
    games bigint,
    wins bigint,
    picked_games bigint,
    queue_games bigint,
    pick_rate double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    pick_rate_ci_low double precision,
    pick_rate_ci_high double precision,
    previous_patch text,
    win_rate_change double precision,
    pick_rate_change double precision,
    PRIMARY KEY (queue, champion_id, patch)
);
