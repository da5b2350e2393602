"""Rocket League replays against subtr-actor's own stat computation: the sample replays parsed and their stats
computed by both, in one run.

The project's side reads each replay of `data/reference/rocket/replays/` (`read_frames`: header and network frames
through subtr-actor's parser) and computes its match, players and stat groups (`replay_match`: boost, movement,
positioning, demolitions, touches, the features); the peer's asks subtr-actor for its summed stats of the same groups
(`get_summed_stats` with the modules `core`, `boost`, `movement`, `positioning` and `demo`). Both compute the
scoreboard: each scoreboard player's goals, assists, saves and shots are checked equal, the player found in
subtr-actor's stats by platform id (bots, which carry none there, are left out of the check). Prints one JSON line.

    python bench/peers/rocket_subtr_actor.py
"""

import argparse
from pathlib import Path

import polars as pl
import subtr_actor
from side_by_side import Stopwatch, difference, report

from gamestats_assets.sources.replays.features import replay_match
from gamestats_assets.sources.replays.frames import read_frames

REPLAYS = Path(__file__).resolve().parents[2] / "data" / "reference" / "rocket" / "replays"
MODULES = ["core", "boost", "movement", "positioning", "demo"]
SCOREBOARD = ("goals", "assists", "saves", "shots")
KEYS = ("replay", "player_id")


def platform_id(remote: dict) -> str | None:
    """A subtr-actor player id as the project writes it (`replays.header`); None for a bot (`SplitScreen`)."""
    (platform, value), = remote.items()
    if platform == "Xbox":
        return int(value).to_bytes(8, "little").hex()
    if platform == "PsyNet":
        return str(value["online_id"])
    if platform == "PlayStation":
        return str(value["name"])
    return None if platform == "SplitScreen" else str(value)


def project_scoreboard(paths: list[Path]) -> pl.DataFrame:
    rows = [{"replay": path.name, "player_id": player.player_id, **{name: getattr(player, name) for name in SCOREBOARD}}
            for path in paths for player in replay_match(read_frames(path)).players]
    return pl.DataFrame(rows).filter(~pl.col("player_id").str.starts_with("bot:"))


def subtr_actor_scoreboard(paths: list[Path]) -> pl.DataFrame:
    rows = []
    for path in paths:
        stats = subtr_actor.get_summed_stats(str(path), MODULES)["modules"]["core"]["player_stats"]
        rows += [{"replay": path.name, "player_id": platform_id(player["player_id"]),
                  **{name: player["stats"][name] for name in SCOREBOARD}} for player in stats]
    return pl.DataFrame(rows).drop_nulls("player_id")


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    paths = sorted(REPLAYS.glob("*.replay"))
    project, peer = Stopwatch(), Stopwatch()
    with project:
        ours = project_scoreboard(paths)
    with peer:
        theirs = subtr_actor_scoreboard(paths)
    found = theirs.join(ours.select(KEYS), on=KEYS, how="semi")
    report("rocket_subtr_actor", "subtr_actor", project, peer, difference(ours, found, KEYS), replays=len(paths),
           replay_bytes=sum(path.stat().st_size for path in paths), players_checked=ours.height)


if __name__ == "__main__":
    main()
