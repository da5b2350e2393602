"""The rocket domain: Rocket League replays (raw, ballchasing, carball) → matches, player stats over time,
weaknesses, rank prediction and training-pack recommendations.

Daily tables are keyed by the day the games were played (`landing/rocket/<YYYY-MM-DD>/`), today included
(`daily_partitions_with_today`: a game uploaded just after it was played is run at once); the analytics
over a player's whole history (skills, rank prediction, recommendations) are snapshots rebuilt from every
day. The landing and ETL assets read the files, `training_packs` the reference catalogue; every table computed from
them is declared in `tables.py`.
"""


import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.defs.rocket.tables import DAYS, DOMAIN, TABLES, catalogue
from gamestats_assets.defs.rocket.transforms import daily
from gamestats_assets.defs.rocket.transforms.landing import LandingDay, read_files
from gamestats_assets.lib.authoring.assets import Publish, PublishMode, lake_asset
from gamestats_assets.lib.authoring.table import table_key
from gamestats_assets.lib.authoring.table_assets import distinct, one_table, table_assets
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.lib.intake.days_by_file import DaysByFile
from gamestats_assets.lib.intake.etl_day import EtlDay, Parsed
from gamestats_assets.lib.intake.file_rows import FILE_COLUMN
from gamestats_assets.sources.replays.parsed import ahead_folder, discard

UPLOAD_POLL_SECONDS = 1
"""The landing sensor's minimum interval: under the daemon's own loop (a sensor is evaluated at most every 5 s), so
that it is evaluated at every loop; at 5 the loops that start a hair less than 5 s after its last tick skip it, and
an upload then waits 10 s to be noticed. An upload is served within the RocketTrainer document's 30 seconds only if
it is noticed well within them."""
TRUTH_SCHEMA = {"date": pl.Date, "player_id": pl.String, "weakness": pl.String}


SAMPLE_REPLAYS = PROJECT_ROOT / "data" / "reference" / "rocket" / "replays"
"""Real replay files shipped with the project (origin and licence in its SOURCES.md)."""


