"""The rocket domain: Rocket League replays (raw, ballchasing, carball) → matches, player stats over time,
weaknesses, rank prediction and training-pack recommendations.

Daily tables are keyed by the day the games were played (``landing/rocket/<YYYY-MM-DD>/``); the analytics
over a player's whole history (skills, rank prediction, recommendations) are snapshots rebuilt from every
day. Each table is one function of ``transforms`` (whose docstring defines it).
"""


import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.defs.rocket.transforms import rank, recommend, sessions, skills, tables
from gamestats_assets.defs.rocket.transforms.landing import SESSION_SCHEMA, read_day
from gamestats_assets.sources.ballchasing.training_packs import CATALOGUE_FILE, read_catalogue
from gamestats_assets.generator.emitters.rocket import SYNTHETIC_FOLDER, emit_day
from gamestats_assets.lib.assets import lake_asset
from gamestats_assets.lib.discovery import PartitionDiscovery, files_fingerprint, fingerprint_metadata
from gamestats_assets.lib.landing import ensure_day, landing_asset
from gamestats_assets.lib.partitioned import days_of, per_partition
from gamestats_assets.lib.partitions import daily_partitions, every_partition
from gamestats_assets.lib.quarantine import quarantine_file
from gamestats_assets.lib.resources import PlatformResource

DOMAIN = "rocket"
LANDING_KEY = dg.AssetKey([DOMAIN, "landing", "replays"])
TRUTH_SCHEMA = {"date": pl.Date, "player_id": pl.String, "weakness": pl.String}


