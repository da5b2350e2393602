"""The columns of pubg's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it)."""

from gamestats_assets.lib.core.columns import BIGINT, BOOLEAN, DATE, DOUBLE, TEXT, TIMESTAMPTZ, Columns

MATCH_TYPE = TEXT("the slice of matches: `ranked` (the API's `matchType` `competitive`), `normal` (`official`) or "
                  "`all` (every match)")
ACCOUNT = TEXT("the player's PUBG account id")
CAREER_MATCH_TYPE = TEXT.defaulting("'all'")(f"{MATCH_TYPE.description}; rows from before the slices were over "
                                             "every match, the slice `all`")

COLUMNS: dict[str, Columns] = {
    "matches": {
        "match_id": TEXT, "created_at": TIMESTAMPTZ, "map_name": TEXT, "game_mode": TEXT, "match_type": TEXT,
        "is_custom_match": BOOLEAN, "season_state": TEXT, "shard_id": TEXT, "title_id": TEXT, "duration_s": BIGINT,
        "telemetry_url": TEXT, "participants": BIGINT, "rosters": BIGINT, "discovered_by": TEXT,
        "ai_participants": BIGINT},
    "player_damage_events": {
        "match_id": TEXT, "event_index": BIGINT, "elapsed_s": DOUBLE, "attacker_account_id": TEXT,
        "victim_account_id": TEXT, "damage_causer_name": TEXT, "weapon_category": TEXT, "damage_type_category": TEXT,
        "damage_reason": TEXT, "damage": DOUBLE, "account_id": TEXT, "role": TEXT},
    "player_circle_positions": {
        "match_id": TEXT, "account_id": TEXT, "sample_s": DOUBLE, "x_m": DOUBLE, "y_m": DOUBLE,
        "distance_from_center_m": DOUBLE, "distance_from_edge_m": DOUBLE, "outside_zone": BOOLEAN,
        "interval_s": DOUBLE},
    "landings": {
        "match_id": TEXT, "account_id": TEXT, "player_name": TEXT, "team_id": BIGINT, "landed_at_s": DOUBLE,
        "x_m": DOUBLE, "y_m": DOUBLE},
    "kill_positions": {
        "match_id": TEXT, "event_index": BIGINT, "elapsed_s": DOUBLE, "victim_account_id": TEXT,
        "victim_team_id": BIGINT, "killer_account_id": TEXT, "killer_team_id": BIGINT, "victim_x_m": DOUBLE,
        "victim_y_m": DOUBLE, "killer_x_m": DOUBLE, "killer_y_m": DOUBLE, "distance_m": DOUBLE},
    "circles": {
        "match_id": TEXT, "phase": BIGINT, "appeared_s": DOUBLE, "x_m": DOUBLE, "y_m": DOUBLE, "radius_m": DOUBLE,
        "blue_radius_m": DOUBLE},
    "fights": {
        "match_id": TEXT, "fight_id": BIGINT, "team_a": BIGINT, "team_b": BIGINT, "started_s": DOUBLE,
        "duration_s": DOUBLE, "damage_events": BIGINT, "damage_by_a": DOUBLE, "damage_by_b": DOUBLE,
        "knocks_by_a": BIGINT, "knocks_by_b": BIGINT, "kills_by_a": BIGINT, "kills_by_b": BIGINT,
        "winner_team_id": BIGINT, "center_x_m": DOUBLE, "center_y_m": DOUBLE},
    "engagements": {
        "match_id": TEXT, "engagement_id": BIGINT, "teams": BIGINT, "team_ids": TEXT, "third_party": BOOLEAN,
        "fights": BIGINT, "started_s": DOUBLE, "duration_s": DOUBLE, "damage": DOUBLE, "knocks": BIGINT,
        "kills": BIGINT, "center_x_m": DOUBLE, "center_y_m": DOUBLE},
    "player_match_weapon_distribution": {
        "match_id": TEXT, "account_id": TEXT, "weapon_category": TEXT, "kills": BIGINT, "knocks": BIGINT,
        "damage_dealt": DOUBLE, "hits": BIGINT},
    "player_weapon_accuracy": {
        "match_id": TEXT, "account_id": TEXT, "weapon_id": TEXT, "weapon_name": TEXT, "weapon_category": TEXT,
        "shots": BIGINT, "hits": BIGINT, "headshots": BIGINT, "accuracy": DOUBLE, "headshot_rate": DOUBLE,
        "damage_dealt": DOUBLE},
    "match_summaries": {
        "match_id": TEXT, "account_id": TEXT, "player_name": TEXT, "team_id": BIGINT, "roster_id": TEXT,
        "placement": BIGINT, "kills": BIGINT, "damage_dealt": DOUBLE, "killsteals": BIGINT, "heals_used": BIGINT,
        "boosts_used": BIGINT, "throwables_used": BIGINT, "smokes_thrown": BIGINT, "throwable_damage": DOUBLE,
        "damage_received": DOUBLE, "avg_distance_from_center_m": DOUBLE, "max_distance_from_center_m": DOUBLE,
        "min_distance_from_center_m": DOUBLE, "avg_distance_from_edge_m": DOUBLE, "max_distance_from_edge_m": DOUBLE,
        "min_distance_from_edge_m": DOUBLE, "time_outside_zone_s": DOUBLE, "has_telemetry": BOOLEAN,
        "telemetry": TEXT, "created_at": TIMESTAMPTZ,
        "match_type": TEXT("the API's `matchType`: `competitive` (ranked), `official` (normal), `custom`, ...")},
    "player_backfill_status": {
        "match_id": TEXT, "player_id": TEXT, "status": TEXT, "damage_event_rows": BIGINT,
        "circle_position_rows": BIGINT, "updated_at": TIMESTAMPTZ, "reason": TEXT},
    "tournament_rounds": {
        "season_id": TEXT, "round_id": TEXT, "name": TEXT, "date": DATE, "starts_at": TIMESTAMPTZ,
        "ends_at": TIMESTAMPTZ, "time_zone": TEXT, "season_name": TEXT},
    "tournament_matches": {
        "match_id": TEXT, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT, "round_id": TEXT, "slot_id": TEXT,
        "status": TEXT, "is_tournament_match": BOOLEAN, "teams": BIGINT, "tournament_players": BIGINT,
        "overridden": BOOLEAN, "override_reason": TEXT, "team_count": BIGINT, "unmatched_player_count": BIGINT,
        "match_type": TEXT, "is_custom_match": BOOLEAN, "reason": TEXT},
    "tournament_match_outcomes": {
        "match_id": TEXT, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT, "round_id": TEXT, "slot_id": TEXT,
        "started_at": TIMESTAMPTZ, "status": TEXT, "scored": BOOLEAN, "attempt": BIGINT, "is_remake": BOOLEAN,
        "original_match_id": TEXT, "reason": TEXT},
    "tournament_scheduled_matches": {
        "slot_id": TEXT, "season_id": TEXT, "round_id": TEXT, "division_id": TEXT, "group_id": TEXT,
        "match_number": BIGINT, "scheduled_at": TIMESTAMPTZ, "map_name": TEXT, "match_id": TEXT,
        "started_at": TIMESTAMPTZ, "status": TEXT, "attempts": BIGINT, "is_remake": BOOLEAN,
        "original_match_id": TEXT},
    "team_match_results": {
        "match_id": TEXT, "created_at": TIMESTAMPTZ, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT,
        "round_id": TEXT, "slot_id": TEXT, "team_name": TEXT, "team_id": BIGINT, "placement": BIGINT,
        "kills": BIGINT, "knocks": BIGINT, "placement_points": BIGINT, "kill_points": BIGINT, "points": BIGINT},
    "player_match_results": {
        "match_id": TEXT, "created_at": TIMESTAMPTZ, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT,
        "round_id": TEXT, "team_name": TEXT, "team_id": BIGINT, "account_id": TEXT, "player_name": TEXT,
        "placement": BIGINT, "kills": BIGINT, "knocks": BIGINT, "assists": BIGINT, "headshot_kills": BIGINT,
        "survival_s": DOUBLE, "damage_dealt": DOUBLE, "killsteals": BIGINT, "placement_points": BIGINT,
        "kill_points": BIGINT, "points": BIGINT},
    "team_leaderboards": {
        "scope": TEXT, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT, "round_id": TEXT, "team_name": TEXT,
        "rank": BIGINT, "rank_change": BIGINT, "points": BIGINT, "matches": BIGINT, "kills": BIGINT, "wins": BIGINT,
        "avg_placement": DOUBLE, "last_placements": TEXT, "rank_change_since": TEXT, "placement_points": BIGINT,
        "kill_points": BIGINT, "knocks": BIGINT},
    "tournament_team_standings_history": {
        "season_id": TEXT, "division_id": TEXT, "group_id": TEXT, "round_id": TEXT, "team_name": TEXT, "rank": BIGINT,
        "rank_change": BIGINT, "points": BIGINT, "matches": BIGINT, "kills": BIGINT, "wins": BIGINT,
        "avg_placement": DOUBLE},
    "player_leaderboards": {
        "scope": TEXT, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT, "round_id": TEXT, "account_id": TEXT,
        "player_name": TEXT, "team_name": TEXT, "rank": BIGINT, "rank_change": BIGINT, "points": BIGINT,
        "matches": BIGINT, "kills": BIGINT, "wins": BIGINT, "avg_placement": DOUBLE, "last_placements": TEXT,
        "weapon_kills": TEXT, "damage_dealt": DOUBLE, "avg_damage": DOUBLE, "killsteals": BIGINT,
        "weapon_damage": TEXT, "rank_change_since": TEXT, "placement_points": BIGINT, "kill_points": BIGINT,
        "knocks": BIGINT, "assists": BIGINT, "headshot_kills": BIGINT, "survival_s": DOUBLE},
    "player_advanced_career_stats": {
        "account_id": TEXT, "player_name": TEXT("the name of the player's latest match day"), "matches": BIGINT,
        "matches_with_telemetry": BIGINT("the matches whose whole telemetry was read"),
        "wins": BIGINT("matches placed first"), "avg_placement": DOUBLE, "kills": BIGINT,
        "kills_with_telemetry": BIGINT("kills in the matches with telemetry: the killsteal rate's sample"),
        "damage_dealt": DOUBLE, "killsteals": BIGINT, "throwable_damage": DOUBLE, "damage_received": DOUBLE,
        "heals_used": BIGINT, "boosts_used": BIGINT, "killsteal_rate": DOUBLE("killsteals per kill with telemetry"),
        "killsteal_rate_ci_low": DOUBLE, "killsteal_rate_ci_high": DOUBLE, "match_type": CAREER_MATCH_TYPE,
        "throwables_used": BIGINT("throwables thrown in the matches with telemetry, smokes included"),
        "smokes_thrown": BIGINT("smoke grenades thrown in the matches with telemetry"),
        "matches_with_zone_data": BIGINT("the matches with telemetry where the player was in a zone sample: the "
                                         "zone averages' matches"),
        "avg_distance_from_center_m": DOUBLE("the mean over `matches_with_zone_data` of the match's average distance "
                                             "from the next safe zone's centre, metres"),
        "avg_distance_from_edge_m": DOUBLE("the same of the distance from its edge, negative inside, metres"),
        "avg_time_outside_zone_s": DOUBLE("the same of the seconds spent outside the blue circle")},
    "player_damage_stats": {
        "account_id": ACCOUNT, "match_type": MATCH_TYPE,
        "direction": TEXT("`dealt` (to players of other teams) or `taken` (from players, the zone, the environment)"),
        "damage_type_category": TEXT("the telemetry's `damageTypeCategory`: `Damage_Gun`, `Damage_BlueZone`, ...; "
                                     "`Unknown` when none"),
        "damage_reason": TEXT("the body part hit (`damageReason`): `HeadShot`, `TorsoShot`, `ArmShot`, `PelvisShot`, "
                              "`LegShot`, `NonSpecific`; `Unknown` when none"),
        "matches": BIGINT("the matches with damage of this kind"),
        "damage": DOUBLE("the damage of this kind, summed to the millionth"),
        "damage_events": BIGINT("the damaging events (a shotgun's pellets each count)"),
        "damage_per_event": DOUBLE("damage / damage_events")},
    "player_weapon_stats": {
        "account_id": ACCOUNT, "match_type": MATCH_TYPE,
        "weapon": TEXT("the damage causer id (`WeapHK416_C`, `ProjGrenade_C`, ...; `Unknown` when none)"),
        "weapon_name": TEXT("its display name"), "weapon_category": TEXT("its category (AR, DMR, SR, ...)"),
        "matches": BIGINT("the matches the player killed, knocked, hit or fired with it"),
        "kills": BIGINT("kills of players of other teams"),
        "headshot_kills": BIGINT("kills whose `damageReason` is `HeadShot`"),
        "headshot_kill_rate": DOUBLE("headshot_kills / kills"),
        "avg_kill_distance_m": DOUBLE("over the kills stating a distance, metres"),
        "knocks": BIGINT("players knocked"), "damage_dealt": DOUBLE("damage to players of other teams"),
        "shots": BIGINT("a firearm's shots"), "hits": BIGINT("shots that hit a player of another team"),
        "headshots": BIGINT("hits with a headshot"), "accuracy": DOUBLE("hits / shots"),
        "headshot_rate": DOUBLE("headshots / hits")},
}