def prepare_demo(platform: PlatformResource, days: list[str]) -> None:
    """Drop the real sample replays into the demo's first day, as a user would, when that day holds no files
    yet: the demo then shows real replays beside the synthetic days."""
    folder = ARRIVAL.folder(platform, days[0])
    if not day_files(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for replay in sorted(SAMPLE_REPLAYS.glob("*.replay")):
            shutil.copy(replay, folder / replay.name)


ETL_TABLES = ("matches", "match_players", "match_stats", "training_sessions", "stated_ranks", "planted_weaknesses",
              "position_cells", "replay_frames", "replay_goals")
READER_VERSION = "5"
"""The version of the day's reader (`read_files`): a new one parses every file of a day again on its next run."""


def etl_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([DOMAIN, "etl", name])


def fresh_tables(read: LandingDay, day: dt.date) -> dict[str, pl.DataFrame]:
    """The ETL tables of the files just read, each row with its file (`source_file`)."""
    tables = daily.etl_tables(read.matches, day)
    files = pl.DataFrame({"match_id": [m.match_id for m in read.matches], "source": [m.source for m in read.matches],
                          FILE_COLUMN: read.files}, schema={"match_id": pl.String, "source": pl.String,
                                                            FILE_COLUMN: pl.String}).unique(["match_id", "source"],
                                                                                             keep="first")
    truth = [(day, p["player_id"], p["weakness"], name) for name, document in read.truth for p in document["players"]]
    return {
        **{name: frame.join(files, on=["match_id", "source"], how="left") for name, frame in tables.items()},
        "training_sessions": read.sessions_frame().with_columns(date=pl.lit(day)),
        "stated_ranks": read.stated_frame().with_columns(date=pl.lit(day)),
        "position_cells": read.positions_frame().with_columns(date=pl.lit(day)),
        "replay_frames": read.playback_frame().with_columns(date=pl.lit(day)),
        "replay_goals": read.goals_frame().with_columns(date=pl.lit(day)),
        "planted_weaknesses": pl.DataFrame(truth, schema={**TRUTH_SCHEMA, FILE_COLUMN: pl.String}, orient="row"),
    }


def held_replays(matches: pl.DataFrame) -> dict[str, tuple[str, bool]]:
    """The raw replays among reused `etl/matches` rows: match id → its file and whether its stream read."""
    replays = matches.filter(pl.col("source") == "replay")
    return {row["match_id"]: (row[FILE_COLUMN], row["frames_null_reason"] is None)
            for row in replays.iter_rows(named=True)}


UNIQUE = {"matches": ["match_id", "source"], "match_players": ["match_id", "player_id", "source"],
          "match_stats": ["match_id", "player_id", "stat_type", "source"], "planted_weaknesses": ["player_id"]}
"""The key of each ETL table whose record a day holds once: a source's record of a match (a player, a stat), a
planted truth."""


def new_records(fresh: dict[str, pl.DataFrame], held: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The rows of the files just read but the records another file of the day holds (`held`: the reused files'
    matches and truths), each record once (the first file's)."""
    held_matches = held["matches"].select("match_id", "source")
    tables = {}
    for name, rows in fresh.items():
        if name in ("matches", "match_players", "match_stats"):
            rows = rows.join(held_matches, on=["match_id", "source"], how="anti")
        elif name == "planted_weaknesses":
            rows = rows.join(held[name].select("player_id"), on="player_id", how="anti")
        tables[name] = rows.unique(UNIQUE[name], keep="first", maintain_order=True) if name in UNIQUE else rows
    return tables


HELD_COLUMNS = {"matches": ("match_id", "source", "frames_null_reason"), "planted_weaknesses": ("player_id",)}
"""What a run reads of the rows of the day's unchanged files: the records they hold."""

GAME_TABLES = ("matches", "match_players", "match_stats", "position_cells", "replay_frames", "replay_goals")
"""The ETL tables whose rows are a game's (`match_id`), which the tables computed by game read."""


PARSE_COUNTS = ("replays_parsed_ahead", "replays_parse_seconds", "replays_parse_cpu_seconds")
"""What the parse of the run's replays cost, in its metadata."""


def replays_parse(day: EtlDay, data_dir: str) -> Callable[[Sequence[Path]], Parsed]:
    """The parse of a day's fresh files (`read_files`): raw replays a process per core, but those parsed as they were
    received, taken from where they wait and dropped once the day is committed; a record the day's unchanged files
    hold is kept from them (`new_records`)."""

    def parse(files: Sequence[Path]) -> Parsed:
        held = dict(day.held)
        read = read_files(day.folder, list(files), held_replays(held["matches"]), ahead=ahead_folder(data_dir))
        costs = (len(read.taken_ahead), read.replays_parse_seconds, read.replays_parse_cpu_seconds)
        return Parsed(new_records(fresh_tables(read, day.date), held), read.rejected, dict(zip(PARSE_COUNTS, costs)),
                      committed=lambda: discard(ahead_folder(data_dir), read.taken_ahead))

    return parse


ETL_DESCRIPTION = (
    """The day's landing files parsed, one row per source's record, each with its file (`source_file`; a game
    landed as a raw replay and as ballchasing JSON is two records here, one match later):
    `etl/matches` (key `match_id, source`), `etl/match_players` (`match_id, player_id, source`),
    `etl/match_stats` (`match_id, player_id, stat_type, source`; a feature the source lacks is null with
    its `null_reason`), `etl/training_sessions` (`session_id`), `etl/stated_ranks` (`statement_id`: a rank a
    player stated on their profile), `etl/planted_weaknesses` (`player_id`: the
    synthetic truth), `etl/position_cells` (`match_id, player_id, cell_x, cell_y`: a raw replay's seconds per
    cell of the pitch, `sources.replays.heatmap`), `etl/replay_frames` (`match_id, sample, player_id`: a raw
    replay's ball and cars at ten samples a second, `sources.replays.playback`) and `etl/replay_goals` (`match_id,
    goal`: a raw replay's goals in order, `sources.replays.goals`). Only the files new or changed
    since the day's last run are parsed, and only their rows (and a removed file's) are replaced in the lake
    (`lib/intake/file_rows.py`); a record another file of the day holds is kept from that file. The day's games are
    recorded with a new token for those whose rows were written or taken out (`record_generations`), which the
    tables computed by game compute again. A file that is not a Rocket League file or does
    not parse is quarantined under `quarantine/rocket/<day>/` with the reason. Raw replays are parsed a process per
    core, but for an upload parsed as it was received (`sources.replays.parsed`, `replays_parsed_ahead` of them);
    `replays_parse_seconds` and `replays_parse_cpu_seconds` say what the parse cost.""")
"""The description of the ETL step."""


ARRIVAL = DaysByFile(
    domain=DOMAIN, name="replays",
    description="The day's replays in `landing/rocket/<day>/`, at any depth: raw `.replay` files, ballchasing replay "
    "JSON, carball analysis JSON, `training_sessions*.jsonl` logs and `stated_ranks*.jsonl` statements. Delivered "
    "files are kept as they are and the day is never generated; an empty day is generated by the synthetic emitter "
    "(`GAMESTATS_USERS` ranked players with planted weaknesses, in `synthetic/`) unless `GAMESTATS_SOURCE=files`, "
    "when a day without files fails.",
    emitter_arguments=lambda platform, day: {"n_players": platform.users,
                                             "anchor": min(dt.date.fromisoformat(platform.anchor_date), day)},
    nested=True, partitions_def=DAYS, poll_seconds=UPLOAD_POLL_SECONDS,
    version=READER_VERSION, tables=dict.fromkeys(ETL_TABLES),
    etl_description=ETL_DESCRIPTION,
    parser=lambda day, platform: replays_parse(day, platform.data_dir),
    held={name: (columns, None) for name, columns in HELD_COLUMNS.items()},
    game_column="match_id", game_tables={name: ("matches", GAME_TABLES) for name in GAME_TABLES},
    renew_replaced=True, counts_on="matches", parse_counts=PARSE_COUNTS,
)
"""The arrival of the day's replays (`lib/intake/days_by_file.py`): the landing of `landing/rocket/<day>/`, files at
any depth (users drop replays where they like, and the emitter writes under `synthetic/`; its discovery `LANDING`,
the asset `landing_replays`), and the ETL step `etl_replays` writing the ETL tables. Every table of a game holds the
games of the unchanged files' `etl/matches` rows and those the run wrote; a game whose rows a replaced file held
gets a new token even when another file still holds a record of it."""
LANDING, landing_replays, etl_replays = ARRIVAL.discovery, ARRIVAL.landing, ARRIVAL.etl


def day_files(folder: Path) -> list[Path]:
    """Every file of a day's landing folder, in subfolders too, hidden and partial ones aside."""
    return ARRIVAL.listed(folder)


@lake_asset(DOMAIN, "cons", "training_packs", publish=Publish(("code",), PublishMode.SNAPSHOT),
            columns=COLUMNS["training_packs"])
def training_packs(platform: PlatformResource) -> pl.DataFrame:
    """`training_packs`: the real custom training packs of `data/reference/rocket` (key `code`) with
    creator, difficulty (and its division index), tags, shots and the skill categories they train
    (`training_packs.read_catalogue`; tags and categories `;`-joined)."""
    return catalogue(platform)


TABLE_ASSETS = table_assets(DOMAIN, TABLES)
"""The asset of every table of `tables.py`, by reference (`cons/matches`, `cons/player_weaknesses` ...): those
computed by game are one step's (`rocket__by_key`)."""
(matches, match_players, users, player_stats, position_heatmaps, peer_partials, peer_stats, peer_value_partials,
 peer_value_counts, training_sessions, player_weaknesses, rank_predictions, recommendations) = (one_table(TABLE_ASSETS[f"{layer}/{name}"],
                                                                   table_key(DOMAIN, f"{layer}/{name}"))
                                                         for layer, name in (
    ("cons", "matches"), ("std", "match_players"), ("cons", "users"), ("cons", "player_stats"),
    ("cons", "position_heatmaps"), ("std", "peer_partials"), ("cons", "peer_stats"), ("std", "peer_value_partials"),
    ("cons", "peer_value_counts"), ("cons", "training_sessions"),
    ("cons", "player_weaknesses"), ("cons", "rank_predictions"), ("cons", "recommendations")))

ASSETS = [landing_replays, etl_replays, *distinct(TABLE_ASSETS.values()), training_packs]
