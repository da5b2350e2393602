"""The pubg domain: one dynamic partition per match id, from landing files (match objects in
`landing/pubg/matches/`, telemetry in `landing/pubg/telemetry/`, under any name) read by the ETL assets; the
per-match tables, and the tournament tables and career stats over every match, are declared in `tables.py`."""

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import polars as pl
from deltalake import WriterProperties

from gamestats_assets.defs.pubg.partitions import pubg_match_partitions
from gamestats_assets.published.pubg import COLUMNS
from gamestats_assets.defs.pubg.organisers import TOURNAMENT_FRAMES, tournament_frame
from gamestats_assets.defs.pubg.tables import (
    BACKFILL_STATUS,
    CAREER_TABLES,
    DOMAIN,
    PER_MATCH_TABLES,
    TOURNAMENT_MATCH_CONTEXT,
    TOURNAMENT_TABLES,
)
from gamestats_assets.defs.pubg.transforms import tournament
from gamestats_assets.defs.pubg.transforms.discovery import with_discovery
from gamestats_assets.lib.authoring.assets import Publish, PublishMode, declared_metadata, lake_asset
from gamestats_assets.lib.authoring.table_assets import table_assets
from gamestats_assets.lib.core.inputs import inside
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.keyed_files import MatchRun
from gamestats_assets.lib.intake.matches_by_kind import MatchesByKind
from gamestats_assets.lib.intake.synthetic import TournamentSource
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager, row_count_metadata
from gamestats_assets.lib.lake.read import read_partitions
from gamestats_assets.lib.lake.write import write_partitions
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.pubg.decisions import Author, current_override, write_override
from gamestats_assets.sources.pubg.files import PubgFormatError
from gamestats_assets.sources.pubg.match import (
    MATCH_SCHEMA,
    NOT_A_MATCH,
    PARTICIPANT_SCHEMA,
    ROSTER_SCHEMA,
    MatchIdentity,
    identify_match,
    match_id_of,
    match_identity,
    read_match,
)
from gamestats_assets.sources.pubg.telemetry import (
    EVENT_TABLES,
    OTHER_EVENTS_SCHEMA,
    ParsedTelemetry,
    empty_table,
    read_telemetry,
    telemetry_head,
)

MATCHES, TELEMETRY = "matches", "telemetry"
UNKEYED = "unkeyed"
"""The quarantine partition of landing files that hold no match."""


def landing_key(path: Path) -> str | None:
    """The match id of a landing file, read from its content: a match object's `data.id`; a telemetry
    file's match (`telemetry_key`). None for a file that is neither, or telemetry of no known match."""
    if path.parent.name == TELEMETRY:
        return telemetry_key(path)
    identity = match_identity(path)
    return identity.match_id if identity else None


_KNOWN: dict[str, tuple[int, dict[str, MatchIdentity]]] = {}


def known_matches(landing: Path) -> dict[str, MatchIdentity]:
    """Match id → identity of every match object in `landing/matches/` (each file read once per version),
    listed again only when files were added to or removed from the folder: a discovery over thousands of
    telemetry files lists it once, not once per file."""
    folder = landing / MATCHES
    try:
        stamp = folder.stat().st_mtime_ns
    except FileNotFoundError:
        return {}
    cached = _KNOWN.get(str(folder))
    if cached is None or cached[0] != stamp:
        identities = (match_identity(path) for path in ARRIVAL.listed(folder))
        cached = _KNOWN[str(folder)] = (stamp, {identity.match_id: identity for identity in identities if identity})
    return cached[1]


def _stem(name: str) -> str:
    """A file name without its compression, JSON and raw suffixes (`x-telemetry.json.gz` → `x-telemetry`,
    `<match id>.raw.json.gz` → `<match id>`)."""
    for suffix in (".gz", ".jsonl", ".json", ".raw"):
        name = name.removesuffix(suffix)
    return name


