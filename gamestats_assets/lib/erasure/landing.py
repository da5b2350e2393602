"""A deleted player taken out of the landing and quarantine files of their domain.

A file in a text format that names them (JSON, JSON lines, gzipped or not, told by its content whatever its name: a
replay's JSON, match, timeline and telemetry files, a telemetry file kept as an API gave it, `<match
id>.raw.json.gz`, or saved from its link as `<asset>-telemetry.gz`, training-session logs) is written again with
their token: a string equal to their id becomes the token, and so do their names, found in the name fields
(`NAME_KEYS`) of an object that names them (directly or in an object one level down, as an id written `{"platform",
"id"}`), wherever they are written (a replay's title too).
The games stay, so every other player's figures stay. A file of a format that cannot be rewritten (a raw replay,
whose sections carry checksums) is retired from landing when `players_of` says it holds them: removed, its rows kept
under the token (`landing_records.retire`); such a file in quarantine is deleted.

Which files those are is `files_naming`'s, the one finder of a player's files: the deletion acts on them and a
player's export (`GET /api/v1/users/export`) gives them."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gamestats_assets.lib.core.inputs import GZIP_MAGIC, read_content, read_head
from gamestats_assets.lib.core.landing_records import file_name, retire
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.erasure.redaction import without_names
from gamestats_assets.lib.erasure.register import id_digest

NAME_KEYS = frozenset({"name", "playerName", "player_name", "riotIdGameName", "riotIdName", "riotIdTagline",
                       "summonerName", "summonerId", "gameName", "tagLine", "accountName"})
"""The fields that name the player of the object holding their id, in the sources' files."""
TEXT_SUFFIXES = (".json", ".jsonl", ".json.gz", ".jsonl.gz")
LINES_SUFFIXES = (".jsonl", ".jsonl.gz")
JSON_STARTS = (b"{", b"[")
"""How the content of a JSON or JSON lines file starts, past blanks (and, gzipped, once gunzipped)."""

PlayersOf = Mapping[str, Callable[[Path], Iterable[str]]]
"""By file suffix, the players a binary file holds (`.replay`: the ids of its header)."""


def _names_player(node: dict, player_id: str) -> bool:
    return any(value == player_id or (isinstance(value, dict) and player_id in value.values())
               for value in node.values())


@dataclass
class Redaction:
    """A deleted player to take out of documents: their id, token, domain and the names they are known by (those
    found in the documents are added)."""

    player_id: str
    token: str
    domain: str
    names: set[str] = field(default_factory=set)

    def collect(self, node: Any) -> None:
        """Add the names of the objects of `node` (parsed JSON) that name the player."""
        if isinstance(node, list):
            for item in node:
                self.collect(item)
        elif isinstance(node, dict):
            if _names_player(node, self.player_id):
                self.names |= {v for k, v in node.items() if k in NAME_KEYS and isinstance(v, str) and v}
            for value in node.values():
                self.collect(value)

    def node(self, node: Any) -> Any:
        """`node` with the player's id and names replaced by their token, their names among other words too."""
        if isinstance(node, str):
            if node == self.player_id or node in self.names:
                return self.token
            if not any(name in node for name in self.names):
                return node
            return without_names(node, self.domain, {id_digest(self.domain, n): self.token for n in self.names})
        if isinstance(node, list):
            return [self.node(item) for item in node]
        if isinstance(node, dict):
            return {key: self.node(value) for key, value in node.items()}
        return node


def documents(text: str, lines: bool) -> list[Any]:
    """The JSON documents of a file's text: one, or one a line (a line that is not JSON kept as its text)."""
    if not lines:
        return [json.loads(text)]
    parsed: list[Any] = []
    for line in text.splitlines():
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            parsed.append(Unparsed(line))
    return parsed


@dataclass(frozen=True)
class Unparsed:
    line: str


def documents_of(path: Path) -> tuple[list[Any], bool, bytes]:
    """The JSON documents of a text file (`documents`), whether it has one a line, and its bytes as stored: one a
    line when its name says so, or when its text is not one JSON document but several lines (JSON lines under
    another name, as a telemetry file may be)."""
    raw = path.read_bytes()
    text = read_content(path).decode("utf-8-sig")
    lines = path.name.endswith(LINES_SUFFIXES)
    try:
        return documents(text, lines), lines, raw
    except json.JSONDecodeError:
        if "\n" not in text.strip():
            raise
        return documents(text, True), True, raw


def write_documents(path: Path, raw: bytes, parsed: list[Any], lines: bool) -> None:
    """Write `parsed` over `path` (whose stored bytes were `raw`) at once, in its own compression."""
    kept = [d.line if isinstance(d, Unparsed) else json.dumps(d, ensure_ascii=False) for d in parsed]
    data = ("\n".join(kept) + "\n" if lines else kept[0]).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.erasing")
    temporary.write_bytes(gzip.compress(data) if raw[:2] == GZIP_MAGIC else data)
    temporary.replace(path)


