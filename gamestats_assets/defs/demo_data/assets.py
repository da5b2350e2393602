"""The demo_data domain: taxonomy → rules → users → daily ThinkingData logs → typed tables.

The landing asset writes each day's synthetic log into `landing/demo_data/<day>/` unless a user dropped
files there (a real export is processed exactly like synthetic data). ETL parses the
day's files line by line; a line that is not valid ThinkingData is quarantined with its reason, a file
that is not text at all is quarantined whole. The tables computed from them are declared in `tables.py`.
"""

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from gamestats_assets.defs.demo_data.tables import TABLES
from gamestats_assets.defs.demo_data.transforms.cons import rules_of
from gamestats_assets.lib.authoring.assets import lake_asset
from gamestats_assets.lib.authoring.table_assets import table_assets
from gamestats_assets.lib.core.partitions import daily_partitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.lib.intake.days_whole import DaysWhole
from gamestats_assets.lib.intake.etl_day import EtlDay
from gamestats_assets.lib.intake.file_rows import FILE_COLUMN
from gamestats_assets.lib.intake.retired_days import RetiredDay
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.rows import RestartStream
from gamestats_assets.sources.taxonomy.log_format import day_file_name, property_types
from gamestats_assets.sources.taxonomy.population import PopulationConfig
from gamestats_assets.sources.taxonomy.rules import ProductInfo
from gamestats_assets.sources.taxonomy.synthetic import TaxonomySource
from gamestats_assets.sources.thinkingdata import LineSchema, RecordStream, stream_files
from gamestats_assets.sources.thinkingdata.increments import DayRead
from gamestats_assets.sources.thinkingdata.reader import STREAM_BATCH_ROWS, FileRead, ReadStats

DOMAIN = "demo_data"
DEFAULT_TAXONOMY = "data/taxonomies/mobile_rpg.xlsx"
SYNTHETIC_PREFIX = "synthetic-"


class TaxonomyConfig(dg.Config):
    """Which taxonomy to generate from (XLSX, or the `_events.csv` of a CSV pair) and what it describes."""

    taxonomy: str = DEFAULT_TAXONOMY
    industry: str = "game"
    platform: str = "mobile"


@lake_asset(DOMAIN, "reference", "event_rules")
def event_rules(config: TaxonomyConfig, demo_data_synthetic: TaxonomySource) -> pl.DataFrame:
    """The rule set inferred from the taxonomy: one row holding the taxonomy's name and hash, the product
    it describes, and the rules as JSON (constraints, relationships, sequences, funnels, segment profiles)."""
    path = Path(config.taxonomy)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    rules = demo_data_synthetic.build_rules(path, ProductInfo(industry=config.industry, platform=config.platform))
    return pl.DataFrame({
        "taxonomy": [path.name],
        "taxonomy_sha256": [hashlib.sha256(path.read_bytes()).hexdigest()],
        "industry": [config.industry],
        "platform": [config.platform],
        "rules_json": [json.dumps(rules.to_dict(), sort_keys=True)],
    })


@lake_asset(DOMAIN, "reference", "users", ins={"event_rules": dg.AssetIn(event_rules.key)})
def users(platform: PlatformResource, demo_data_synthetic: TaxonomySource, event_rules: pl.DataFrame) -> pl.DataFrame:
    """The synthetic population: one row per user (key `account_id`) with segment, lifecycle dates,
    preset device properties and user properties, plus the `anchor_date` and `seed` it was built from.

    Size, seed and anchor come from `GAMESTATS_USERS`, `GAMESTATS_SEED` and `GAMESTATS_ANCHOR_DATE`.
    """
    anchor = dt.date.fromisoformat(platform.anchor_date)
    population = demo_data_synthetic.build_users(
        rules_of(event_rules), PopulationConfig(users=platform.users, seed=platform.seed, anchor=anchor))
    return population.with_columns(anchor_date=pl.lit(anchor), seed=pl.lit(platform.seed, dtype=pl.Int64))


