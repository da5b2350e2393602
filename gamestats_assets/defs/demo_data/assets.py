"""The demo_data domain: taxonomy → rules → users → daily ThinkingData logs → typed tables.

The landing asset writes each day's synthetic log into `landing/demo_data/<day>/` unless a user dropped
files there (a real export is processed exactly like synthetic data). ETL parses the
day's files line by line; a line that is not valid ThinkingData is quarantined with its reason, a file
that is not text at all is quarantined whole.
"""

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.defs.demo_data.columns import COLUMNS
from gamestats_assets.defs.demo_data.profiles import (
    ACCOUNTS_SCHEMA,
    PROFILE_SCHEMA,
    UNKNOWN_SEGMENT,
    accounts_of_days,
    until,
    user_profiles,
)
from gamestats_assets.defs.demo_data.transforms.measures import conversion, retention
from gamestats_assets.lib.authoring.assets import Publish, PublishMode, lake_asset
from gamestats_assets.lib.intake.discovery import day_folder, day_folders, files_fingerprint, fingerprint_metadata, refused_files
from gamestats_assets.lib.authoring.headline import (
    Figures,
    Headline,
    describe_headline,
    rate_figures,
    rate_meanings,
    record_headline,
)
from gamestats_assets.lib.core.partitions import daily_partitions, every_partition
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.lib.core.stats import with_wilson
from gamestats_assets.lib.intake.landing import ensure_day, landing_asset, record_sources
from gamestats_assets.lib.intake.quarantine import quarantine_file, quarantine_records, record_read
from gamestats_assets.lib.intake.synthetic import synthetic
from gamestats_assets.lib.lake.delta import INPUT_COLUMNS, DeltaLakeIOManager, FrameStream, mapped, partition_values
from gamestats_assets.sources.taxonomy.log_format import day_file_name, property_types
from gamestats_assets.sources.taxonomy.population import PopulationConfig
from gamestats_assets.sources.taxonomy.rules import ProductInfo, RuleSet
from gamestats_assets.sources.thinkingdata import LineSchema, stream_files

DOMAIN = "demo_data"
DEFAULT_TAXONOMY = "data/taxonomies/mobile_rpg.xlsx"
SYNTHETIC_PREFIX = "synthetic-"
LANDING = day_folders(DOMAIN, daily_partitions, dg.AssetKey([DOMAIN, "landing", "event_logs"]))
"""The days in landing/demo_data/ and the fingerprints of their files."""


class TaxonomyConfig(dg.Config):
    """Which taxonomy to generate from (XLSX, or the `_events.csv` of a CSV pair) and what it describes."""

    taxonomy: str = DEFAULT_TAXONOMY
    industry: str = "game"
    platform: str = "mobile"


def rules_of(event_rules: pl.DataFrame) -> RuleSet:
    return RuleSet.from_dict(json.loads(event_rules["rules_json"][0]))


@lake_asset(DOMAIN, "reference", "event_rules")
def event_rules(config: TaxonomyConfig) -> pl.DataFrame:
    """The rule set inferred from the taxonomy: one row holding the taxonomy's name and hash, the product
    it describes, and the rules as JSON (constraints, relationships, sequences, funnels, segment profiles)."""
    path = Path(config.taxonomy)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    rules = synthetic(DOMAIN, "build_rules")(path, ProductInfo(industry=config.industry, platform=config.platform))
    return pl.DataFrame({
        "taxonomy": [path.name],
        "taxonomy_sha256": [hashlib.sha256(path.read_bytes()).hexdigest()],
        "industry": [config.industry],
        "platform": [config.platform],
        "rules_json": [json.dumps(rules.to_dict(), sort_keys=True)],
    })