def day_files(folder: Path) -> list[Path]:
    """Every file of a day's landing folder, in subfolders too, hidden and partial ones aside."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def find_days(platform: PlatformResource) -> dict[str, str]:
    """Days in ``landing/rocket/`` with files (at any depth), and the fingerprint of their files."""
    root = platform.landing_dir(DOMAIN)
    found = {}
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        files = day_files(folder)
        if files and daily_partitions.has_partition_key(folder.name):
            found[folder.name] = files_fingerprint(files)
    return found


LANDING = PartitionDiscovery(DOMAIN, daily_partitions, find_days, LANDING_KEY)
"""The days in landing/rocket/ and the fingerprints of their files (subfolders included: users drop
replays where they like, and the emitter writes under ``synthetic/``)."""


def day_folder(platform: PlatformResource, key: str) -> Path:
    return platform.landing_dir(DOMAIN) / key


@landing_asset(DOMAIN, "replays")
def landing_replays(context: dg.AssetExecutionContext, platform: PlatformResource) -> dg.MaterializeResult:
    """The day's replays in ``landing/rocket/<day>/``, at any depth: raw ``.replay`` files, ballchasing replay
    JSON, carball analysis JSON, and ``training_sessions*.jsonl`` logs. Delivered files are kept as they
    are. With ``GAMESTATS_SOURCE=synthetic`` the emitter adds the day's synthetic games beside them, once
    (``GAMESTATS_USERS`` ranked players with planted weaknesses, in ``synthetic/``); with
    ``GAMESTATS_SOURCE=files`` nothing is generated and a day without files fails."""
    generated = 0
    anchor = dt.date.fromisoformat(platform.anchor_date)
    for day in days_of(context):
        folder = day_folder(platform, day.isoformat())
        delivered = (folder / SYNTHETIC_FOLDER).is_dir() if platform.generates else bool(day_files(folder))
        generated += ensure_day(
            folder, delivered,
            lambda day=day: emit_day(platform.landing_dir(DOMAIN), day, seed=platform.seed,
                                     n_players=platform.users, anchor=min(anchor, day)),
            platform,
        )
    files = [f for day in days_of(context) for f in day_files(day_folder(platform, day.isoformat()))]
    return dg.MaterializeResult(metadata={
        **fingerprint_metadata(LANDING, platform, context.partition_keys),
        "days_generated": generated, "files": len(files), "bytes": sum(f.stat().st_size for f in files),
    })


ETL_TABLES = ("matches", "match_players", "match_stats", "training_sessions", "planted_weaknesses")


@dg.multi_asset(
    outs={name: dg.AssetOut(key=[DOMAIN, "etl", name], io_manager_key="lake", kinds={"delta"}, group_name=DOMAIN,
                            metadata={"partition_column": "date"}) for name in ETL_TABLES},
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[landing_replays],
)
def etl_replays(context: dg.AssetExecutionContext, platform: PlatformResource):
    """The day's landing files parsed, one row per source's record (a game landed as a raw replay and as
    ballchasing JSON is two records here, one match later):
    ``etl/matches`` (key ``match_id, source``), ``etl/match_players`` (``match_id, player_id, source``),
    ``etl/match_stats`` (``match_id, player_id, stat_type, source``; a feature the source lacks is null with
    its ``null_reason``), ``etl/training_sessions`` (``session_id``) and ``etl/planted_weaknesses``
    (``player_id``: the synthetic truth). A file that is not a Rocket League file or does not parse is
    quarantined under ``quarantine/rocket/<day>/`` with the reason."""
    outputs: dict[str, list[pl.DataFrame]] = {name: [] for name in ETL_TABLES}
    quarantined = 0
    for day in days_of(context):
        landing = read_day(day_folder(platform, day.isoformat()))
        for path, reason in landing.rejected:
            quarantine_file(platform.quarantine_dir, path, DOMAIN, day.isoformat(), reason)
            quarantined += 1
        for name, frame in tables.etl_tables(landing.matches, day).items():
            outputs[name].append(frame)
        outputs["training_sessions"].append(landing.sessions_frame().with_columns(date=pl.lit(day)))
        truth = [(day, p["player_id"], p["weakness"]) for document in landing.truth for p in document["players"]]
        outputs["planted_weaknesses"].append(
            pl.DataFrame(truth, schema=TRUTH_SCHEMA, orient="row").unique("player_id", keep="first"))
    context.add_output_metadata({"files_quarantined": quarantined}, output_name="matches")
    for name in ETL_TABLES:
        yield dg.Output(pl.concat(outputs[name], how="vertical_relaxed"), output_name=name)


def etl_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([DOMAIN, "etl", name])


@lake_asset(DOMAIN, "cons", "matches", partitions_def=daily_partitions, partition_column="date",
            ins={"etl_matches": dg.AssetIn(etl_key("matches"))})
def matches(context: dg.AssetExecutionContext, etl_matches: pl.DataFrame) -> pl.DataFrame:
    """``matches``: one row per game played that day (key ``date, match_id``), from its most detailed source,
    with every source that knows it, the ballchasing id, scores, goals and result (``tables.matches``)."""
    return per_partition(context, lambda key: tables.matches(
        etl_matches.filter(pl.col("date") == dt.date.fromisoformat(key))))


@lake_asset(DOMAIN, "std", "match_players", partitions_def=daily_partitions, partition_column="date",
            ins={"etl_players": dg.AssetIn(etl_key("match_players")), "matches": dg.AssetIn(matches.key)})
def match_players(context: dg.AssetExecutionContext, etl_players: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """The players of each match from its best source (key ``date, match_id, player_id``), with the rank
    any source gave and its band (``tables.match_players``)."""
    return per_partition(context, lambda key: tables.match_players(
        etl_players.filter(pl.col("date") == dt.date.fromisoformat(key)),
        matches.filter(pl.col("date") == dt.date.fromisoformat(key))))


@lake_asset(DOMAIN, "cons", "users", partitions_def=daily_partitions, partition_column="date",
            ins={"match_players": dg.AssetIn(match_players.key), "matches": dg.AssetIn(matches.key)})
def users(context: dg.AssetExecutionContext, match_players: pl.DataFrame, matches: pl.DataFrame) -> pl.DataFrame:
    """``users``: every player seen that day (key ``date, player_id``) with latest name, rank and band, the
    day's matches and main playlist (``tables.users``)."""
    return per_partition(context, lambda key: tables.users(
        match_players.filter(pl.col("date") == dt.date.fromisoformat(key)),
        matches.filter(pl.col("date") == dt.date.fromisoformat(key))))


@lake_asset(DOMAIN, "cons", "player_stats", partitions_def=daily_partitions, partition_column="date",
            ins={"etl_stats": dg.AssetIn(etl_key("match_stats")), "match_players": dg.AssetIn(match_players.key),
                 "matches": dg.AssetIn(matches.key)})
def player_stats(context: dg.AssetExecutionContext, etl_stats: pl.DataFrame, match_players: pl.DataFrame,
                 matches: pl.DataFrame) -> pl.DataFrame:
    """``player_stats``: long form, one row per match, player and stat (key ``date, match_id, player_id,
    stat_type``), with the match's time, the value's source, a Wilson interval for count rates and the
    percentile against the day's players of the same rank band and playlist (``tables.player_stats``)."""
    return per_partition(context, lambda key: tables.player_stats(
        etl_stats.filter(pl.col("date") == dt.date.fromisoformat(key)),
        match_players.filter(pl.col("date") == dt.date.fromisoformat(key)),
        matches.filter(pl.col("date") == dt.date.fromisoformat(key))))


