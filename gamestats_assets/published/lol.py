"""The columns of lol's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it)."""

from gamestats_assets.lib.core.columns import BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, TEXT, TIMESTAMPTZ, Columns

TIER = TEXT.defaulting("'all'")("the slice of games by ranked tier (`league.SLICES`); rows from before the "
                                "slices were computed over every game, the slice `all`")

COLUMNS: dict[str, Columns] = {
    "participant_query_facts": {
        "date": DATE, "match_id": TEXT, "participant_id": BIGINT, "puuid": TEXT, "team_id": BIGINT,
        "team_position": TEXT, "champion_id": BIGINT, "champion_name": TEXT, "win": BOOLEAN, "kills": BIGINT,
        "deaths": BIGINT, "assists": BIGINT, "kda": DOUBLE, "dpm": DOUBLE, "gold_per_min": DOUBLE,
        "cs_per_min": DOUBLE, "vision_per_min": DOUBLE, "vision_score_per_min": DOUBLE, "deaths_per_10": DOUBLE,
        "max_order": TEXT, "core_1": TEXT, "core_2": TEXT, "core_3": TEXT, "core_1_id": BIGINT, "core_2_id": BIGINT,
        "core_3_id": BIGINT, "minutes": DOUBLE, "game_start": TIMESTAMPTZ, "queue": TEXT, "patch": TEXT,
        "summoners_rift": BOOLEAN, "counted": BOOLEAN, "completed_item_ids": TEXT, "opponent_champion_id": BIGINT,
        "gold_diff_10": BIGINT, "xp_diff_10": BIGINT, "cs_diff_10": BIGINT, "gold_diff_15": BIGINT,
        "xp_diff_15": BIGINT, "cs_diff_15": BIGINT, "first_dragon": BOOLEAN, "first_herald": BOOLEAN,
        "first_baron": BOOLEAN, "first_tower": BOOLEAN},
    "item_build_stats": {
        "queue": TEXT, "patch": TEXT, "champion_id": BIGINT, "champion_name": TEXT, "depth": INTEGER,
        "core_path": TEXT, "games": BIGINT, "wins": BIGINT, "kda_mean": DOUBLE, "kda_ci_low": DOUBLE,
        "kda_ci_high": DOUBLE, "dpm_mean": DOUBLE, "dpm_ci_low": DOUBLE, "dpm_ci_high": DOUBLE,
        "champion_games": BIGINT, "same_length_win_rate": DOUBLE, "pick_rate": DOUBLE, "win_rate": DOUBLE,
        "low_sample": BOOLEAN, "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE,
        "win_rate_vs_same_length": DOUBLE, "tier": TIER},
    "skill_order_stats": {
        "queue": TEXT, "patch": TEXT, "champion_id": BIGINT, "champion_name": TEXT, "max_order": TEXT,
        "games": BIGINT, "wins": BIGINT, "dpm_mean": DOUBLE, "dpm_ci_low": DOUBLE, "dpm_ci_high": DOUBLE,
        "kda_mean": DOUBLE, "kda_ci_low": DOUBLE, "kda_ci_high": DOUBLE, "champion_games": BIGINT,
        "pick_rate": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN, "win_rate_ci_low": DOUBLE,
        "win_rate_ci_high": DOUBLE, "tier": TIER},
    "objective_stats": {
        "queue": TEXT, "patch": TEXT, "objective": TEXT, "games": BIGINT, "wins": BIGINT,
        "mean_teammates_near": DOUBLE, "takes": BIGINT, "win_rate": DOUBLE, "low_sample": BOOLEAN,
        "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE},
    "vision_stats": {
        "queue": TEXT, "patch": TEXT, "team_position": TEXT, "vision_band": INTEGER, "games": BIGINT, "wins": BIGINT,
        "vision_min": DOUBLE, "vision_max": DOUBLE, "vision_score_per_min_mean": DOUBLE,
        "vision_score_per_min_ci_low": DOUBLE, "vision_score_per_min_ci_high": DOUBLE, "deaths_per_10_mean": DOUBLE,
        "deaths_per_10_ci_low": DOUBLE, "deaths_per_10_ci_high": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN,
        "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE},
    "correlations": {
        "queue": TEXT, "patch": TEXT, "team_position": TEXT, "variable_x": TEXT, "variable_y": TEXT, "n": BIGINT,
        "pearson_r": DOUBLE, "pearson_p": DOUBLE, "spearman_r": DOUBLE, "spearman_p": DOUBLE, "partial_r": DOUBLE,
        "partial_p": DOUBLE, "low_sample": BOOLEAN, "pearson_q": DOUBLE, "spearman_q": DOUBLE, "partial_q": DOUBLE},
    "discovered_patterns": {
        "queue": TEXT, "patch": TEXT, "pattern_type": TEXT, "subject": TEXT, "condition": TEXT, "metric": TEXT,
        "effect": DOUBLE, "value_with": DOUBLE, "baseline": DOUBLE, "n": BIGINT, "n_baseline": BIGINT,
        "p_value": DOUBLE, "q_value": DOUBLE, "min_games": BIGINT},
    "win_model": {
        "queue": TEXT, "patch": TEXT, "minute": INTEGER, "term": TEXT, "coefficient": DOUBLE, "std_error": DOUBLE,
        "p_value": DOUBLE, "n_train": BIGINT, "n_test": BIGINT, "accuracy": DOUBLE, "accuracy_ci_low": DOUBLE,
        "accuracy_ci_high": DOUBLE, "auc": DOUBLE, "auc_ci_low": DOUBLE, "auc_ci_high": DOUBLE,
        "baseline_accuracy": DOUBLE, "baseline_accuracy_ci_low": DOUBLE, "baseline_accuracy_ci_high": DOUBLE,
        "baseline_auc": DOUBLE, "baseline_auc_ci_low": DOUBLE, "baseline_auc_ci_high": DOUBLE, "auc_gain": DOUBLE,
        "auc_gain_ci_low": DOUBLE, "auc_gain_ci_high": DOUBLE},
    "lane_matchups": {
        "queue": TEXT, "patch": TEXT, "team_position": TEXT, "champion_id": BIGINT, "opponent_champion_id": BIGINT,
        "champion_name": TEXT, "opponent_champion_name": TEXT, "games": BIGINT, "wins": BIGINT, "n_at_10": BIGINT,
        "n_at_15": BIGINT, "gold_diff_10_mean": DOUBLE, "gold_diff_10_ci_low": DOUBLE, "gold_diff_10_ci_high": DOUBLE,
        "xp_diff_10_mean": DOUBLE, "xp_diff_10_ci_low": DOUBLE, "xp_diff_10_ci_high": DOUBLE,
        "cs_diff_10_mean": DOUBLE, "cs_diff_10_ci_low": DOUBLE, "cs_diff_10_ci_high": DOUBLE,
        "gold_diff_15_mean": DOUBLE, "gold_diff_15_ci_low": DOUBLE, "gold_diff_15_ci_high": DOUBLE,
        "xp_diff_15_mean": DOUBLE, "xp_diff_15_ci_low": DOUBLE, "xp_diff_15_ci_high": DOUBLE,
        "cs_diff_15_mean": DOUBLE, "cs_diff_15_ci_low": DOUBLE, "cs_diff_15_ci_high": DOUBLE, "win_rate": DOUBLE,
        "low_sample": BOOLEAN, "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE, "tier": TIER},
    "length_win_rates": {
        "queue": TEXT, "patch": TEXT, "champion_id": BIGINT, "depth": INTEGER, "core_path": TEXT,
        "champion_name": TEXT, "length_from_min": INTEGER, "length_to_min": INTEGER, "games": BIGINT, "wins": BIGINT,
        "share_of_games": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN, "win_rate_ci_low": DOUBLE,
        "win_rate_ci_high": DOUBLE, "tier": TIER},
    "patch_trend": {
        "queue": TEXT, "champion_id": BIGINT, "patch": TEXT, "champion_name": TEXT, "games": BIGINT, "wins": BIGINT,
        "picked_games": BIGINT, "queue_games": BIGINT, "pick_rate": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN,
        "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE, "pick_rate_ci_low": DOUBLE,
        "pick_rate_ci_high": DOUBLE, "previous_patch": TEXT, "win_rate_change": DOUBLE, "pick_rate_change": DOUBLE,
        "tier": TIER},
    "keystone_stats": {
        "queue": TEXT, "patch": TEXT, "champion_id": BIGINT, "keystone_id": BIGINT, "champion_name": TEXT,
        "keystone_name": TEXT, "primary_style_name": TEXT, "runes_named_on": TEXT, "games": BIGINT, "wins": BIGINT,
        "champion_games": BIGINT, "pick_rate": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN,
        "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE, "tier": TIER},
    "rune_page_stats": {
        "queue": TEXT, "patch": TEXT, "champion_id": BIGINT, "rune_page": TEXT, "champion_name": TEXT,
        "keystone_id": BIGINT, "keystone_name": TEXT, "rune_names": TEXT, "primary_style_name": TEXT,
        "sub_style_name": TEXT, "runes_named_on": TEXT, "games": BIGINT, "wins": BIGINT, "champion_games": BIGINT,
        "pick_rate": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN, "win_rate_ci_low": DOUBLE,
        "win_rate_ci_high": DOUBLE, "tier": TIER},
    "spell_pair_stats": {
        "queue": TEXT, "patch": TEXT, "champion_id": BIGINT, "spell_pair": TEXT, "champion_name": TEXT,
        "spell_1_id": BIGINT, "spell_2_id": BIGINT, "spell_names": TEXT, "spells_named_on": TEXT, "games": BIGINT,
        "wins": BIGINT, "champion_games": BIGINT, "pick_rate": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN,
        "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE, "tier": TIER},
    "starting_item_stats": {
        "queue": TEXT, "patch": TEXT, "champion_id": BIGINT, "starting_items": TEXT, "champion_name": TEXT,
        "starting_item_names": TEXT, "items_named_on": TEXT, "games": BIGINT, "wins": BIGINT,
        "champion_games": BIGINT, "pick_rate": DOUBLE, "win_rate": DOUBLE, "low_sample": BOOLEAN,
        "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE, "tier": TIER},
    "champion_stats": {
        "queue": TEXT, "patch": TEXT, "team_position": TEXT("the role; empty where the queue has none"),
        "champion_id": BIGINT, "champion_name": TEXT, "games": BIGINT("the champion's counted games in the role"),
        "wins": BIGINT, "picked_games": BIGINT("the counted games it was played in, in the role"),
        "kda_mean": DOUBLE, "kda_ci_low": DOUBLE, "kda_ci_high": DOUBLE,
        "queue_games": BIGINT("the queue and patch's counted games"),
        "pick_rate": DOUBLE("picked_games / queue_games"), "win_rate": DOUBLE, "low_sample": BOOLEAN,
        "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE, "pick_rate_ci_low": DOUBLE,
        "pick_rate_ci_high": DOUBLE, "tier": TIER},
    "bot_duo_stats": {
        "queue": TEXT, "patch": TEXT, "adc_champion_id": BIGINT, "support_champion_id": BIGINT,
        "adc_champion_name": TEXT, "support_champion_name": TEXT, "games": BIGINT, "wins": BIGINT,
        "adc_other_games": BIGINT, "adc_win_rate": DOUBLE, "support_other_games": BIGINT, "support_win_rate": DOUBLE,
        "win_rate": DOUBLE, "low_sample": BOOLEAN, "win_rate_ci_low": DOUBLE, "win_rate_ci_high": DOUBLE,
        "expected_win_rate": DOUBLE, "win_rate_vs_expected": DOUBLE, "p_value": DOUBLE, "q_value": DOUBLE,
        "significant": BOOLEAN},
}