@lake_asset(DOMAIN, "reference", "users", ins={"event_rules": dg.AssetIn(event_rules.key)})
def users(platform: PlatformResource, event_rules: pl.DataFrame) -> pl.DataFrame:
    """The synthetic population: one row per user (key `account_id`) with segment, lifecycle dates,
    preset device properties and user properties, plus the `anchor_date` and `seed` it was built from.

    Size, seed and anchor come from `GAMESTATS_USERS`, `GAMESTATS_SEED` and `GAMESTATS_ANCHOR_DATE`.
    """
    anchor = dt.date.fromisoformat(platform.anchor_date)
    build_users = synthetic(DOMAIN, "build_users")
    population = build_users(rules_of(event_rules), PopulationConfig(users=platform.users, seed=platform.seed, anchor=anchor))
    return population.with_columns(anchor_date=pl.lit(anchor), seed=pl.lit(platform.seed, dtype=pl.Int64))


def synthetic_inputs(event_rules: pl.DataFrame, users: pl.DataFrame, day: dt.date) -> str:
    """A digest of everything a synthetic day's bytes depend on: the rules, the population (with its seed
    and anchor date), the day and the generator's code."""
    digest = hashlib.sha256()
    for part in (event_rules["rules_json"][0].encode(), users.hash_rows().to_numpy().tobytes(),
                 day.isoformat().encode(), synthetic(DOMAIN, "code_digest")().encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def synthetic_stamp(platform: PlatformResource, key: str) -> Path:
    """`<data_dir>/state/synthetic/demo_data/<day>.json`: the inputs a day's synthetic file was written
    from, and the file's fingerprint once written."""
    return Path(platform.data_dir) / "state" / "synthetic" / DOMAIN / f"{key}.json"


def synthetic_stamp_text(inputs: str, path: Path) -> str:
    return json.dumps({"inputs": inputs, "file": files_fingerprint([path])}, sort_keys=True)


@landing_asset(DOMAIN, "event_logs", ins={"event_rules": dg.AssetIn(event_rules.key), "users": dg.AssetIn(users.key)})
def event_logs(context: dg.AssetExecutionContext, platform: PlatformResource, event_rules: pl.DataFrame,
               users: pl.DataFrame) -> dg.MaterializeResult:
    """The day's source files in `landing/demo_data/<day>/`: ThinkingData JSONL, one line per track event
    or user_set update. Files a user dropped in (a real export) are the day's data, and an earlier
    synthetic file beside them is removed; a day without them is generated as `synthetic-YYYYMMDD.jsonl`
    (the same bytes for the same population, seed and day) unless `GAMESTATS_SOURCE=files`. Links and names that
    are not UTF-8 are quarantined unread (`refused_files`). A synthetic
    file is written again only when what it depends on changed (rules, population, seed, day, generator
    code: `synthetic_inputs`) or the file itself did, as recorded in `synthetic_stamp`."""
    rules = rules_of(event_rules)
    generated, files, sources = [], [], {}
    for key in context.partition_keys:
        folder = day_folder(platform, DOMAIN, key)
        for path, reason in refused_files(folder, recursive=True):
            quarantine_file(platform.quarantine_dir, path, DOMAIN, key, reason)
        for path in unclaimed_files(folder):
            quarantine_file(platform.quarantine_dir, path, DOMAIN, key,
                            "not a ThinkingData export: name it *.jsonl or *.jsonl.gz")
        synthetic_files = sorted(folder.glob(f"{SYNTHETIC_PREFIX}*.jsonl"))
        delivered = any(not p.name.startswith(SYNTHETIC_PREFIX) for p in day_files(folder))
        if delivered:
            for stale in synthetic_files:
                stale.unlink()
        day = dt.date.fromisoformat(key)

        def write_synthetic_day(folder=folder, day=day, key=key) -> None:
            path, stamp = folder / f"{SYNTHETIC_PREFIX}{day_file_name(day)}", synthetic_stamp(platform, key)
            inputs = synthetic_inputs(event_rules, users, day)
            if path.exists() and stamp.exists() and stamp.read_text() == synthetic_stamp_text(inputs, path):
                return
            stamp.unlink(missing_ok=True)
            synthetic(DOMAIN, "write_day")(rules, users, day, int(users["seed"][0]), users["anchor_date"][0], path)
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(synthetic_stamp_text(inputs, path))
            generated.append(key)

        sources[key] = ensure_day(folder, [p for p in day_files(folder) if not p.name.startswith(SYNTHETIC_PREFIX)],
                                  write_synthetic_day, platform, DOMAIN, lambda folder: [])
        files += day_files(folder)
    return dg.MaterializeResult(metadata={
        **fingerprint_metadata(LANDING, platform, context.partition_keys), **record_sources(DOMAIN, sources),
        "days_generated": len(generated),
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
    })


DAY_PATTERNS = ("*.jsonl", "*.jsonl.gz")
"""The files of a day folder that are read: ThinkingData JSONL, plain or gzipped."""


def day_files(folder: Path) -> list[Path]:
    """The day's ThinkingData files, sorted."""
    return sorted({p for pattern in DAY_PATTERNS for p in folder.glob(pattern) if p.is_file()})


def unclaimed_files(folder: Path) -> list[Path]:
    """The files of a day folder that are not ThinkingData files (hidden files aside)."""
    if not folder.is_dir():
        return []
    claimed = set(day_files(folder))
    return sorted(p for p in folder.iterdir() if p not in claimed and not p.name.startswith("."))


def parse_day(platform: PlatformResource, partition: str, schema: LineSchema) -> FrameStream:
    """One day's landing files as typed rows, batch by batch (the ThinkingData reader with the taxonomy's
    property types and the properties as delivered). Unreadable files are quarantined at once; at the end of
    each complete pass the rejected lines are quarantined and the lines read counted. A day whose files held
    no readable line fails."""
    folder = day_folder(platform, DOMAIN, partition)
    stream = stream_files(day_files(folder), schema)
    for path, reason in stream.unreadable:
        quarantine_file(platform.quarantine_dir, path, DOMAIN, partition, reason)
    day = dt.date.fromisoformat(partition)

    def typed(frame: pl.DataFrame) -> pl.DataFrame:
        return (frame.rename({"_file": "source_file", "_record": "line_number"})
                .with_columns(pl.col("source_file").cast(pl.Utf8), pl.col("#time").cast(pl.Datetime("us")),
                              date=pl.lit(day)))

    def batches() -> Iterator[pl.DataFrame]:
        rows = 0
        for frame in stream:
            rows += frame.height
            yield typed(frame)
        quarantine_records(platform.quarantine_dir, stream.rejects, DOMAIN, partition, "events")
        record_read(platform.quarantine_dir, DOMAIN, partition, "events", stream.stats.as_dict())
        if (stream.stats.lines or stream.unreadable) and rows == 0:
            raise dg.Failure(description=f"every line delivered for {partition} was rejected or unreadable: see "
                             f"{platform.quarantine_dir / DOMAIN / partition}")

    return FrameStream(typed(schema.empty()).schema, batches)


@lake_asset(DOMAIN, "etl", "events", partitions_def=daily_partitions, partition_column="date", deps=[event_logs],
            ins={"event_rules": dg.AssetIn(event_rules.key)})
def events(context: dg.AssetExecutionContext, platform: PlatformResource, event_rules: pl.DataFrame) -> FrameStream:
    """The day's log lines parsed and typed: one row per record (key `date`, `source_file`,
    `line_number`: the record's number among the file's non-blank lines), root keys (`#type`,
    `#account_id`, `#time`, `#event_name` ...), every taxonomy property as its own typed column, and
    `properties`, the properties as delivered (JSON text, including any the taxonomy does not name). Lines
    that are not valid ThinkingData go to quarantine with their reason; a record delivered twice counts once.
    Written batch by batch as the lines are read: a day is never held whole."""
    schema = LineSchema(property_types(rules_of(event_rules)), raw_properties=True)
    days = [parse_day(platform, key, schema) for key in context.partition_keys]
    return FrameStream(days[0].schema, lambda: itertools.chain.from_iterable(day.batches() for day in days))


ROOT_COLUMNS = {
    "#type": "event_type",
    "#account_id": "account_id",
    "#distinct_id": "distinct_id",
    "#event_name": "event_name",
    "#time": "event_time",
    "#uuid": "uuid",
    "#ip": "ip",
}


@lake_asset(DOMAIN, "std", "accounts", partitions_def=daily_partitions, partition_column="date",
            ins={"lines": dg.AssetIn(events.key, dagster_type=pl.LazyFrame)})
def accounts(lines: pl.LazyFrame) -> pl.DataFrame:
    """The accounts of the day's lines (key `date`, `account_id`): each with the last segment its own `user_set`
    lines of the day set, that line's `#time` and line number (null without one). Profiles as known on a day
    (`profiles_by_day`) read these rows of the days up to it, a small part of those days' lines."""
    return accounts_of_days(lines)


def require_accounts(context: dg.AssetExecutionContext, through: dt.date | None = None) -> None:
    """Fail unless `std/accounts` was materialized for every day whose lines are in `etl/events` (up to `through`
    when given) and for the run's days: profiles as known on a day read every day's accounts up to it, and a day
    left out would leave its accounts unseen (their install dates later, their own segments lost)."""
    lines = {key for key in context.instance.get_materialized_partitions(events.key)
             if through is None or dt.date.fromisoformat(key) <= through}
    run_days = set(context.partition_keys) if context.assets_def.partitions_def is not None else set()
    missing = sorted((lines | run_days) - context.instance.get_materialized_partitions(accounts.key))
    if missing:
        raise dg.Failure(description=f"{DOMAIN}/std/accounts was never materialized for {', '.join(missing[:10])}"
                                     f"{' ...' if len(missing) > 10 else ''}: materialize it for those days first")


def profiles_by_day(history: pl.LazyFrame, users: pl.DataFrame, days) -> pl.DataFrame:
    """Each account's profile (segment, install date) as known on each of `days` (key `date`,
    `account_id`), from `history` (`std/accounts` of every day, `require_accounts`): a day's tables never change
    when later days arrive."""
    if not history.collect_schema():
        history = pl.LazyFrame(schema=ACCOUNTS_SCHEMA)
    frames = [user_profiles(until(history, day), users).with_columns(date=pl.lit(day, dtype=pl.Date)) for day in days]
    return pl.concat(frames) if frames else pl.DataFrame(schema={**PROFILE_SCHEMA, "date": pl.Date})


@lake_asset(
    DOMAIN,
    "cons",
    "events",
    partitions_def=daily_partitions,
    partition_column="date",
    ins={"history": every_partition(accounts.key), "users": dg.AssetIn(users.key)},
    publish=Publish(("date", "source_file", "line_number"), sum_column="line_number", indexes=("account_id",)),
    columns=COLUMNS["events"],
)
def cons_events(context: dg.AssetExecutionContext, lake: dg.ResourceParam[DeltaLakeIOManager],
                history: pl.LazyFrame, users: pl.DataFrame) -> FrameStream:
    """Every event of the day in a fixed shape for analysts: one row per record (key `date`,
    `source_file`, `line_number`) with the user's segment (the export's own `segment` user property,
    else the population's, else `unknown`, as known on that day) and the properties as delivered (one
    JSON object, exactly the keys the line had). The day's lines are read and written batch by batch: the day
    is never held whole."""
    days = partition_values(daily_partitions, context.partition_keys)
    require_accounts(context, max(days))
    profiles = profiles_by_day(history, users, days).select("date", "account_id", "segment")

    def shaped(lines: pl.DataFrame) -> pl.DataFrame:
        return (
            lines.select("date", "source_file", "line_number",
                         *[pl.col(c).alias(name) for c, name in ROOT_COLUMNS.items()],
                         pl.col("properties").fill_null("{}"))
            .with_columns(pl.col("event_time").cast(pl.Datetime("ms")))
            .join(profiles, on=["date", "account_id"], how="left", maintain_order="left")
            .with_columns(pl.col("segment").fill_null(UNKNOWN_SEGMENT))
            .select("date", "source_file", "line_number", *ROOT_COLUMNS.values(), "segment", "properties")
        )

    lines = lake.batches(events, context.partition_keys, ["date", "source_file", "line_number", *ROOT_COLUMNS,
                                                          "properties"])
    return mapped(lines, shaped)


DAILY_ACTIVITY_HEADLINE = Headline({
    "active_users": "users with at least one track event on the day, every segment",
    "track_events": "track events of the day",
    "user_updates": "user_set updates of the day",
    "new_users": "users whose install date is the day (for a dropped-in export's users, the day of their first line)",
}, lambda day: {c: int(day.get_column(c).sum() or 0)
                for c in ("active_users", "track_events", "user_updates", "new_users")})


def retention_figures(by_segment: pl.DataFrame) -> Figures:
    """D1 and D7 retention over every segment, from the segments' cohorts and retained users."""
    return {name: value for lag in ("d1", "d7") for name, value in rate_figures(
        lag, int(by_segment.get_column(f"retained_{lag}").sum() or 0),
        int(by_segment.get_column(f"cohort_{lag}").sum() or 0)).items()}


RETENTION_HEADLINE = Headline({
    name: meaning for lag, days in (("d1", 1), ("d7", 7)) for name, meaning in rate_meanings(
        lag, f"D{days} retention over every segment: the share of the users installed on a measured day who are "
        f"active {days} day(s) later", "users installed on a day whose day " f"{days} is in the data",
        f"of those, users active {days} day(s) after installing").items()
}, retention_figures)

CONVERSION_HEADLINE = Headline(rate_meanings(
    "conversion", "conversion over every segment: the share of the active users who did the conversion event",
    "users active at least once", "of those, users who did the conversion event"),
    lambda by_segment: rate_figures("conversion", int(by_segment.get_column("converted_users").sum() or 0),
                                    int(by_segment.get_column("active_users").sum() or 0)))


@lake_asset(
    DOMAIN,
    "cons",
    "daily_activity",
    partitions_def=daily_partitions,
    partition_column="date",
    ins={"day_events": dg.AssetIn(cons_events.key, metadata={INPUT_COLUMNS: ["date", "segment", "account_id", "event_type"]}),
         "history": every_partition(accounts.key), "users": dg.AssetIn(users.key)},
    publish=Publish(("date", "segment"), sum_column="track_events"), columns=COLUMNS["daily_activity"],
)
def daily_activity(
    context: dg.AssetExecutionContext, day_events: pl.DataFrame, history: pl.LazyFrame, users: pl.DataFrame
) -> pl.DataFrame:
    """Activity per day and segment (key `date`, `segment`): active users (at least one track event),
    track events, user_set updates, and new users (whose install date is that day). Every account counts:
    users of a dropped-in export under their own `segment` user property, else `unknown`, installed on
    the day of their first line."""
    activity = day_events.group_by("date", "segment").agg(
        pl.col("account_id").filter(pl.col("event_type") == "track").drop_nulls().n_unique().alias("active_users"),
        (pl.col("event_type") == "track").sum().alias("track_events"),
        (pl.col("event_type") == "user_set").sum().alias("user_updates"),
    )
    days = day_events["date"].unique().sort().to_list()
    require_accounts(context, max(days, default=None))
    installs = (
        profiles_by_day(history, users, days).filter(pl.col("install_date") == pl.col("date"))
        .group_by("date", "segment").agg(pl.len().alias("new_users"))
    )
    segments = pl.concat([users.select("segment"), activity.select("segment"), installs.select("segment")]).unique()
    grid = pl.DataFrame({"date": days}, schema={"date": pl.Date}).join(segments, how="cross")
    frame = (
        grid.join(activity, on=["date", "segment"], how="left")
        .join(installs, on=["date", "segment"], how="left")
        .select(
            "date",
            "segment",
            *[pl.col(c).fill_null(0).cast(pl.Int64) for c in ("active_users", "track_events", "user_updates", "new_users")],
        )
        .sort("date", "segment")
    )
    record_headline(context, DAILY_ACTIVITY_HEADLINE, frame, "date")
    return frame


@lake_asset(DOMAIN, "cons", "retention", ins={"etl_events": every_partition(events.key),
                                               "history": every_partition(accounts.key), "users": dg.AssetIn(users.key)},
            publish=Publish(("segment",), PublishMode.SNAPSHOT, sum_column="cohort_d1"), columns=COLUMNS["retention"])
def retention_by_segment(context: dg.AssetExecutionContext, etl_events: pl.LazyFrame, history: pl.LazyFrame,
                         users: pl.DataFrame) -> pl.DataFrame:
    """D1 and D7 retention per segment over every day in the lake (key `segment`): of the users who
    installed on a day whose day 1 (day 7) is in the data, the share active that day; with cohort sizes
    and 95 % Wilson intervals. Users of a dropped-in export count, with their own segment (else
    `unknown`) and the day of their first line as install date."""
    require_accounts(context)
    lines = etl_events.select("#type", "#account_id", "#time").collect()
    measured = retention(lines, user_profiles(history, users))
    for lag in ("d1", "d7"):
        if f"cohort_{lag}" not in measured.columns:
            measured = measured.with_columns(pl.lit(0, dtype=pl.UInt32).alias(f"cohort_{lag}"), pl.lit(None, dtype=pl.Float64).alias(lag))
        measured = measured.with_columns(
            pl.col(f"cohort_{lag}").fill_null(0).cast(pl.Int64),
            (pl.col(lag).fill_null(0.0) * pl.col(f"cohort_{lag}").fill_null(0)).round().cast(pl.Int64).alias(f"retained_{lag}"),
        )
        measured = with_wilson(measured, f"retained_{lag}", f"cohort_{lag}", lag)
    frame = measured.select(
        "segment",
        *[c for lag in ("d1", "d7") for c in (f"cohort_{lag}", f"retained_{lag}", lag, f"{lag}_ci_low", f"{lag}_ci_high")],
    )
    record_headline(context, RETENTION_HEADLINE, frame)
    return frame


@lake_asset(
    DOMAIN,
    "cons",
    "conversion",
    ins={"etl_events": every_partition(events.key), "history": every_partition(accounts.key),
         "users": dg.AssetIn(users.key), "event_rules": dg.AssetIn(event_rules.key)},
    publish=Publish(("segment",), PublishMode.SNAPSHOT, sum_column="converted_users"), columns=COLUMNS["conversion"],
)
def conversion_by_segment(
    context: dg.AssetExecutionContext, etl_events: pl.LazyFrame, history: pl.LazyFrame, users: pl.DataFrame,
    event_rules: pl.DataFrame,
) -> pl.DataFrame:
    """Conversion per segment over every day in the lake (key `segment`): of the users active at least
    once, the share who did the conversion event (the last step of the last funnel), with a 95 % Wilson
    interval. Users of a dropped-in export count under their own segment, else `unknown`."""
    require_accounts(context)
    lines = etl_events.select("#type", "#account_id", "#event_name").collect()
    measured = conversion(lines, user_profiles(history, users), rules_of(event_rules)).with_columns(
        pl.col("active_users").cast(pl.Int64), pl.col("converted_users").cast(pl.Int64)
    )
    frame = with_wilson(measured, "converted_users", "active_users", "conversion")
    record_headline(context, CONVERSION_HEADLINE, frame)
    return frame


ASSETS = [event_rules, users, event_logs, events, accounts, cons_events, describe_headline(daily_activity, DAILY_ACTIVITY_HEADLINE),
          describe_headline(retention_by_segment, RETENTION_HEADLINE),
          describe_headline(conversion_by_segment, CONVERSION_HEADLINE)]
