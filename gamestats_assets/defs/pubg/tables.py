"""The pubg tables computed from other tables, declared once as `Table`s (`lib/authoring/table.py`): the per-match
tables (one dynamic partition per match id), the tournament tables over the tournament's matches and the career tables
over every match (folds). Each is one function of `transforms` (whose docstring defines it) bound to its inputs by
its parameters' names."""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import polars as pl

from gamestats_assets.defs.pubg.partitions import pubg_match_partitions
from gamestats_assets.published.pubg import COLUMNS
from gamestats_assets.defs.pubg.organisers import match_overrides, tournament_frame
from gamestats_assets.defs.pubg.transforms import (
    career,
    career_damage,
    career_weapons,
    combat,
    extractors,
    leaderboards,
    summaries,
    tournament,
)
from gamestats_assets.lib.authoring.assets import Publish, PublishMode
from gamestats_assets.lib.authoring.table import Table, folded
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.tracking import roster
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.publish.postgres import PostgresResource

DOMAIN = "pubg"


def tracked_players(platform: PlatformResource, postgres: PostgresResource) -> list[str]:
    """The account ids the domain tracks (`roster`)."""
    return roster(DOMAIN, platform, postgres)


def match_table(name: str, compute: Callable[..., pl.DataFrame], inputs: Mapping[str, str], *, tracked: bool = False,
                reads: Mapping[str, Sequence[str]] | None = None, publish: Publish | None = None,
                description: str | None = None, given: Mapping[str, Callable] | None = None,
                after: Sequence[str] = ()) -> Table:
    """The per-match cons table `pubg/cons/<name>`, defined by `compute`'s docstring unless `description` says:
    `compute` over the run's rows of `inputs` and its `given` arguments; a `tracked` table also gets the tracked
    players' account ids (`tracked`)."""
    return Table("cons", name, compute, (description or compute.__doc__ or name).strip(), inputs,
                 kind="run", partitions_def=pubg_match_partitions, partition_column="match_id",
                 reads=reads or {}, publish=publish, columns=COLUMNS.get(publish.table or name, {}) if publish else {},
                 given={**({"tracked": tracked_players} if tracked else {}), **(given or {})}, after=after)