def telemetry_match(path: Path) -> tuple[str | None, str]:
    """The known match (a match object in landing/pubg/matches/) that the telemetry in `path` belongs to,
    and how it was found, or None and why not. In order: the match its events name (`common.matchId`,
    else `LogMatchDefinition.MatchId`); else the match object whose telemetry URL ends in the file's name
    (the CDN's `<asset id>-telemetry.json`, saved with any compression suffix); else a file named after a
    known match id (`<match id>.json`, `<match id>-telemetry.json`)."""
    head = telemetry_head(path)
    if not head.readable:
        return None, "no content could be read (an empty file, or a gzip stream broken from its start)"
    if not head.is_telemetry:
        return None, "not PUBG telemetry: its first events have no '_T' event type"
    known = known_matches(path.parent.parent)
    if head.match_id is not None:
        if head.match_id in known:
            return head.match_id, "its events name the match"
        return None, (f"its events belong to match {head.match_id}, whose match object is not in "
                      f"landing/{DOMAIN}/{MATCHES}/")
    stem = _stem(path.name)
    by_url = [m for m, identity in known.items() if identity.telemetry_name and _stem(identity.telemetry_name) == stem]
    if len(by_url) == 1:
        return by_url[0], "its name is the match object's telemetry URL"
    if stem.removesuffix("-telemetry") in known:
        return stem.removesuffix("-telemetry"), "its name is the match id"
    return None, (f"no known match claims it: its events name no match (common.matchId, "
                  f"LogMatchDefinition.MatchId), and its name is neither the file name of a telemetry URL of a "
                  f"match object in landing/{DOMAIN}/{MATCHES}/ nor a match id there")


def telemetry_key(path: Path) -> str | None:
    """The match id of the telemetry in `path` (`telemetry_match`), None when no known match claims it."""
    return telemetry_match(path)[0]


def refusal(kind: str, path: Path) -> str | None:
    """Why a landing file of `kind` that holds no known match is quarantined: a match object that does not parse,
    or telemetry no known match claims (`telemetry_match`); None for telemetry a match object landed since claims."""
    if kind == MATCHES:
        return identify_match(path)[1] or NOT_A_MATCH
    found, reason = telemetry_match(path)
    if found is not None:
        return None
    return f"{reason}; drop it again once its match object is in landing/{DOMAIN}/{MATCHES}/"


ARRIVAL = MatchesByKind(
    domain=DOMAIN, name="match_files", partitions_def=pubg_match_partitions, kinds=(MATCHES, TELEMETRY),
    key=landing_key, refusal=refusal,
    counted={MATCHES: "matches_with_match_object", TELEMETRY: "matches_with_telemetry"}, truth="truth",
    unkeyed=UNKEYED,
    description="""The landing files of each match of the run: its match object and, once it arrived, its telemetry,
    matched to its match by content (`telemetry_match`), whatever its name. Files in landing/pubg/ that
    hold no match, telemetry that belongs to no known match, and entries landing never reads (links, names
    that are not UTF-8: `refused_files`) are moved to `quarantine/pubg/unkeyed/` with the reason. A file naming a
    player deleted before it landed is written again without them (`erasure.delivered.redact_delivered`).""",
)
"""The arrival of the matches in landing/pubg/ (`lib/intake/matches_by_kind.py`): its discovery `LANDING` (the
matches and the fingerprints of their files), the asset `landing_match_files`, and the ETL steps of its two kinds of
files."""
LANDING, landing_match_files = ARRIVAL.discovery, ARRIVAL.landing


DISCOVERY_FOLDER = "discoveries"
LANDING_DISCOVERY = "landing"


def record_discovery(platform: PlatformResource, match_id: str, discovered_by: str) -> None:
    """Note in `landing/pubg/discoveries/<match id>.json` which path found the match, unless one already did
    (the first discovery wins: the door keeps the file in place, `lib/intake/door.py`). Written before the match's
    files are, so that no run of the match, whichever sensor requested it, can miss it."""
    ARRIVAL.land(platform, (DISCOVERY_FOLDER, f"{match_id_of(match_id)}.json"), json.dumps(
        {"match_id": match_id, "discovered_by": discovered_by, "discovered_at": dt.datetime.now(dt.UTC).isoformat()}))