@lake_asset(DOMAIN, "cons", "training_packs")
def training_packs(platform: PlatformResource) -> pl.DataFrame:
    """``training_packs``: the real custom training packs of ``data/reference/rocket`` (key ``code``) with
    creator, difficulty (and its division index), tags, shots and the skill categories they train
    (``packs.read_catalogue``; tags and categories ``;``-joined)."""
    return read_catalogue(platform.reference_dir(DOMAIN) / CATALOGUE_FILE)


@lake_asset(DOMAIN, "cons", "training_sessions", partitions_def=daily_partitions, partition_column="date",
            ins={"etl_sessions": every_partition(etl_key("training_sessions"))})
def training_sessions(context: dg.AssetExecutionContext, platform: PlatformResource,
                      etl_sessions: pl.DataFrame) -> pl.DataFrame:
    """``training_sessions`` of the day (key ``date, session_id``): pack, duration, attempts, successes,
    success rate with its interval, the improvement over the player's previous session on the pack,
    looked up in the whole history, and whether the pack is in the reference catalogue
    (``sessions.training_sessions``)."""
    frame = etl_sessions if etl_sessions.height else pl.DataFrame(schema={**SESSION_SCHEMA, "date": pl.Date})
    history = sessions.training_sessions(frame, read_catalogue(platform.reference_dir(DOMAIN) / CATALOGUE_FILE))
    return history.filter(pl.col("date").is_in(days_of(context)))


@lake_asset(DOMAIN, "cons", "player_weaknesses",
            ins={"stats": every_partition(player_stats.key), "seen": every_partition(users.key),
                 "planted": every_partition(etl_key("planted_weaknesses"))})
def player_weaknesses(context: dg.AssetExecutionContext, stats: pl.DataFrame, seen: pl.DataFrame,
                  planted: pl.DataFrame) -> pl.DataFrame:
    """``player_weaknesses``: one row per player and skill over the whole history (key ``player_id,
    skill``): indicators, z against same-rank peers, rank percentile, p-value, BH-adjusted p-value,
    ``is_weak``, and the calibrated classifier's probability (``skills``). On synthetic data the metadata
    scores the detection against the planted truth."""
    scores = skills.skill_scores(skills.player_levels(stats, seen))
    truth = planted.unique("player_id").select("player_id", "weakness") if planted.height else None
    scored, classifier = skills.weakness_classifier(scores, truth)
    detection = skills.truth_scores(scores, truth) if truth is not None else {}
    context.add_output_metadata({**{f"truth_{k}": v for k, v in detection.items()},
                                 **{f"classifier_{k}": v for k, v in classifier.items() if k != "calibration"},
                                 "classifier_calibration": dg.MetadataValue.json(classifier.get("calibration", []))})
    return scored


@lake_asset(DOMAIN, "cons", "rank_predictions",
            ins={"stats": every_partition(player_stats.key), "seen": every_partition(users.key)})
def rank_predictions(context: dg.AssetExecutionContext, stats: pl.DataFrame, seen: pl.DataFrame) -> pl.DataFrame:
    """``rank_predictions``: per ranked player (key ``player_id``), the rank in divisions and the rank a
    regressor predicts from their stats, and whether the player was held out of training; metadata: the
    held-out mean absolute error beside the population-mean baseline's (``rank``)."""
    predictions, metadata = rank.predict_ranks(rank.player_features(stats, seen))
    context.add_output_metadata(metadata)
    return predictions


@lake_asset(DOMAIN, "cons", "recommendations",
            ins={"history": every_partition(training_sessions.key), "player_weaknesses": dg.AssetIn(player_weaknesses.key),
                 "training_packs": dg.AssetIn(training_packs.key)})
def recommendations(player_weaknesses: pl.DataFrame, training_packs: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """``recommendations``: per player up to three packs for each weakest skill (key ``player_id,
    pack_code``), near the player's rank, never a pack the player mastered (``recommend``)."""
    mastered = (sessions.mastered_packs(history) if history.height
                else pl.DataFrame(schema={"player_id": pl.String, "pack_code": pl.String}))
    return recommend.recommendations(player_weaknesses, training_packs, mastered)


ASSETS = [landing_replays, etl_replays, matches, match_players, users, player_stats, training_packs,
          training_sessions, player_weaknesses, rank_predictions, recommendations]
