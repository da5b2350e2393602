"""A deletion that holds against later deliveries: a text file delivered to landing after a player was deleted is
written again without them before anything reads it.

Each landing run passes a partition's files through `redact_delivered`: in a text file (`landing.is_text`: JSON or
JSON lines, gzipped or not, whatever its name) every string that is a deleted player's id or a name the register
holds of them (their HMAC digests, `register.tokens` and `register.name_tokens`) becomes their token, and so do those
names among the words of a longer string (a replay's title). A folder's files are looked at once per state of the register: what was looked at is
recorded in `<data_dir>/state/intake_erasure/<domain>.json` (by folder: the register's digest, and when the last
look began), and a later run looks only at the files changed since (by `st_ctime`, which a write, a copy or a move
sets). Without a deleted player in the domain nothing is read."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from gamestats_assets.lib.core.inputs import UnreadableInput
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.erasure.landing import documents_of, files_of, is_text, write_documents
from gamestats_assets.lib.erasure.redaction import without_names
from gamestats_assets.lib.erasure.register import id_digest, name_tokens, register_key, tokens


def record_path(data_dir: Path, domain: str) -> Path:
    return state_path(data_dir, "intake_erasure", f"{domain}.json")


class Tokens:
    """The deleted players of a domain as the register keeps them: strings that are an id or a name → token."""

    def __init__(self, domain: str, register: Path) -> None:
        self.domain = domain
        self.ids = tokens(register, domain)
        self.names = name_tokens(register, domain)
        self.key = register_key(register) if self.ids or self.names else b""
        self.found: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self.ids or self.names)

    def token(self, value: str) -> str | None:
        """The token `value` stands for when it is a deleted player's id or name, remembered."""
        if value not in self.found:
            digest = id_digest(self.domain, value, self.key)
            self.found[value] = self.ids.get(digest) or self.names.get(digest) or ""
        return self.found[value] or None

    def node(self, node: Any) -> tuple[Any, bool]:
        """`node` (parsed JSON) without the deleted players, and whether anything was replaced."""
        if isinstance(node, str):
            token = self.token(node)
            if token is not None:
                return token, True
            if " " in node and self.names:
                kept = without_names(node, self.domain, self.names, self.key)
                return kept, kept != node
            return node, False
        if isinstance(node, list):
            pairs = [self.node(item) for item in node]
            return [value for value, _ in pairs], any(hit for _, hit in pairs)
        if isinstance(node, dict):
            pairs = {key: self.node(value) for key, value in node.items()}
            return {key: value for key, (value, _) in pairs.items()}, any(hit for _, hit in pairs.values())
        return node, False


def register_digest(register: Path) -> str:
    return hashlib.sha256(register.read_bytes()).hexdigest() if register.exists() else ""


def redact_delivered(data_dir: Path, domain: str, register: Path, folder: Path) -> int:
    """Write again without the deleted players of `domain` the text files of `folder` (a folder of
    `landing/<domain>/`) changed since the folder was last looked at under this register (`record_path`); how many
    were written. A file that is not JSON is left to the readers, which quarantine it with their reason."""
    deleted = Tokens(domain, register)
    if not deleted:
        return 0
    record_file = record_path(data_dir, domain)
    record: dict[str, Any] = json.loads(record_file.read_text()) if record_file.exists() else {}
    digest, name = register_digest(register), folder.name
    looked = record.get(name, {})
    since = looked.get("from_ns", 0) if looked.get("register") == digest else 0
    began = time.time_ns()
    rewritten = 0
    for path in files_of(folder):
        if path.lstat().st_ctime_ns < since or not is_text(path):
            continue
        try:
            parsed, lines, raw = documents_of(path)
        except (UnreadableInput, UnicodeDecodeError, json.JSONDecodeError):
            continue
        kept = [deleted.node(document) for document in parsed]
        if any(hit for _, hit in kept):
            write_documents(path, raw, [document for document, _ in kept], lines)
            rewritten += 1
    record[name] = {"register": digest, "from_ns": began}
    write_state_file(record_file, json.dumps(record, sort_keys=True))
    return rewritten
