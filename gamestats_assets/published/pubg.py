"""The columns of pubg's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it), and the columns that name a player (`PLAYERS`)."""

from gamestats_assets.lib.core.columns import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    TEXT,
    TIMESTAMPTZ,
    Columns,
    described,
)
from gamestats_assets.lib.erasure.register import Identity

MATCH_TYPE = TEXT("the slice of matches: `ranked` (the API's `matchType` `competitive`), `normal` (`official`) or "
                  "`all` (every match)")
ACCOUNT = TEXT("the player's PUBG account id")
CAREER_MATCH_TYPE = TEXT.defaulting("'all'")(f"{MATCH_TYPE.description}; rows from before the slices were over "
                                             "every match, the slice `all`")

MEANINGS = {
    "match_id": "the match (the PUBG API's id)",
    "account_id": "the player's PUBG account id", "player_name": "the player's in-game name in the match",
    "team_id": "the team's number in the match", "created_at": "when the match started",
    "map_name": "the map's id (`Baltic_Main`, ...)", "elapsed_s": "seconds since the match started",
    "event_index": "the event's place in the match's telemetry", "x_m": "east–west position on the map, metres",
    "y_m": "north–south position on the map, metres", "duration_s": "its length in seconds",
    "started_s": "when it started, seconds into the match", "center_x_m": "its centre's x on the map, metres",
    "center_y_m": "its centre's y on the map, metres", "damage": "the damage of its events",
    "kills": "kills of players of other teams", "knocks": "players of other teams knocked",
    "damage_dealt": "damage dealt to players of other teams", "hits": "shots that hit a player of another team",
    "weapon_category": "the weapon's category: AR, DMR, SR, SMG, Shotgun, LMG, Pistol, Melee, Throwable, ...",
    "placement": "the rank of the player's team in the match (1: the winner)",
    "killsteals": "kills that finished another team's knock, or of a player a third team had damaged more in the "
                  "seconds before",
    "heals_used": "healing items used", "boosts_used": "boost items used",
    "throwable_damage": "damage dealt with throwables", "damage_received": "damage taken from players, zone and "
                                                                          "environment",
    "season_id": "the tournament season", "division_id": "the division (`all` where the row spans every one)",
    "group_id": "the group within the division (`all` where the row spans every one)",
    "round_id": "the round of the season (`all` where the row spans every one)",
    "slot_id": "the schedule slot the match was played for (null: none)",
    "team_name": "the tournament team, as the organisers' files name it",
    "is_remake": "the match is a remake of the slot's first attempt, and counts instead of it",
    "original_match_id": "for a remake, the slot's first attempt",
    "points": "placement points + kill points", "placement_points": "points for placements (10, 6, 5, 4, 3, 2, 1, "
                                                                     "1 for 1st to 8th)",
    "kill_points": "one point per kill", "headshot_kills": "kills by a headshot",
    "survival_s": "seconds survived in the match (summed over matches on a leaderboard)",
    "assists": "assists, as the match object states them",
    "scope": "the leaderboard's scope: `season`, `division`, `group` or `round` (that round's matches only; the "
             "others accumulate every round)",
    "rank": "the place in the scope's standings (1: first)",
    "rank_change": "places climbed since rank_change_since (negative: fell; null without a match before then)",
    "rank_change_since": "`round` (the previous round) when the scope holds several rounds, else `match` (the "
                         "previous match)",
    "matches": "the matches counted", "wins": "matches placed first", "avg_placement": "the mean placement",
    "last_placements": "the last six placements, oldest first, comma-separated",
    "reason": "why the row has its status",
    "match_type": "the PUBG API's `matchType`: `competitive` (ranked), `official` (normal), `custom`, ...",
    "is_custom_match": "the API says it is a custom match",
    "started_at": "when the match that counts started",
}
"""What a column name means in every pubg table that has it."""

