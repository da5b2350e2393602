"""The columns of rocket's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it)."""

from gamestats_assets.lib.core.columns import BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, TEXT, TIMESTAMPTZ, Columns

COLUMNS: dict[str, Columns] = {
    "matches": {
        "date": DATE, "match_id": TEXT, "ballchasing_id": TEXT, "source": TEXT.required, "sources": TEXT.required,
        "title": TEXT, "playlist": TEXT, "map_code": TEXT, "played_at": TIMESTAMPTZ, "duration": DOUBLE,
        "overtime": BOOLEAN, "team_size": INTEGER, "score_team_0": INTEGER, "score_team_1": INTEGER, "goals": INTEGER,
        "result": TEXT, "frames_null_reason": TEXT},
    "match_players": {
        "date": DATE, "match_id": TEXT, "player_id": TEXT, "name": TEXT, "platform": TEXT, "team": INTEGER,
        "is_bot": BOOLEAN, "rank_tier": INTEGER, "rank_division": INTEGER, "score": INTEGER, "goals": INTEGER,
        "assists": INTEGER, "saves": INTEGER, "shots": INTEGER, "source": TEXT, "rank_index": INTEGER,
        "rank_band": TEXT},
    "users": {
        "date": DATE, "player_id": TEXT, "name": TEXT, "platform": TEXT, "is_bot": BOOLEAN, "rank_tier": INTEGER,
        "rank_division": INTEGER, "rank_index": INTEGER, "rank_band": TEXT, "main_playlist": TEXT, "matches": BIGINT,
        "first_played_at": TIMESTAMPTZ, "last_played_at": TIMESTAMPTZ},
    "player_stats": {
        "date": DATE, "time": TIMESTAMPTZ, "match_id": TEXT, "player_id": TEXT, "playlist": TEXT, "rank_band": TEXT,
        "rank_index": INTEGER, "category": TEXT, "stat_type": TEXT, "value": DOUBLE, "sample_size": BIGINT,
        "ci_low": DOUBLE, "ci_high": DOUBLE, "numerator": DOUBLE, "denominator": DOUBLE, "null_reason": TEXT,
        "source": TEXT, "value_bin": DOUBLE},
    "position_heatmaps": {
        "date": DATE, "match_id": TEXT, "player_id": TEXT, "cell_x": BIGINT, "cell_y": BIGINT, "seconds": DOUBLE},
    "training_packs": {
        "code": TEXT, "name": TEXT, "creator": TEXT, "difficulty": TEXT, "difficulty_index": INTEGER, "tags": TEXT,
        "shots": INTEGER, "categories": TEXT},
    "training_sessions": {
        "date": DATE, "session_id": TEXT, "player_id": TEXT.required, "pack_code": TEXT.required,
        "known_pack": BOOLEAN, "started_at": TIMESTAMPTZ, "duration_seconds": BIGINT, "attempts": BIGINT,
        "successes": BIGINT, "success_rate": DOUBLE, "success_ci_low": DOUBLE, "success_ci_high": DOUBLE,
        "improvement": DOUBLE},
    "player_weaknesses": {
        "player_id": TEXT, "rank_band": TEXT, "rank_index": INTEGER, "playlist": TEXT, "skill": TEXT,
        "indicators": TEXT, "matches": BIGINT, "peers": BIGINT, "z": DOUBLE, "rank_percentile": DOUBLE,
        "p_value": DOUBLE, "p_adjusted": DOUBLE, "is_weak": BOOLEAN, "null_reason": TEXT,
        "weakness_probability": DOUBLE, "probability_reason": TEXT, "lasting_spread": DOUBLE, "game_spread": DOUBLE,
        "standard_error": DOUBLE},
    "rank_predictions": {
        "player_id": TEXT, "rank_index": DOUBLE, "predicted_rank_index": DOUBLE, "held_out": BOOLEAN},
    "recommendations": {
        "player_id": TEXT, "skill": TEXT, "reason": TEXT, "z": DOUBLE, "pack_code": TEXT, "pack_name": TEXT,
        "difficulty": TEXT, "distance": INTEGER, "position": BIGINT},
    "peer_value_counts": {
        "rank_band": TEXT, "playlist": TEXT, "stat_type": TEXT, "value_bin": DOUBLE, "games": BIGINT.required,
        "games_below": BIGINT.required, "total": BIGINT.required},
    "peer_stats": {
        "rank_band": TEXT, "stat_type": TEXT, "category": TEXT, "players": BIGINT.required,
        "games": BIGINT.required, "total": DOUBLE, "mean": DOUBLE, "m2": DOUBLE},
}
