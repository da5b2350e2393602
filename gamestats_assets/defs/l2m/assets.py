"""The l2m domain: Lineage 2M logs through ETL → STD → CONS, one daily partition per game day, its tables
built from their declarations in `tables.py`; the ETL tables read the landing folder."""


import polars as pl

from gamestats_assets.defs.l2m.tables import ETL_TABLES, TABLES
from gamestats_assets.defs.l2m.transforms import reference
from gamestats_assets.lib.authoring.table_assets import table_assets
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.days_by_table import DaysByTable
from gamestats_assets.lib.intake.etl_day import EtlDay
from gamestats_assets.sources.l2m import EVENT_PROPERTIES, PROFILE_STEM, TRUTH_FILE, source_files, unclaimed_files
from gamestats_assets.sources.thinkingdata.increments import ReadAhead

DOMAIN = "l2m"
LOG_TYPES = (*EVENT_PROPERTIES, PROFILE_STEM)


READER_VERSION = "1"
"""The version of the ETL readers (`transforms/etl.py`): a new one parses every file of a day again on its next run."""

READERS = {table.name: table.compute for table in ETL_TABLES}
"""Each ETL table's reader (`transforms/etl.py`), by name."""


def reader_version(name: str) -> str:
    """What a table's rows of a file depend on beside the file: the reader, and the currency rates for recharge."""
    if name != "recharge":
        return READER_VERSION
    return f"{READER_VERSION}:{reference.currency_rates().hash_rows().sum()}"


def read_ahead(day: EtlDay, name: str, platform: PlatformResource, lake_rows: pl.LazyFrame) -> ReadAhead:
    """The table `name`'s day read whole ahead of its write: only the files new or changed since the day's last run
    are parsed, with the unchanged ones whose records they repeat or contradict (`sources/thinkingdata/
    increments.py`). Rejected lines go to `quarantine/l2m/<day>/<name>.rejects.jsonl`, files that are not text are
    quarantined whole, and the lines read are counted for the reject-share check, every file of the day's; a source
    whose files held no readable line fails, every day of the run read before any is written."""
    return ReadAhead.of(day, DOMAIN, name, READERS[name], platform.quarantine_dir, lake_rows)


ARRIVAL = DaysByTable(
    domain=DOMAIN, name="logs",
    description="The day's game logs in `landing/l2m/<day>/`: ThinkingData JSONL (or gzipped JSONL), one file per "
    "log type (login, logout, recharge, item and diamond gain/spend, clan changes, user profiles). Delivered files "
    "are kept as they are, and a file no log type claims is quarantined with the reason; an empty day is generated "
    "by the synthetic emitter (`GAMESTATS_USERS` accounts, bot farms planted and recorded in "
    "`planted_bot_farms.json`) unless `GAMESTATS_SOURCE=files` or the day was ever delivered.",
    emitter_arguments=lambda platform, day: {"n_users": platform.users},
    unclaimed=unclaimed_files, aside=(TRUTH_FILE,),
    refusal=f"no l2m source reads this file: name it <log type>*.jsonl[.gz] with a log type among "
            f"{', '.join(LOG_TYPES)}",
    tables={table.name: table.asset_description for table in ETL_TABLES},
    version=reader_version, table_files=source_files, parser=read_ahead,
)
"""The arrival of the day's game logs (`lib/intake/days_by_table.py`): the landing of `landing/l2m/<day>/` (its
discovery `LANDING`, the asset `landing_logs`) and one ETL asset per log type, `l2m/etl/<name>`, each reading its
day whole ahead of its write; only the rows of the files parsed, removed or quarantined are replaced in the lake, so
a run whose days have no file new, changed or removed writes nothing, and a day retired whole
(`lib/intake/retired_days.py`) keeps its rows as the lake holds them, its folder not read."""
LANDING, landing_logs = ARRIVAL.discovery, ARRIVAL.landing


TABLE_ASSETS = table_assets(DOMAIN, TABLES, etl=lambda table: ARRIVAL.etl[table.name])
"""Every declared table's asset, by reference (`etl/login`, `cons/l2m_active` ...)."""

ETL = {table.name: TABLE_ASSETS[table.ref] for table in TABLES if table.kind == "etl"}
ASSETS = [landing_logs, *TABLE_ASSETS.values()]