KILLS, KNOCKS, DAMAGE = "etl/telemetry_kills", "etl/telemetry_knocks", "etl/telemetry_damage"
COMBAT = {"damage": DAMAGE, "knocks": KNOCKS, "kills": KILLS}
COMBAT_WITH_PARTICIPANTS = {**COMBAT, "participants": "etl/participants"}
ZONE_INPUTS = {"positions": "etl/telemetry_positions", "game_states": "etl/telemetry_game_states"}
POSITIONS_READ = {"positions": ("match_id", "player_account_id", "elapsed_s", "player_x", "player_y")}
"""What the zone tables read: every position and game state of the match. Each computes the circle samples it needs
(`extractors.circle_samples`); the lake keeps only the tracked players' (`player_circle_positions`)."""
SUMMARY_PLAYERS = ("match_id", "account_id", "match_type", "has_telemetry")
"""The columns of `match_summaries` that say which players of a match a career table counts, and in which slice."""
PER_MATCH_TABLES = [
    match_table("landings", extractors.landings, {"landing_events": "etl/telemetry_landings"},
                publish=Publish(("match_id", "account_id"))),
    match_table("kill_positions", extractors.kill_positions, {"kills": KILLS}, publish=Publish(("match_id", "event_index"))),
    match_table("circles", extractors.circles, {"game_states": "etl/telemetry_game_states"}, publish=Publish(("match_id", "phase"))),
    match_table("weapon_kill_events", extractors.weapon_kill_events, {"kills": KILLS}),
    match_table("tracked_damage_events", extractors.damage_events, {"damage": DAMAGE}, tracked=True,
                publish=Publish(("match_id", "event_index", "account_id", "role"), table="player_damage_events")),
    match_table("item_usage", extractors.item_usage,
                {"item_uses": "etl/telemetry_item_uses", "throwables": "etl/telemetry_throwables"}),
    match_table("killsteals", extractors.killsteals, COMBAT_WITH_PARTICIPANTS),
    match_table("advanced_stats", extractors.advanced_stats, COMBAT_WITH_PARTICIPANTS),
    match_table("player_circle_stats", extractors.player_circle_stats, ZONE_INPUTS, reads=POSITIONS_READ),
    match_table("player_circle_positions", extractors.tracked_circle_positions, ZONE_INPUTS, reads=POSITIONS_READ,
                tracked=True, publish=Publish(("match_id", "account_id", "sample_s"))),
    match_table("knock_outcomes", combat.knock_outcomes,
                {"knocks": KNOCKS, "kills": KILLS, "revives": "etl/telemetry_revives"}),
    match_table("knock_summaries", combat.knock_summaries, {"outcomes": "cons/knock_outcomes"}),
    match_table("fights", combat.fights, COMBAT,
                publish=Publish(("match_id", "fight_id"), sum_column="damage_events")),
    match_table("engagements", combat.engagements, {"fights_": "cons/fights"},
                publish=Publish(("match_id", "engagement_id"), sum_column="fights")),
    match_table("player_match_weapon_distribution", combat.weapon_distribution, COMBAT,
                publish=Publish(("match_id", "account_id", "weapon_category"), sum_column="damage_dealt")),
    match_table("player_weapon_accuracy", combat.weapon_accuracy, {"attacks": "etl/telemetry_attacks", "damage": DAMAGE},
                publish=Publish(("match_id", "account_id", "weapon_id"), sum_column="shots",
                                indexes=("account_id",))),
    match_table("match_summaries", summaries.match_summaries,
                {"participants": "etl/participants", "rosters": "etl/rosters", "advanced": "cons/advanced_stats",
                 "usage": "cons/item_usage", "circle": "cons/player_circle_stats",
                 "telemetry_files": "etl/telemetry_files", "matches": "etl/matches"},
                reads={"matches": ("match_id", "created_at", "match_type")},
                publish=Publish(("match_id", "account_id"), sum_column="kills", indexes=("account_id",))),
    match_table("player_match_damage", career_damage.match_damage,
                {"damage": DAMAGE, "summaries": "cons/match_summaries"}, reads={"summaries": SUMMARY_PLAYERS}),
    match_table("player_match_weapons", career_weapons.match_weapons,
                {"kills": KILLS, "knocks": KNOCKS, "damage": DAMAGE, "accuracy": "cons/player_weapon_accuracy",
                 "summaries": "cons/match_summaries"}, reads={"summaries": SUMMARY_PLAYERS}),
]
"""Every per-match table: its function (whose docstring defines it) and what it reads."""


def of_telemetry_alone(table: Table) -> bool:
    """Whether every table `table` reads, directly or through other per-match tables, is telemetry."""
    by_ref = {other.ref: other for other in PER_MATCH_TABLES}
    return all(ref.startswith("etl/telemetry_") or (ref in by_ref and of_telemetry_alone(by_ref[ref]))
               for ref in table.inputs.values())


TELEMETRY_PUBLISHED = tuple(f"{DOMAIN}.{table.publish.table or table.name}" for table in PER_MATCH_TABLES
                            if table.publish and of_telemetry_alone(table))
"""The published tables made of telemetry alone: a match whose telemetry was cut short is held from these,
while its match-object rows publish."""

BACKFILL_STATUS = match_table(
    "player_backfill_status",
    summaries.backfill_status,
    {"participants": "etl/participants", "telemetry_files": "etl/telemetry_files",
     "damage": "cons/tracked_damage_events", "circle": "cons/player_circle_positions"},
    tracked=True, given={"now": lambda: dt.datetime.now(dt.UTC)},
    publish=Publish(("match_id", "player_id")),
    description="""Which tracked players' detailed rows each match holds: one row per (match_id, player_id) for every
    tracked player who played the match, with the damage-event and circle-sample rows extracted for them
    and when. Rebuilt with the detailed tables, by a newly tracked player's backfill or a match's run.
    `status` (see `transforms.summaries.backfill_status`) is `extracted` only when the match's whole
    telemetry was read; `no_telemetry` and `failed` say why not in `reason`.""")
"""Which tracked players' detailed rows each match holds."""