def synthetic_inputs(event_rules: pl.DataFrame, users: pl.DataFrame, day: dt.date, code_digest: str) -> str:
    """A digest of everything a synthetic day's bytes depend on: the rules, the population (with its seed
    and anchor date), the day and the generator's code."""
    digest = hashlib.sha256()
    for part in (event_rules["rules_json"][0].encode(), users.hash_rows().to_numpy().tobytes(),
                 day.isoformat().encode(), code_digest.encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def synthetic_digest(source: TaxonomySource, inputs: Mapping[str, Any], day: dt.date) -> str:
    """What the day's synthetic file is written from (`synthetic_inputs`), the generator's code included."""
    return synthetic_inputs(inputs["event_rules"], inputs["users"], day, source.code_digest())


def write_synthetic(source: TaxonomySource, inputs: Mapping[str, Any], day: dt.date, path: Path) -> None:
    """Write the day's synthetic log at `path`, from the rules and the population."""
    users = inputs["users"]
    source.write_day(rules_of(inputs["event_rules"]), users, day, int(users["seed"][0]), users["anchor_date"][0], path)


ARRIVAL = DaysWhole(
    domain=DOMAIN, name="event_logs",
    ins={"event_rules": dg.AssetIn(event_rules.key), "users": dg.AssetIn(users.key)},
    description="""The day's source files in `landing/demo_data/<day>/`: ThinkingData JSONL, one line per track event
    or user_set update. Files a user dropped in (a real export) are the day's data, and an earlier
    synthetic file beside them is removed; a day without them is generated as `synthetic-YYYYMMDD.jsonl`
    (the same bytes for the same population, seed and day) unless `GAMESTATS_SOURCE=files`. Links and names that
    are not UTF-8 are quarantined unread (`refused_files`). A synthetic
    file is written again only when what it depends on changed (rules, population, seed, day, generator
    code: `synthetic_inputs`) or the file itself did, as recorded in `state/synthetic/demo_data/<day>.json`. A day
    retired whole (`lib/intake/retired_days.py`), synthetic or not, is never written again: a file landing in it is
    quarantined unread.""",
    reads=("*.jsonl", "*.jsonl.gz"), refusal="not a ThinkingData export: name it *.jsonl or *.jsonl.gz",
    synthetic_prefix=SYNTHETIC_PREFIX, synthetic_glob=f"{SYNTHETIC_PREFIX}*.jsonl", synthetic_name=day_file_name,
    synthetic_digest=synthetic_digest, write_synthetic=write_synthetic, reader="events",
)
"""The arrival of the day's ThinkingData logs (`lib/intake/days_whole.py`): its discovery `LANDING` (the days in
landing/demo_data/ and the fingerprints of their files), the asset `event_logs` that lands them, and the run of
`etl/events`."""
LANDING, event_logs = ARRIVAL.discovery, ARRIVAL.landing


def day_files(folder: Path) -> list[Path]:
    """The day's ThinkingData files (plain or gzipped JSONL), sorted."""
    return ARRIVAL.listed(folder)


READER_VERSION = "1"
"""The version of the day's reader (`DayLines`): a new one parses every file of a day again on its next run."""


class DayLines:
    """One day's landing files as typed rows, batch by batch (the ThinkingData reader with the taxonomy's property
    types and the properties as delivered): the rows the lake holds of the files unchanged since the day's last run
    (`lake_rows`, the day's rows of `etl/events`), streamed from the lake, then the lines of the others, parsed with
    the unchanged files whose records they repeat or contradict (`sources/thinkingdata/increments.py`). Unreadable
    files are quarantined at once; at the end of each complete pass the day's rejected lines are quarantined and its
    lines counted, every file's. A day whose files held no readable line fails."""

    def __init__(self, platform: PlatformResource, day: EtlDay, schema: LineSchema, lake_rows: pl.LazyFrame) -> None:
        self.platform, self.partition, self.schema, self.lake_rows = platform, day.date.isoformat(), schema, lake_rows
        self.day = day.date
        self.read = DayRead.start(day.plan, day.paths)
        self.stream: RecordStream | None = None
        self.unreadable: list[Path] = []

    def typed(self, frame: pl.DataFrame) -> pl.DataFrame:
        return typed(frame, self.day)

    @property
    def row_schema(self) -> pl.Schema:
        return typed(self.schema.empty(), self.day).schema

    @property
    def metadata(self) -> dict[str, int]:
        return self.read.plan.metadata

    def reused(self) -> Iterator[pl.DataFrame]:
        """The rows the lake holds of the reused files, a batch at a time."""
        names = self.read.reused
        if not names or FILE_COLUMN not in self.lake_rows.collect_schema().names():
            return iter(())
        return lake_batches(self.lake_rows.filter(pl.col(FILE_COLUMN).is_in(names)), self.row_schema)

    def batches(self) -> Iterator[pl.DataFrame]:
        if self.stream is None:
            self.stream = stream_files([p for p in self.read.to_read() if p not in self.unreadable], self.schema)
            for path, reason in self.stream.unreadable:
                ARRIVAL.quarantine(self.platform, path, self.partition, reason)
                self.unreadable.append(path)
        rows = 0
        for frame in itertools.chain(self.reused(), (self.typed(frame) for frame in self.stream)):
            rows += frame.height
            yield frame
        if self.read.widen(self.stream.files):
            self.stream = None
            raise RestartStream("reused files repeat or contradict records of the fresh ones: read them again")
        _, failure = self.read.finish(self.platform.quarantine_dir, DOMAIN, self.partition, "events",
                                      self.stream.files, self.unreadable, lambda: rows)
        if failure is not None:
            raise dg.Failure(description=failure)

    def record_read(self, read: Mapping[str, FileRead]) -> ReadStats:
        """Quarantine the day's rejected lines and keep its read counts, every file's (`DayRead.record_read`); the
        counts."""
        return self.read.record_read(self.platform.quarantine_dir, DOMAIN, self.partition, "events", read)

    @property
    def in_lake(self) -> bool:
        """Whether the lake holds the day's rows as they are: no file to read or removed, the table written with
        its files."""
        return self.read.untouched and FILE_COLUMN in self.lake_rows.collect_schema().names()

    @property
    def refused(self) -> list[Path]:
        """The files quarantined whole, left out of the day's record."""
        return self.unreadable

    def recording(self) -> None:
        """Once the day's rows are written, just before its record is committed: what each file read gave."""
        self.read.recording(self.stream.files if self.stream is not None else {})


class KeptDay:
    """A day retired whole (`lib/intake/retired_days.py`) in a run of `etl/events`: its rows as the lake holds them
    (`lake_rows`), its folder not read, nothing recorded (`write_days_whole` keeps it)."""

    in_lake = True
    unreadable: tuple[Path, ...] = ()

    def __init__(self, retired: RetiredDay, schema: LineSchema, lake_rows: pl.LazyFrame) -> None:
        self.retired, self.lake_rows = retired, lake_rows
        self.row_schema = typed(schema.empty(), dt.date.fromisoformat(retired.day)).schema
        self.metadata = {"files_parsed": 0, "files_reused": 0, "files_removed": 0}

    def batches(self) -> Iterator[pl.DataFrame]:
        return lake_batches(self.lake_rows, self.row_schema)

    def record_read(self, read: Mapping[str, FileRead]) -> None:
        pass


def typed(frame: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Lines as the reader gives them (`_file`, `_record`) as `etl/events` holds them on `day`."""
    return (frame.rename({"_file": FILE_COLUMN, "_record": "line_number"})
            .with_columns(pl.col(FILE_COLUMN).cast(pl.Utf8), pl.col("#time").cast(pl.Datetime("us")), date=pl.lit(day)))


def lake_batches(lake_rows: pl.LazyFrame, schema: pl.Schema) -> Iterator[pl.DataFrame]:
    """Rows of `etl/events` as the lake holds them, in `schema` (a column the table does not have yet, a property
    the taxonomy added since, null), a batch at a time."""
    held = set(lake_rows.collect_schema().names())
    columns = [pl.col(name) if name in held else pl.lit(None).alias(name) for name in schema]
    return lake_rows.select(columns).cast(dict(schema)).collect_batches(chunk_size=STREAM_BATCH_ROWS)


@lake_asset(DOMAIN, "etl", "events", partitions_def=daily_partitions, partition_column="date", deps=[event_logs],
            ins={"event_rules": dg.AssetIn(event_rules.key)})
def events(context: dg.AssetExecutionContext, platform: PlatformResource, lake: dg.ResourceParam[DeltaLakeIOManager],
           event_rules: pl.DataFrame) -> dg.MaterializeResult:
    """The day's log lines parsed and typed: one row per record (key `date`, `source_file`,
    `line_number`: the record's number among the file's non-blank lines), root keys (`#type`,
    `#account_id`, `#time`, `#event_name` ...), every taxonomy property as its own typed column, and
    `properties`, the properties as delivered (JSON text, including any the taxonomy does not name). Lines
    that are not valid ThinkingData go to quarantine with their reason; a record delivered twice counts once.
    Only the files new or changed since the day's last run are parsed (with the unchanged ones whose records they
    repeat or contradict); the other files' rows are taken from the lake (`lib/intake/file_rows.py`). Written batch
    by batch as the lines are read: a day is never held whole. A run whose days have no file new, changed or removed
    writes nothing. A day retired whole (`lib/intake/retired_days.py`) keeps its rows as the lake holds them, its
    folder not read."""
    types = property_types(rules_of(event_rules))
    schema = LineSchema(types, raw_properties=True)
    version = f"{READER_VERSION}:{hashlib.sha256(repr(sorted(types.items())).encode()).hexdigest()}"

    def lake_rows(day: dt.date) -> pl.LazyFrame:
        return lake.day_rows(context.asset_key, day)

    return dg.MaterializeResult(metadata=ARRIVAL.write_days(
        context, platform, lake, version, lambda day: DayLines(platform, day, schema, lake_rows(day.date)),
        lambda retired: KeptDay(retired, schema, lake_rows(dt.date.fromisoformat(retired.day)))))


TABLE_ASSETS = table_assets(DOMAIN, TABLES)
"""The asset of every table of `tables.py`, by reference (`std/accounts`, `cons/retention` ...)."""
accounts, cons_events, daily_activity, retention_by_segment, conversion_by_segment = (
    TABLE_ASSETS[ref] for ref in ("std/accounts", "cons/events", "cons/daily_activity", "cons/retention",
                                  "cons/conversion"))

ASSETS = [event_rules, users, event_logs, events, *TABLE_ASSETS.values()]
