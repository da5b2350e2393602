"""`lol/etl/league_entries`: the ranked entries of the league files of each landing day (Riot league-v4 answers,
`sources/riot/league.py`), one row per entry (key date, source_file, queue_type and the player: puuid or
summoner_id), with the tier as one `tier_score`."""

from collections.abc import Callable, Sequence
from pathlib import Path

import dagster as dg

from gamestats_assets.lib.core.partitions import daily_partitions, days_of
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.etl_day import EtlDay, EtlTables, Parsed, run_etl
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.partitioning import PARTITION_COLUMN, PHYSICAL_PARTITIONING
from gamestats_assets.sources.riot.parse import league_files, parse_league_files

DOMAIN = "lol"
KEY = dg.AssetKey([DOMAIN, "etl", "league_entries"])
READER_VERSION = "1"
"""The version of the league reader: a new one reads every league file of a day again on its next run."""


def league_parse(day: EtlDay) -> Callable[[Sequence[Path]], Parsed]:
    """The parse of a day's fresh league files (`parse_league_files`), each entry with its day."""

    def parse(files: Sequence[Path]) -> Parsed:
        entries, rejects = parse_league_files(list(files))
        return Parsed({"league_entries": entries.with_columns(date=day.date).select("date", *entries.columns)},
                      [(day.folder / reject.file, reject.reason) for reject in rejects])

    return parse


ETL = EtlTables(DOMAIN, "league", READER_VERSION, {"league_entries": KEY}, league_parse, files=league_files)
"""`lol/etl/league_entries` as the ETL protocol runs it (`lib/intake/etl_day.py`)."""


def league_asset(landing: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """The asset of `lol/etl/league_entries`, reading the league files `landing` lands."""

    @dg.asset(key=KEY, io_manager_key="lake", kinds={"delta"}, group_name=DOMAIN, partitions_def=daily_partitions,
              backfill_policy=dg.BackfillPolicy.single_run(), deps=[landing],
              metadata={PARTITION_COLUMN: "date", PHYSICAL_PARTITIONING: False})
    def etl_league_entries(context: dg.AssetExecutionContext, platform: PlatformResource,
                           lake: dg.ResourceParam[DeltaLakeIOManager]) -> dg.MaterializeResult:
        """League entries: one row per ranked entry of a day's league files (`<name>_league.json`, a JSON array of
        league-v4 `LeagueEntryDTO`, optionally gzipped; key date, source_file, queue_type, puuid or summoner_id),
        tier, division, league points and `tier_score`. Only new and changed files are read; a file that is no
        such array, or lists an entry of an unknown tier or naming no player, is quarantined with the reason."""
        days = days_of(context)
        run = run_etl(ETL, context, platform, lake, days)
        return dg.MaterializeResult(metadata={**run.counts, "rows_replaced": run.rows_replaced["league_entries"],
                                              **lake.days_row_count(KEY, days)})

    return etl_league_entries