def rewrite(path: Path, redaction: Redaction) -> bool:
    """Write `path`, a text file naming the player (`names_player`), again without them (in its own compression);
    whether it did (a file that is not JSON: no)."""
    try:
        parsed, lines, raw = documents_of(path)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    for document in parsed:
        redaction.collect(document)
    write_documents(path, raw, [d if isinstance(d, Unparsed) else redaction.node(d) for d in parsed], lines)
    return True


def is_text(path: Path) -> bool:
    """Whether `path` is a JSON or JSON lines file, gzipped or not: by its name, else by how its content starts."""
    if path.name.endswith(TEXT_SUFFIXES):
        return True
    try:
        return read_head(path, 64).lstrip().startswith(JSON_STARTS)
    except OSError:
        return False


def holds(path: Path, player_id: str, players_of: PlayersOf) -> bool:
    """Whether a binary file of a format `players_of` reads holds `player_id` (a file it cannot read: no)."""
    reader = players_of.get(path.suffix)
    if reader is None:
        return False
    try:
        return player_id in set(reader(path))
    except Exception:  # noqa: BLE001 - a file the reader refuses names no one it can tell
        return False


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) if folder.is_dir() else []


def names_player(path: Path, player_id: str, players_of: PlayersOf, whole: bool = False) -> bool:
    """Whether the file at `path` names `player_id`: a text file (`is_text`) holding it as written (plainly or
    escaped as in a JSON string; with `whole`, only as a whole JSON string, so that another player whose id
    holds this one is not taken for them), once gunzipped; a binary one whose players `players_of` reads holding
    it."""
    if not is_text(path):
        return holds(path, player_id, players_of)
    content = read_content(path)
    if whole:
        return json.dumps(player_id).encode() in content
    return player_id.encode() in content or json.dumps(player_id)[1:-1].encode() in content


def landing_folders(data_dir: Path, domain: str) -> list[Path]:
    """The folders of `landing/<domain>/` (a day's, `matches`, `telemetry`, the waiting `.uploads`...)."""
    landing = data_dir / "landing" / domain
    return sorted(p for p in landing.iterdir() if p.is_dir()) if landing.is_dir() else []


def named_in(folder: Path, player_id: str, players_of: PlayersOf, whole: bool = False) -> list[Path]:
    """The files under `folder` naming `player_id` (`names_player`), in order."""
    return [path for path in files_of(folder) if names_player(path, player_id, players_of, whole)]


def files_naming(data_dir: Path, domain: str, player_id: str, players_of: PlayersOf,
                 whole: bool = False) -> Iterator[Path]:
    """Every file of `domain` naming `player_id`: those of its landing folders (`landing_folders`), then those of
    `quarantine/<domain>/`; what the deletion rewrites or retires (any file holding the id, to leave nothing of
    it), and, `whole`, what a player's export holds (the files holding it as a whole value, none of another
    player's)."""
    for folder in [*landing_folders(data_dir, domain), data_dir / "quarantine" / domain]:
        yield from named_in(folder, player_id, players_of, whole)


def keep_manifest_stamps(data_dir: Path, domain: str, day: str, folder: Path, rewritten: list[Path]) -> None:
    """A generated day's manifest follows the generated files rewritten, so that they still count as generated."""
    manifest = state_path(data_dir, "generated", domain, f"{day}.json")
    if not rewritten or not manifest.exists():
        return
    written = json.loads(manifest.read_text())
    for path in rewritten:
        name = file_name(folder, path)
        if name in written:
            stat = path.stat()
            written[name] = [stat.st_size, stat.st_mtime_ns]
    write_state_file(manifest, json.dumps(written, sort_keys=True))


def erase_from_landing(data_dir: Path, redaction: Redaction, players_of: PlayersOf) -> dict[str, int]:
    """Take the player of `redaction` out of `landing/<domain>/` and `quarantine/<domain>/` (the names found on the
    way added to it): how many files were rewritten, retired and deleted."""
    domain, player_id = redaction.domain, redaction.player_id
    counts = {"landing_files_rewritten": 0, "landing_files_retired": 0, "quarantine_files_rewritten": 0,
              "quarantine_files_deleted": 0}
    for folder in landing_folders(data_dir, domain):
        named = named_in(folder, player_id, players_of)
        rewritten = [path for path in named if is_text(path) and rewrite(path, redaction)]
        keep_manifest_stamps(data_dir, domain, folder.name, folder, rewritten)
        counts["landing_files_rewritten"] += len(rewritten)
        counts["landing_files_retired"] += retire(data_dir, domain, folder.name, folder,
                                                  [path for path in named if not is_text(path)])
    for path in named_in(data_dir / "quarantine" / domain, player_id, players_of):
        if is_text(path):
            counts["quarantine_files_rewritten"] += rewrite(path, redaction)
        else:
            path.unlink()
            counts["quarantine_files_deleted"] += 1
    return counts
