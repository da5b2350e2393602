"""`lol/etl/league_entries`: the ranked entries of the league files of each landing day (Riot league-v4 answers,
`sources/riot/league.py`), one row per entry (key date, source_file, queue_type and the player: puuid or
summoner_id), with the tier as one `tier_score`."""

import dagster as dg

from gamestats_assets.lib.core.partitions import daily_partitions, days_of
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import day_folder
from gamestats_assets.lib.intake.file_rows import FILE_COLUMN, plan_day
from gamestats_assets.lib.intake.quarantine import quarantine_file
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.partitioning import PARTITION_COLUMN, PHYSICAL_PARTITIONING
from gamestats_assets.sources.riot.parse import league_files, parse_league_files

DOMAIN = "lol"
KEY = dg.AssetKey([DOMAIN, "etl", "league_entries"])
READER_VERSION = "1"
"""The version of the league reader: a new one reads every league file of a day again on its next run."""


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
        counts = {"files_quarantined": 0, "files_parsed": 0, "files_reused": 0, "files_removed": 0, "rows_replaced": 0}
        days = days_of(context)
        for day in days:
            folder = day_folder(platform, DOMAIN, day.isoformat())
            plan = plan_day(platform, DOMAIN, "league", day, folder, league_files(folder), READER_VERSION)
            entries, rejects = parse_league_files(plan.fresh)
            for reject in rejects:
                quarantine_file(platform.quarantine_dir, folder / reject.file, DOMAIN, day.isoformat(), reject.reason)
            rejected = [folder / reject.file for reject in rejects]
            plan.begin()
            written = lake.replace_files(KEY, context.assets_def.specs_by_key[KEY].metadata,
                                         context.assets_def.partitions_def, day,
                                         entries.with_columns(date=day).select("date", *entries.columns),
                                         plan.replaced(rejected), FILE_COLUMN)
            plan.commit(rejected)
            counts["rows_replaced"] += written["rows_replaced"]
            for name, value in {**plan.metadata, "files_quarantined": len(rejects)}.items():
                counts[name] += value
        return dg.MaterializeResult(metadata={**counts, **lake.days_row_count(KEY, days)})

    return etl_league_entries