def first_discovery(platform: PlatformResource, match_id: str) -> str:
    """The path that found `match_id` first: `api` or `tournament` as recorded, else `landing` (its
    files were dropped into landing)."""
    path = inside(platform.landing_dir(DOMAIN), DISCOVERY_FOLDER, f"{match_id}.json")
    return json.loads(path.read_text())["discovered_by"] if path.exists() else LANDING_DISCOVERY


SYNTHETIC_ORGANISER = "synthetic organiser"
"""Who the synthetic tournament's overrides are recorded as made by."""


class SyntheticTournamentConfig(dg.Config):
    """The size of the synthetic tournament: divisions of 16 teams, rounds of scheduled matches, and the
    telemetry events of each lobby (full-size matches have 35 000 to 45 000). The default, one round of 6
    matches a division plus a remake, a warm-up and a mixed lobby (15 full-size matches), keeps
    `gamestats demo` within a few minutes; more rounds show rank changes between rounds."""

    divisions: list[str] = ["Pro", "Challenger"]
    rounds: int = 1
    matches_per_round: int = 6
    min_events: int = 35_000
    max_events: int = 45_000


@dg.asset(key=[DOMAIN, "landing", "synthetic_tournament"], group_name=DOMAIN, kinds={"file"})
def synthetic_tournament(context: dg.AssetExecutionContext, config: SyntheticTournamentConfig,
                         platform: PlatformResource, postgres: PostgresResource,
                         pubg_synthetic: TournamentSource) -> dg.MaterializeResult:
    """With `GAMESTATS_SOURCE=synthetic`: a season written into landing as the tournament discovery would
    deliver it: the organiser's file in `landing/pubg/tournament/`, every lobby's match object and
    telemetry in `landing/pubg/matches` and `landing/pubg/telemetry`, recorded as discovered by
    `tournament` (it stands in for the PUBG API), and the planted truth in `landing/pubg/truth`; the
    organiser's correction of the late lobby in PostgreSQL `pubg.tournament_match_overrides`, as an
    organiser would enter it, with its decision (`sources/pubg/decisions.py`); and, when there is no roster file
    yet, `reference/pubg/players.csv` tracking the first team's players, so the tracked-player tables have rows.
    Files and overrides already there are kept. With `GAMESTATS_SOURCE=files` it writes nothing."""
    if not platform.generates:
        return dg.MaterializeResult(metadata={"matches_written": 0, "source": platform.source})
    season = pubg_synthetic.build_tournament(platform.seed, dt.date.fromisoformat(platform.anchor_date),
                                             divisions=tuple(config.divisions), rounds=config.rounds,
                                             matches_per_round=config.matches_per_round,
                                             event_range=(config.min_events, config.max_events))
    for plan in season.plans:
        record_discovery(platform, plan.match_id, tournament.TOURNAMENT_DISCOVERY)
    written = pubg_synthetic.write_tournament(season, platform.landing_dir(DOMAIN), platform.seed)
    with postgres.connection() as conn, conn.transaction():
        for override in season.overrides:
            if current_override(conn, override["match_id"]) is None:
                write_override(conn, override["match_id"], override,
                               Author(SYNTHETIC_ORGANISER, override["reason"]), season.season_id)
    roster_path = platform.roster_path(DOMAIN)
    if not roster_path.exists():
        roster_path.parent.mkdir(parents=True, exist_ok=True)
        tracked = [player.account_id for player in season.teams[0].players]
        roster_path.write_text("player_id\n" + "".join(f"{account}\n" for account in tracked))
    context.log.info(f"wrote {len(written)} synthetic matches of {season.season_id}")
    return dg.MaterializeResult(metadata={"season_id": season.season_id, "matches_written": len(written),
                                          "lobbies": len(season.plans), "overrides": len(season.overrides)})


MATCH_TABLES = {"matches": MATCH_SCHEMA, "participants": PARTICIPANT_SCHEMA, "rosters": ROSTER_SCHEMA}
MATCH_TABLE_GRAIN = {"matches": "match (match_id)", "participants": "match and participant (match_id, account_id)",
                     "rosters": "match and roster (match_id, roster_id)"}
MATCH_TABLE_PUBLISH = {"matches": declared_metadata(DOMAIN, "matches", Publish(
    ("match_id",), PublishMode.INSERT_IF_ABSENT, indexes=("created_at DESC",)), COLUMNS["matches"])}