def organisers_frame(name: str) -> Callable[[PlatformResource, PostgresResource], pl.DataFrame]:
    """The given of the tournament frame `name` (`organisers.TOURNAMENT_FRAMES`) of the organisers' files and
    their edits through the admin endpoints as they are now."""
    return lambda platform, postgres: tournament_frame(platform.landing_dir(DOMAIN), name, postgres)


TOURNAMENT_MATCH_CONTEXT = match_table(
    "tournament_match_context", tournament.match_context,
    {"matches": "etl/matches", "participants": "etl/participants", "rosters": "etl/rosters"},
    given={"tournament_players": organisers_frame("tournament_players"), "rounds": organisers_frame("tournament_rounds"),
           "schedule": organisers_frame("tournament_schedule"), "overrides": match_overrides},
    after=("landing/synthetic_tournament",),
    publish=Publish(("match_id",), table="tournament_matches"),
    description="""The tournament context of each match the tournament discovery found first, assigned while the
    match is processed: one row per match_id with tournament players (season, division, group, round, slot, status
    and its reason, whether it is a tournament match, tournament teams and unmatched players). The rules are those
    of `transforms.tournament.match_context` over the organisers' files in landing/pubg/tournament/ and the rounds
    and slots of `pubg.tournament_round_edits` and `pubg.tournament_slot_edits` as they are now; the rows of PostgreSQL `pubg.tournament_match_overrides` for the match win, applied on the match's next run.""")
"""The tournament context of each match, from the organisers' files and overrides (`organisers`)."""


ETL_MATCHES, ETL_PARTICIPANTS, ETL_ROSTERS = "etl/matches", "etl/participants", "etl/rosters"
PER_MATCH_REFS = frozenset({ETL_MATCHES, ETL_PARTICIPANTS, ETL_ROSTERS, *(table.ref for table in PER_MATCH_TABLES)})
"""The tables with one partition per match that the tournament tables read."""


def tournament_table(name: str, compute: Callable[..., pl.DataFrame], description: str, inputs: Mapping[str, str],
                     publish: Publish | None = None, matches_of: str | None = None) -> Table:
    """The tournament table `pubg/cons/<name>`: `compute` over its inputs, replaced whole. Its per-match inputs are
    read only for the matches its input `matches_of` holds (every row they are joined to: the tournament's matches,
    not every public match of the lake); without it, for every match."""
    read_for = {param: (matches_of, "match_id") for param, ref in inputs.items() if ref in PER_MATCH_REFS}
    return Table("cons", name, compute, description, inputs, kind="snapshot", publish=publish,
                 columns=COLUMNS.get(name, {}) if publish else {}, read_for=read_for if matches_of else {})


