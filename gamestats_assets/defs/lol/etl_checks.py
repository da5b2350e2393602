"""The lol ETL's checks of a day, kept by game: timelines without their match file, and champion and item ids the
Data Dragon of their game's patch does not know (`transforms/unknown_ids.py`).

Each day keeps a record of what each of its games was found to hold
(`<data_dir>/state/checks/lol/etl/<day>.parquet`) and the ETL tables' tokens of the games it was found at (a
`DoneRecord`, `lib/refresh/done.py`, as a table computed by key records them). A run looks again only at the games whose
tokens changed (from the rows the run just wrote, or the lake's rows of those games) and drops the games gone; a day
with no record is looked at whole. The record is written before its tokens: a run failing between the two looks at
its games again, and replaces their findings."""

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.defs.lol.transforms import unknown_ids
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.refresh.done import DoneRecord, Pending
from gamestats_assets.lib.refresh.generations import Generations, read_generations, write_generations
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager

CHECKED_ETL = {
    "timelines_without_match": "timeline_events",
    "unknown_champion_ids": "participants",
    "unknown_item_ids": "timeline_events",
}
"""Each check and the ETL table it is reported on."""

COLUMNS = {"matches": ("match_id", "patch"),
           "participants": ("match_id", "champion_id", *unknown_ids.ITEM_SLOTS),
           "timeline_events": ("match_id", "type", "item_id")}
"""What the checks read of each ETL table."""

FINDINGS = {"match_id": pl.String, "check": pl.String, "patch": pl.String, "id": pl.Int64, "rows": pl.Int64}
"""A day's record: a row per game and (patch, id) it holds unknown, or per timeline without its match file (no
patch, no id)."""
ORPHAN = "timelines_without_match"


def etl_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["lol", "etl", name])


RECORD_KEY = etl_key("checks")
"""The key the tokens the day's findings were made at are recorded under."""


def findings_path(data_dir: str | Path, day: dt.date) -> Path:
    return state_path(data_dir, "checks", "lol", "etl", f"{day.isoformat()}.parquet")


def checked_rows(name: str, rows: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """What the checks read of the ETL table `name`'s rows (`COLUMNS`): of the timeline events, the purchases and a
    row per game (no type, no item), so that a day's run holds that much of its events, not all of them. Its text is
    copied out of `rows`' buffers (a text column's values are views of them), which it would otherwise keep alive."""
    rows = rows.select(COLUMNS[name]).with_columns(pl.col(pl.String).cast(pl.Categorical).cast(pl.String))
    if name != "timeline_events":
        return rows
    return pl.concat([rows.filter(pl.col("type") == "ITEM_PURCHASED"), rows.select("match_id").unique()],
                     how="diagonal")


def game_findings(matches: pl.DataFrame, participants: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """What the checks find in these games' rows, by game (`FINDINGS`)."""
    orphans = (events.select("match_id").unique().join(matches.select("match_id"), on="match_id", how="anti")
               .with_columns(pl.lit(ORPHAN).alias("check"), pl.lit(1).alias("rows")))
    unknown = [ids.with_columns(pl.lit(check).alias("check"))
               for check, ids in unknown_ids.unknown_ids(matches, participants, events, by=["match_id"]).items()]
    return pl.concat([frame.select([pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                                    for c, t in FINDINGS.items()]) for frame in [orphans, *unknown]])


def game_rows(lake: DeltaLakeIOManager, day: dt.date, name: str, games: set[str], fresh: pl.DataFrame,
              held: frozenset[str]) -> pl.DataFrame:
    """What the checks read (`checked_rows`) of the ETL table `name`'s rows of `games` on `day`: from `fresh` (that
    of the rows the run just wrote, as the lake holds them) for the games it holds, from the lake for those of
    `held` (games of the table not just written)."""
    written = lake.erased(etl_key(name), fresh.filter(pl.col("match_id").is_in(list(games))))
    earlier = sorted(games & held - set(fresh["match_id"].to_list()))
    if not earlier:
        return written
    return pl.concat([written, checked_rows(name, lake.day_rows(etl_key(name), day)
                                            .filter(pl.col("match_id").is_in(earlier))).collect()],
                     how="vertical_relaxed")


def day_findings(lake: DeltaLakeIOManager, data_dir: str | Path, day: dt.date,
                 fresh: Mapping[str, pl.DataFrame]) -> tuple[pl.DataFrame, int]:
    """The findings of `day`'s games, the games whose tokens changed looked at again (all when the day has no record)
    from `fresh` (what the checks read of the rows the run just wrote, `checked_rows`) or the lake, and recorded;
    and how many games were looked at."""
    path = findings_path(data_dir, day)

    def look(pending: Pending) -> tuple[pl.DataFrame, int]:
        tokens, games = dict(zip(COLUMNS, pending.inputs)), set(pending.again)
        kept = pl.DataFrame(schema=FINDINGS) if pending.whole else pl.read_parquet(path).filter(
            ~pl.col("match_id").is_in([*pending.again, *pending.gone]))
        found = game_findings(*(game_rows(lake, day, name, games, fresh[name], tokens[name].keys)
                                for name in COLUMNS)) if games else pl.DataFrame(schema=FINDINGS)
        findings = pl.concat([kept, found])
        written = io.BytesIO()
        findings.write_parquet(written)
        write_state_file(path, written.getvalue())
        return findings, len(games)

    return findings_record(data_dir).consume(day, look)


def findings_record(data_dir: str | Path) -> DoneRecord:
    """The record of the ETL tables' tokens the day's findings were made at (`lib/refresh/done.py`): an ETL table
    without tokens of the day holds none of its games, and a day whose findings are gone has no record."""
    return DoneRecord(lambda day: [read_generations(data_dir, etl_key(name), day) or Generations() for name in COLUMNS],
                      lambda day: read_generations(data_dir, RECORD_KEY, day) if findings_path(data_dir, day).exists()
                      else None,
                      lambda day, pending: write_generations(data_dir, RECORD_KEY, day, pending.current))


def day_checks(lake: DeltaLakeIOManager, data_dir: str | Path, days: Sequence[dt.date],
               fresh: Mapping[dt.date, Mapping[str, pl.DataFrame]]) -> list[dg.AssetCheckResult]:
    """The ETL checks over the run's days as the lake holds them after the run (WARN), from the days' findings
    (`day_findings`, `fresh` what they read of the rows the run wrote, by day); each reports the games it looked at
    again."""
    looked = [day_findings(lake, data_dir, day, fresh[day]) for day in days]
    findings = pl.concat([frame for frame, _ in looked])
    games_checked = {"games_checked": sum(count for _, count in looked)}
    orphans = findings.filter(pl.col("check") == ORPHAN).height
    checks = [dg.AssetCheckResult(check_name=ORPHAN, asset_key=etl_key(CHECKED_ETL[ORPHAN]),
                                  passed=orphans == 0, severity=dg.AssetCheckSeverity.WARN,
                                  metadata={ORPHAN: orphans, **games_checked})]
    for check in ("unknown_champion_ids", "unknown_item_ids"):
        ids = unknown_ids.summed(findings.filter(pl.col("check") == check))
        checks.append(dg.AssetCheckResult(check_name=check, asset_key=etl_key(CHECKED_ETL[check]),
                                          passed=ids.height == 0, severity=dg.AssetCheckSeverity.WARN,
                                          metadata={**unknown_ids.metadata(ids), **games_checked}))
    return checks