"""`pubg.matches` takes each match once: the first discovery path to publish it wins."""


@ARRIVAL.etl(MATCHES, {
    name: dg.AssetOut(key=[DOMAIN, "etl", name], io_manager_key="lake", kinds={"delta"},
                      metadata={"partition_column": "match_id", **MATCH_TABLE_PUBLISH.get(name, {})},
                      description=f"The match objects' {name}: one row per {MATCH_TABLE_GRAIN[name]}.")
    for name in MATCH_TABLES})
def etl_match_objects(context: dg.AssetExecutionContext, platform: PlatformResource, lake: DeltaLakeIOManager,
                      run: MatchRun):
    """Each match object parsed once into its match, participants and rosters. `matches` also records
    `discovered_by`, the path that found the match first (`first_discovery`: landing, api or
    tournament), and `discovery_priority`, the run priority of that path (`transforms.discovery`). A match
    object that does not parse is quarantined with the reason and the match gets no rows; a match whose files
    were retired (`lib/intake/keyed_files.py`) keeps its rows as the lake holds them."""
    frames = {name: [] for name in MATCH_TABLES}
    for key in context.partition_keys:
        for path in run.files.get(key, [])[:1]:
            try:
                parsed = read_match(path)
            except PubgFormatError as error:
                ARRIVAL.quarantine(platform, path, key, str(error))
                continue
            frames["matches"].append(parsed.match)
            frames["participants"].append(parsed.participants)
            frames["rosters"].append(parsed.rosters)
            run.parsed(key, [path], parsed.match["created_at"].dt.date().cast(pl.String).item())
    for name in context.op_execution_context.selected_output_names:
        held = [lake_rows(lake, name, run.kept, list(MATCH_TABLES[name]))] if run.kept else []
        frame = pl.concat([*frames[name], *held]) if frames[name] or held else pl.DataFrame(schema=MATCH_TABLES[name])
        if name == "matches":
            found_by = [first_discovery(platform, key) for key in frame["match_id"]]
            frame = with_discovery(frame, found_by)
        yield dg.Output(frame, output_name=name)


def lake_rows(lake: DeltaLakeIOManager, name: str, keys: list[str], columns: list[str]) -> pl.DataFrame:
    """The rows of matches `keys` in `pubg/etl/<name>` as the lake holds them, in `columns`: a retired match's."""
    return read_partitions(lake.table_uri(etl(name)), "match_id", keys, lake.options()).select(columns).collect()


TELEMETRY_FILES = "files"
TELEMETRY_TABLES = [*(table.name for table in EVENT_TABLES), "other_events", "event_counts", TELEMETRY_FILES]
EVENT_COUNTS_SCHEMA = {"match_id": pl.String, "event_type": pl.String, "events": pl.Int64}
TELEMETRY_FILES_SCHEMA = {"match_id": pl.String, "file": pl.String, "status": pl.String, "reason": pl.String,
                          "events": pl.Int64, "complete": pl.Boolean}
"""`telemetry_files`: per match of a run, its telemetry file and what became of it: `parsed` (`complete`
when it holds the `LogMatchEnd` event a whole match ends with), `failed` (quarantined, with the reason) or
`missing` (no telemetry file in landing)."""
TELEMETRY_GRAIN = {"event_counts": "event type and match", TELEMETRY_FILES: "match of the run (match_id)"}
MATCH_END = "LogMatchEnd"
OTHER_EVENTS = "other_events"
OTHER_EVENTS_BATCH = 10
"""Matches whose raw `telemetry_other_events` rows (and `BATCHED_TABLES`) are written in one commit: a run
over many matches holds the raw text of this many at a time, never of all."""
BATCHED_TABLES = ("positions", "attacks")
"""The typed tables of 10 000 rows and more a full-size match: written with the raw rows,
`OTHER_EVENTS_BATCH` matches a commit, so that a run over many matches never holds them all."""
RAW_TEXT_WRITER = WriterProperties(compression="ZSTD", compression_level=1)
"""The raw events are most of the lake's bytes: zstd at level 1 stores them smaller than the default
snappy."""