OUTCOMES = "cons/tournament_match_outcomes"
RESULTS, PLAYERS = "cons/team_match_results", "cons/tournament_players"
TOURNAMENT_TABLES = [
    tournament_table(
        "tournament_match_outcomes", lambda match_context, matches: tournament.match_outcomes(match_context, matches),
        "Whether each match with a tournament context counts in the standings, once every match of its slot is "
        "known: one row per match_id with its slot attempt, `is_remake` and `original_match_id` (a slot played "
        "again counts its remake only), the final status (`remade`, `remake_failed` or the context's) and the "
        "reason (see `transforms.tournament.match_outcomes`).",
        {"match_context": "cons/tournament_match_context", "matches": ETL_MATCHES},
        Publish(("match_id",), PublishMode.SNAPSHOT), matches_of="match_context"),
    tournament_table(
        "tournament_scheduled_matches", tournament.scheduled_matches,
        "Every schedule slot with the match that counts for it: one row per slot_id (status pending until one is "
        "played; remade, remake_pending or remake_failed when the slot was played again).",
        {"schedule": "cons/tournament_schedule", "outcomes": OUTCOMES, "rounds": "cons/tournament_rounds"},
        Publish(("slot_id",), PublishMode.SNAPSHOT)),
    tournament_table(
        "team_match_results", leaderboards.team_match_results,
        "Each scored tournament match's teams with their number in the match, placement, kills, knocks and "
        "points (placement and kill points apart): one row per (match_id, team_name).",
        {"outcomes": OUTCOMES, "matches": ETL_MATCHES, "participants": ETL_PARTICIPANTS, "rosters": ETL_ROSTERS,
         "tournament_players": PLAYERS},
        Publish(("match_id", "team_name"), PublishMode.SNAPSHOT, "points"), matches_of="outcomes"),
    tournament_table(
        "player_match_results", leaderboards.player_match_results, leaderboards.player_match_results.__doc__,
        {"team_results": RESULTS, "summaries": "cons/match_summaries", "participants": ETL_PARTICIPANTS,
         "tournament_players": PLAYERS},
        Publish(("match_id", "account_id"), PublishMode.SNAPSHOT, "points"), matches_of="team_results"),
    tournament_table(
        "team_leaderboards", lambda results: leaderboards.leaderboard(results, ("team_name",)),
        "Team leaderboards per season, division, group and round: one row per (scope, scope keys, team_name) "
        "with rank, rank change since the previous round or match (`rank_change_since`), points and their "
        "placement and kill parts (see `transforms.leaderboards` for the points table), kills, knocks, wins, "
        "average placement and the last six placements.", {"results": RESULTS},
        Publish(("scope", "season_id", "division_id", "group_id", "round_id", "team_name"), PublishMode.SNAPSHOT,
                "points")),
    tournament_table(
        "tournament_team_standings_history", leaderboards.standings_history,
        "Each team's cumulative group standing after every round: one row per (season_id, division_id, "
        "group_id, round_id, team_name).", {"results": RESULTS},
        Publish(("season_id", "division_id", "group_id", "round_id", "team_name"), PublishMode.SNAPSHOT, "points")),
    tournament_table(
        "player_leaderboards", leaderboards.player_leaderboards, leaderboards.player_leaderboards.__doc__,
        {"player_results": "cons/player_match_results", "match_summaries": "cons/match_summaries",
         "distribution": "cons/player_match_weapon_distribution"},
        Publish(("scope", "season_id", "division_id", "group_id", "round_id", "account_id", "player_name",
                 "team_name"), PublishMode.SNAPSHOT, "points"), matches_of="player_results"),
]
"""The tournament tables computed from other tables, each replaced whole."""

MATCH_TYPE_CHECK = f"match_type IN ({', '.join(repr(name) for name in (career.ALL, *career.MATCH_TYPES.values()))})"
"""The slices of match types a career table has rows for (`career.MATCH_TYPES`)."""


def career_table(name: str, fold: Fold, defined_by: Callable, source: str, key: tuple[str, ...],
                 sum_column: str) -> Table:
    """The career table `pubg/cons/<name>`, defined by `defined_by`'s docstring: `fold` over every match's rows of
    the per-match table `source`, kept from its Delta log, published whole with one row per `key`."""
    return folded("cons", name, fold, f"{defined_by.__doc__} A fold of every match's `{source}`: exact sums kept from "
                  "its Delta log, so a new match costs its own rows.", source, columns=COLUMNS[name],
                  publish=Publish(key, PublishMode.SNAPSHOT, sum_column, checks=(MATCH_TYPE_CHECK,)))


CAREER_STATS = career_table("player_advanced_career_stats", career.CAREER_FOLD, career.career_stats,
                            "cons/match_summaries", ("account_id", "match_type"), "kills")
"""Each player's career over every match in the lake, per match type (`career.career_stats`)."""
DAMAGE_STATS = career_table("player_damage_stats", career_damage.DAMAGE_FOLD, career_damage.damage_stats,
                            "cons/player_match_damage", ("account_id", "match_type", *career_damage.KINDS), "damage")
"""Each player's career damage by kind, per match type (`career_damage.damage_stats`)."""
WEAPON_STATS = career_table("player_weapon_stats", career_weapons.WEAPON_FOLD, career_weapons.weapon_stats,
                            "cons/player_match_weapons", ("account_id", "match_type", "weapon"), "kills")
"""Each player's career with each weapon, per match type (`career_weapons.weapon_stats`)."""
CAREER_TABLES = [CAREER_STATS, DAMAGE_STATS, WEAPON_STATS]
"""The career tables, each a fold of a per-match table over every match."""