COLUMNS: dict[str, Columns] = described({
    "matches": {
        "match_id": TEXT, "created_at": TIMESTAMPTZ, "map_name": TEXT,
        "game_mode": TEXT("the game mode's id (`squad-fpp`, ...)"), "match_type": TEXT, "is_custom_match": BOOLEAN,
        "season_state": TEXT("the API's `seasonState` (`progress`, ...)"),
        "shard_id": TEXT("the platform shard (`steam`, ...)"), "title_id": TEXT("the API's `titleId`"),
        "duration_s": BIGINT, "telemetry_url": TEXT("where the API serves the match's telemetry"),
        "participants": BIGINT("its participants, AI bots included"),
        "rosters": BIGINT("its rosters (teams of the lobby)"),
        "discovered_by": TEXT("the path that found it first: `api`, `tournament` or `landing` (its files dropped in)"),
        "ai_participants": BIGINT("its AI bots (left out of every player statistic)"),
        "discovery_priority": BIGINT("the run priority its discovery path gives its runs (`dagster/priority`, higher "
                                     "first): 10 for `tournament`, 0 for `api` and `landing`")},
    "player_damage_events": {
        "match_id": TEXT, "event_index": BIGINT, "elapsed_s": DOUBLE,
        "attacker_account_id": TEXT("who dealt the damage (null for the zone or the environment)"),
        "victim_account_id": TEXT("who took it"),
        "damage_causer_name": TEXT("what caused it (`WeapHK416_C`, `BlueZone`, ...)"), "weapon_category": TEXT,
        "damage_type_category": TEXT("the telemetry's `damageTypeCategory` (`Damage_Gun`, ...)"),
        "damage_reason": TEXT("the body part hit (`HeadShot`, `TorsoShot`, ...)"), "damage": DOUBLE,
        "account_id": TEXT("the tracked player the row is about"),
        "role": TEXT("`dealt` or `taken`: the tracked player's side")},
    "player_circle_positions": {
        "match_id": TEXT, "account_id": TEXT("the tracked player"),
        "sample_s": DOUBLE("the game-state sample's time, seconds into the match"), "x_m": DOUBLE, "y_m": DOUBLE,
        "distance_from_center_m": DOUBLE("distance to the next safe zone's centre, metres"),
        "distance_from_edge_m": DOUBLE("distance to its edge, metres: positive outside it, negative inside"),
        "outside_zone": BOOLEAN("outside the current blue circle, where the zone hurts"),
        "interval_s": DOUBLE("seconds to the next sample"),
        "safe_zone_x_m": DOUBLE("the safe zone's centre at the sample, x in metres: the white circle the blue one "
                                "closes on (the telemetry's `poisonGasWarningPosition`)"),
        "safe_zone_y_m": DOUBLE("its centre's y, metres"),
        "safe_zone_radius_m": DOUBLE("its radius, metres (`poisonGasWarningRadius`)"),
        "inside_safe_zone": BOOLEAN("the player is inside the safe zone (on its edge counts as inside)"),
        "blue_zone_x_m": DOUBLE("the blue zone's centre at the sample, x in metres: the current boundary outside which "
                                "the zone hurts (the telemetry's `safetyZonePosition`)"),
        "blue_zone_y_m": DOUBLE("its centre's y, metres"),
        "blue_zone_radius_m": DOUBLE("its radius, metres (`safetyZoneRadius`)"),
        "inside_blue_zone": BOOLEAN("the player is inside the blue zone: not `outside_zone`")},
    "landings": {
        "match_id": TEXT, "account_id": TEXT, "player_name": TEXT, "team_id": BIGINT,
        "landed_at_s": DOUBLE("when the player landed, seconds into the match"), "x_m": DOUBLE("where, x in metres"),
        "y_m": DOUBLE("where, y in metres")},
    "kill_positions": {
        "match_id": TEXT, "event_index": BIGINT, "elapsed_s": DOUBLE, "victim_account_id": TEXT("who was killed"),
        "victim_team_id": BIGINT("the victim's team number"),
        "killer_account_id": TEXT("who killed (null for a death without a killer: zone, falling)"),
        "killer_team_id": BIGINT("the killer's team number"),
        "victim_x_m": DOUBLE("where the victim stood, x in metres"),
        "victim_y_m": DOUBLE("where the victim stood, y in metres"),
        "killer_x_m": DOUBLE("where the killer stood, x in metres"),
        "killer_y_m": DOUBLE("where the killer stood, y in metres"),
        "distance_m": DOUBLE("the distance between them, metres")},
    "circles": {
        "match_id": TEXT, "phase": BIGINT("the safe zone's number, from 1 in the order they appeared"),
        "appeared_s": DOUBLE("the first sample showing it, seconds into the match"),
        "x_m": DOUBLE("its centre's x, metres"), "y_m": DOUBLE("its centre's y, metres"),
        "radius_m": DOUBLE("its radius, metres"),
        "blue_radius_m": DOUBLE("the blue circle's radius when it appeared, metres")},
    "fights": {
        "match_id": TEXT, "fight_id": BIGINT("the fight's number in the match"),
        "team_a": BIGINT("one team (the lower number)"), "team_b": BIGINT("the other"), "started_s": DOUBLE,
        "duration_s": DOUBLE, "damage_events": BIGINT("the damage events between them"),
        "damage_by_a": DOUBLE("damage team_a dealt to team_b"),
        "damage_by_b": DOUBLE("damage team_b dealt to team_a"),
        "knocks_by_a": BIGINT("team_b players knocked by team_a"),
        "knocks_by_b": BIGINT("team_a players knocked by team_b"),
        "kills_by_a": BIGINT("team_b players killed by team_a"),
        "kills_by_b": BIGINT("team_a players killed by team_b"),
        "winner_team_id": BIGINT("the team with more kills, then knocks, then damage (null on a full tie)"),
        "center_x_m": DOUBLE, "center_y_m": DOUBLE},
    "engagements": {
        "match_id": TEXT, "engagement_id": BIGINT("the engagement's number in the match"),
        "teams": BIGINT("the teams that dealt or took damage in it"),
        "team_ids": TEXT("their numbers, ascending, comma-separated"), "third_party": BOOLEAN("three teams or more"),
        "fights": BIGINT("its fights"), "started_s": DOUBLE, "duration_s": DOUBLE,
        "damage": DOUBLE("its fights' damage"), "knocks": BIGINT("its fights' knocks"),
        "kills": BIGINT("its fights' kills"), "center_x_m": DOUBLE, "center_y_m": DOUBLE},
    "player_match_weapon_distribution": {
        "match_id": TEXT, "account_id": TEXT, "weapon_category": TEXT, "kills": BIGINT, "knocks": BIGINT,
        "damage_dealt": DOUBLE, "hits": BIGINT},
    "player_weapon_accuracy": {
        "match_id": TEXT, "account_id": TEXT, "weapon_id": TEXT("the firearm's item id"),
        "weapon_name": TEXT("its name in the official `itemId` dictionary"), "weapon_category": TEXT,
        "shots": BIGINT("the player's shots with it"), "hits": BIGINT, "headshots": BIGINT("hits with a headshot"),
        "accuracy": DOUBLE("hits / shots"), "headshot_rate": DOUBLE("headshots / hits (null without a hit)"),
        "damage_dealt": DOUBLE("the damage its hits dealt")},
    "match_summaries": {
        "match_id": TEXT, "account_id": TEXT, "player_name": TEXT, "team_id": BIGINT,
        "roster_id": TEXT("the player's roster in the match object"), "placement": BIGINT,
        "kills": BIGINT("kills as the match object states them"),
        "damage_dealt": DOUBLE("damage dealt as the match object states it"), "killsteals": BIGINT,
        "heals_used": BIGINT, "boosts_used": BIGINT,
        "throwables_used": BIGINT("throwables thrown, smokes included (telemetry)"),
        "smokes_thrown": BIGINT("smoke grenades thrown"), "throwable_damage": DOUBLE, "damage_received": DOUBLE,
        "avg_distance_from_center_m": DOUBLE("mean distance to the next safe zone's centre over the samples, metres"),
        "max_distance_from_center_m": DOUBLE("the largest"), "min_distance_from_center_m": DOUBLE("the smallest"),
        "avg_distance_from_edge_m": DOUBLE("mean distance to its edge, negative inside, metres"),
        "max_distance_from_edge_m": DOUBLE("the largest"), "min_distance_from_edge_m": DOUBLE("the smallest"),
        "time_outside_zone_s": DOUBLE("seconds spent outside the blue circle"),
        "has_telemetry": BOOLEAN("the match's whole telemetry was read: the telemetry columns hold values (else "
                                 "null)"),
        "telemetry": TEXT("what the match's telemetry is: `complete`, `partial` (cut short), `failed` or `missing`"),
        "created_at": TIMESTAMPTZ,
        "match_type": TEXT("the API's `matchType`: `competitive` (ranked), `official` (normal), `custom`, ..."),
        "walk_distance_m": DOUBLE("metres on foot, as the match object states them"),
        "ride_distance_m": DOUBLE("metres in vehicles"), "swim_distance_m": DOUBLE("metres swimming")},
    "player_backfill_status": {
        "match_id": TEXT, "player_id": TEXT("the tracked player"),
        "status": TEXT("`extracted` (the whole telemetry read), `failed` or `no_telemetry`"),
        "damage_event_rows": BIGINT("their rows in `player_damage_events`"),
        "circle_position_rows": BIGINT("their rows in `player_circle_positions`"),
        "updated_at": TIMESTAMPTZ("when they were extracted"), "reason": TEXT},
    "tournament_rounds": {
        "season_id": TEXT, "round_id": TEXT, "name": TEXT("the round's name"), "date": DATE("its day"),
        "starts_at": TIMESTAMPTZ("when its window opens"),
        "ends_at": TIMESTAMPTZ("when it closes (a match started in [starts_at, ends_at) belongs to it)"),
        "time_zone": TEXT("the organisers' time zone"), "season_name": TEXT("the season's name")},
    "tournament_matches": {
        "match_id": TEXT, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT, "round_id": TEXT, "slot_id": TEXT,
        "status": TEXT("the context's status: `public_lobby`, `mixed_division`, `remake_candidate`, `confirmed`, "
                       "`unscheduled` or an override's"),
        "is_tournament_match": BOOLEAN("it counts as a tournament match"), "teams": BIGINT("the lobby's rosters"),
        "tournament_players": BIGINT("the tournament players in it"),
        "overridden": BOOLEAN("an organiser's override set the context"),
        "override_reason": TEXT("the override's reason"),
        "team_count": BIGINT("the distinct tournament teams of its players"),
        "unmatched_player_count": BIGINT("its players on no tournament team"), "match_type": TEXT,
        "is_custom_match": BOOLEAN, "reason": TEXT},
    "tournament_match_outcomes": {
        "match_id": TEXT, "season_id": TEXT, "division_id": TEXT, "group_id": TEXT, "round_id": TEXT, "slot_id": TEXT,
        "started_at": TIMESTAMPTZ, "status": TEXT("the final status: `remade`, `remake_failed` or the context's"),
        "scored": BOOLEAN("the leaderboards count it"),
        "attempt": BIGINT("its place among the matches placed on its slot, in start order (1, 2, ...)"),
        "is_remake": BOOLEAN, "original_match_id": TEXT, "reason": TEXT},
    "tournament_scheduled_matches": {
        "slot_id": TEXT, "season_id": TEXT, "round_id": TEXT, "division_id": TEXT, "group_id": TEXT,
        "match_number": BIGINT("the slot's number in its round, 1 to 6"),
        "scheduled_at": TIMESTAMPTZ("when it is scheduled to start"), "map_name": TEXT("the map it is planned on"),
        "match_id": TEXT("the match that counts for it (null until one is played)"), "started_at": TIMESTAMPTZ,
        "status": TEXT("`confirmed`, `remade`, `remake_pending`, `remake_failed` or `pending` (no attempt yet)"),
        "attempts": BIGINT("the matches placed on it"), "is_remake": BOOLEAN, "original_match_id": TEXT,
        "division_order": BIGINT("the division's place in the organiser's file, 1 for the first listed (the top one)")},
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
        "weapon_kills": TEXT("kills by weapon category, `AR:5,SR:2`, over the matches whose whole telemetry was read"),
        "damage_dealt": DOUBLE("damage dealt in the scope's matches"), "avg_damage": DOUBLE("damage dealt per match"),
        "killsteals": BIGINT,
        "weapon_damage": TEXT("damage by weapon category, `AR:512.3,SR:80`, over the same matches"),
        "rank_change_since": TEXT, "placement_points": BIGINT, "kill_points": BIGINT, "knocks": BIGINT,
        "assists": BIGINT, "headshot_kills": BIGINT, "survival_s": DOUBLE},
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
}, MEANINGS)


PLAYERS = Identity(ids={"account_id": ["player_name", "name"], "attacker_account_id": ["attacker_name"],
                        "victim_account_id": ["victim_name"], "killer_account_id": ["killer_name"],
                        "player_id": ["player_name"], "player_account_id": ["player_name"], "knocker_account_id": [],
                        "finisher_account_id": [], "stolen_from_account_id": [], "knock_attacker_account_id": [],
                        "dbno_maker_account_id": [], "reviver_account_id": []},
                   own=["player_advanced_career_stats", "player_damage_stats", "player_weapon_stats",
                        "player_backfill_status", "players"],
                   raws=["raw"])
"""The columns of pubg's tables (in the lake and published) that name a player, among them a telemetry event's raw
JSON, and the tables that are a player's own: what a player's deletion takes out (`lib/erasure/`)."""