def parse_landed_telemetry(platform: PlatformResource, key: str, path: Path) -> tuple[ParsedTelemetry | None, dict]:
    """The telemetry of match `key` in `path`, its JSONL lines that are not JSON quarantined one by one,
    and its row of `telemetry_files`. None (the file quarantined with the reason) when it does not parse."""
    try:
        parsed = read_telemetry(path, match_id=key)
    except PubgFormatError as error:
        ARRIVAL.quarantine(platform, path, key, str(error))
        return None, {"match_id": key, "file": path.name, "status": "failed", "events": 0, "complete": False,
                      "reason": f"telemetry quarantined: {error}"}
    ARRIVAL.quarantine_lines(platform, path, parsed.rejected, key, TELEMETRY)
    counts = dict(parsed.event_counts.select("event_type", "events").iter_rows())
    reason = f"{len(parsed.rejected)} lines not JSON, quarantined" if parsed.rejected else None
    return parsed, {"match_id": key, "file": path.name, "status": "parsed", "reason": reason,
                    "events": sum(counts.values()), "complete": counts.get(MATCH_END, 0) > 0}


def missing_telemetry(key: str) -> dict:
    """The `telemetry_files` row of a match without telemetry in landing."""
    return {"match_id": key, "file": None, "status": "missing", "events": 0, "complete": False,
            "reason": f"no telemetry file of the match in landing/{DOMAIN}/{TELEMETRY}/"}


@ARRIVAL.etl(TELEMETRY, {
    name: dg.AssetOut(key=[DOMAIN, "etl", f"telemetry_{name}"], io_manager_key="lake", kinds={"delta"},
                      metadata={"partition_column": "match_id"},
                      description=f"Telemetry {name} of each match (see sources.pubg.telemetry): one row per "
                      + TELEMETRY_GRAIN.get(name, "event (match_id, event_index)"))
    for name in TELEMETRY_TABLES})
def etl_telemetry(context: dg.AssetExecutionContext, platform: PlatformResource, lake: DeltaLakeIOManager,
                  run: MatchRun):
    """Each match's telemetry parsed once into a frame per event table; events no table reads, and events
    whose fields are not as documented, are kept raw in `telemetry_other_events`; `telemetry_event_counts`
    counts every event by type; `telemetry_files` says per match what became of its telemetry (parsed,
    complete or not; failed; missing). A match without telemetry (yet) gets no event rows; a telemetry file
    that does not parse is quarantined with the reason, and JSONL lines that are not JSON are quarantined one
    by one.

    The raw rows, most of the telemetry's bytes, and the largest typed tables (`BATCHED_TABLES`) are written
    by this step itself, `OTHER_EVENTS_BATCH` matches a commit (each commit replaces exactly its matches), so
    that memory does not grow with the run; the other typed frames, a few hundred rows a match, go to the lake
    through the IO manager, one commit per table."""
    selected = set(context.op_execution_context.selected_output_names)
    held = {name: [] for name in TELEMETRY_TABLES if name not in (OTHER_EVENTS, TELEMETRY_FILES, *BATCHED_TABLES)}
    files, written = [], {name: 0 for name in (OTHER_EVENTS, *BATCHED_TABLES)}
    empty = {table.name: empty_table(table) for table in EVENT_TABLES}
    empty.update({"event_counts": pl.DataFrame(schema=EVENT_COUNTS_SCHEMA),
                  OTHER_EVENTS: pl.DataFrame(schema=OTHER_EVENTS_SCHEMA)})
    metadata = {name: context.assets_def.specs_by_key[etl(f"telemetry_{name}")].metadata for name in BATCHED_TABLES}
    keys = context.partition_keys
    kept = set(run.kept)
    for first in range(0, len(keys), OTHER_EVENTS_BATCH):
        batch = keys[first:first + OTHER_EVENTS_BATCH]
        in_batch = {name: [empty[name]] for name in written}
        for key in batch:
            if key in kept:
                files += lake_rows(lake, f"telemetry_{TELEMETRY_FILES}", [key], list(TELEMETRY_FILES_SCHEMA)).to_dicts()
                for name, frames in [*held.items(), *in_batch.items()]:
                    frames.append(lake_rows(lake, f"telemetry_{name}", [key], empty[name].columns))
                continue
            paths = run.files.get(key, [])[:1]
            parsed, file_row = parse_landed_telemetry(platform, key, paths[0]) if paths else (None, missing_telemetry(key))
            files.append(file_row)
            if parsed is None:
                continue
            run.parsed(key, paths)
            for name, frames in held.items():
                frames.append(parsed.event_counts if name == "event_counts" else parsed[name])
            for name, frames in in_batch.items():
                frames.append(parsed.other_events if name == OTHER_EVENTS else parsed[name])
        for name in [name for name in written if name in selected]:
            frame = pl.concat(in_batch[name])
            if name == OTHER_EVENTS:
                key = etl(f"telemetry_{name}")
                write_partitions(lake.table_uri(key), lake.erased(key, frame), "match_id", batch,
                                 physical_partitioning=False, storage_options=lake.options(),
                                 writer_properties=RAW_TEXT_WRITER)
            else:
                lake.write_asset(etl(f"telemetry_{name}"), frame, metadata[name], pubg_match_partitions, batch)
            written[name] += frame.height
    held[TELEMETRY_FILES] = [pl.DataFrame(files, schema=TELEMETRY_FILES_SCHEMA)]
    for name in TELEMETRY_TABLES:
        if name in written and name in selected:
            yield dg.MaterializeResult(asset_key=etl(f"telemetry_{name}"),
                                       metadata={**row_count_metadata(written[name], len(keys)),
                                                 "dagster/uri": lake.table_uri(etl(f"telemetry_{name}"))})
        elif name in selected:
            yield dg.Output(pl.concat(held[name]) if held[name] else empty[name], output_name=name)


def etl(name: str) -> dg.AssetKey:
    return dg.AssetKey([DOMAIN, "etl", name])


def cons(name: str) -> dg.AssetKey:
    return dg.AssetKey([DOMAIN, "cons", name])


TABLE_ASSETS = table_assets(DOMAIN, [*PER_MATCH_TABLES, BACKFILL_STATUS, TOURNAMENT_MATCH_CONTEXT, *TOURNAMENT_TABLES,
                                     *CAREER_TABLES])
"""The asset of every table of `tables.py`, by reference (`cons/fights`, `cons/team_leaderboards` ...)."""
MATCH_TABLE_ASSETS = {table.name: TABLE_ASSETS[table.ref] for table in PER_MATCH_TABLES}
player_backfill_status = TABLE_ASSETS[BACKFILL_STATUS.ref]
tournament_match_context = TABLE_ASSETS[TOURNAMENT_MATCH_CONTEXT.ref]


TRACKED_TABLES = [MATCH_TABLE_ASSETS["tracked_damage_events"], MATCH_TABLE_ASSETS["player_circle_positions"],
                  player_backfill_status]
"""The per-match tables that hold detail for tracked players only: what a newly tracked player's backfill
rebuilds."""


def build_tournament_frame(name: str, grain: str, publish: Publish | None) -> dg.AssetsDefinition:
    @lake_asset(DOMAIN, "cons", name, deps=[synthetic_tournament],
                description=f"The organisers' files in landing/pubg/tournament/, with the rounds and slots entered "
                            f"through the admin endpoints: {grain}.", publish=publish,
                columns=COLUMNS[name] if publish else None)
    def _frame(platform: PlatformResource, postgres: PostgresResource) -> pl.DataFrame:
        return tournament_frame(platform.landing_dir(DOMAIN), name, postgres)

    return _frame


TOURNAMENT_FRAME_ASSETS = {name: build_tournament_frame(name, grain, publish)
                           for name, (_, grain, publish) in TOURNAMENT_FRAMES.items()}


ASSETS = [
    synthetic_tournament, landing_match_files, etl_match_objects, etl_telemetry, *MATCH_TABLE_ASSETS.values(),
    player_backfill_status,
    *TOURNAMENT_FRAME_ASSETS.values(), tournament_match_context,
    *(TABLE_ASSETS[table.ref] for table in TOURNAMENT_TABLES), *(TABLE_ASSETS[table.ref] for table in CAREER_TABLES),
]
