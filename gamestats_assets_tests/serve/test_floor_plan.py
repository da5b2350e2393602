"""The floor plan of `serve/`, read statically from the source: routes only in `routes/`, one router a module and no
router importing another; the app's state read only by `deps.py` and the app factory; roles only through the
aliases of `deps.py`; SQL that changes rows only in `crud/`, SQL at all only in `queries/`, `crud/` and the cache's
publish clock; every module under 400 lines. Each rule is shown to fail on a module planted in a copy of the
floor."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import gamestats_assets
from gamestats_assets_tests.test_import_graph import imports

PACKAGE = Path(gamestats_assets.__file__).parent
SERVE = PACKAGE / "serve"
MAX_LINES = 399
"""The most lines a module of `serve/` has (STYLE: every module under 400 lines)."""
SOURCES = PACKAGE / "sources"
LANDING = "landing"
PATH_MAKERS = frozenset({"Path", "PurePath", "inside", "joinpath"})
FILE_WRITES = frozenset({"write_text", "write_bytes", "hardlink_to", "symlink_to", "link_to"})
MOVES = frozenset({"replace", "rename", "link", "symlink", "move", "copy", "copy2", "copyfile", "copytree"})
STATE_READERS = ("deps.py", "app.py")
"""The modules that read the app's state: the dependencies and the app factory that fills it."""
WRITES = "crud"
SQL_HOMES = ("queries", "crud", "core/reader.py", "core/fastpath.py")
"""Where SQL is written: the reads, the writes, and the reader's and the answer cache's look at `publish_log` (what
keys every answer kept)."""
WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+[\w.\"]+\s+SET|DELETE\s+FROM|TRUNCATE|MERGE\s+INTO|ALTER\s+TABLE|"
                   r"CREATE\s+TABLE|DROP\s+TABLE)\b")
STATEMENT = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+[\w.\"]+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS\s*\()",
                       re.S)


def modules(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py"))


def name_of(path: Path, package_dir: Path) -> str:
    return ".".join(path.relative_to(package_dir.parent).with_suffix("").parts)


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def is_router(path: Path) -> bool:
    """Whether the module makes a router at its top (`router = APIRouter(...)`)."""
    return any(isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "router" for t in node.targets)
               and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "APIRouter"
               for node in tree(path).body)


def routers_outside_routes(root: Path) -> list[str]:
    return [str(path.relative_to(root)) for path in modules(root)
            if is_router(path) and path.relative_to(root).parts[0] != "routes"]


def routers_importing_routers(root: Path, package_dir: Path) -> list[str]:
    routers = {name_of(path, package_dir): path for path in modules(root) if is_router(path)}
    return [f"{path.relative_to(root)} imports {name}" for module, path in routers.items()
            for name in sorted(imports(path, package_dir)) if name in routers and name != module]


def long_modules(root: Path) -> list[str]:
    return [f"{path.relative_to(root)}: {lines} lines" for path in modules(root)
            if (lines := len(path.read_text().splitlines())) > MAX_LINES]


def state_reads(root: Path) -> list[str]:
    """Every read of an app's state (`request.app.state`, `app.state`, `self.app.state`) outside `STATE_READERS`."""
    return [f"{path.relative_to(root)}:{node.lineno}" for path in modules(root)
            if str(path.relative_to(root)) not in STATE_READERS
            for node in ast.walk(tree(path))
            if isinstance(node, ast.Attribute) and node.attr == "state"
            and (getattr(node.value, "id", None) == "app" or getattr(node.value, "attr", None) == "app")]


def spelled_roles(root: Path) -> list[str]:
    """Every `Depends(role(...))` outside `deps.py`: a route takes its role as one of the aliases there."""
    return [f"{path.relative_to(root)}:{node.lineno}" for path in modules(root) if path.name != "deps.py"
            or path.parent != root for node in ast.walk(tree(path))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Depends" and node.args
            and isinstance(node.args[0], ast.Call) and getattr(node.args[0].func, "id", None) == "role"]


def texts(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module's code (an f-string's literal parts joined), docstrings left out."""
    found, skipped = [], set()
    module = tree(path)
    for node in ast.walk(module):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            skipped.add(id(body[0].value))
    for node in ast.walk(module):
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(value) for value in node.values)
    for node in ast.walk(module):
        if isinstance(node, ast.JoinedStr):
            found.append((node.lineno, " ".join(v.value for v in node.values if isinstance(v, ast.Constant))))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            found.append((node.lineno, node.value))
    return found


def in_homes(path: Path, root: Path, homes: tuple[str, ...]) -> bool:
    relative = path.relative_to(root).as_posix()
    return any(relative == home or relative.startswith(f"{home}/") for home in homes)


def sql_writes(root: Path) -> list[str]:
    return [f"{path.relative_to(root)}:{line}" for path in modules(root) if not in_homes(path, root, (WRITES,))
            for line, text in texts(path) if WRITE.search(text)]


def sql_elsewhere(root: Path) -> list[str]:
    return [f"{path.relative_to(root)}:{line}" for path in modules(root) if not in_homes(path, root, SQL_HOMES)
            for line, text in texts(path) if STATEMENT.search(text) or WRITE.search(text)]


def landing_paths(root: Path) -> list[str]:
    """Every landing path built by hand: `"landing"` as a part of a path (an operand of `/`, an argument of `Path`,
    `inside`, `joinpath`) or a string naming a place under it (`"landing/..."`); the door of `lib/intake/door.py`
    owns where a file lands."""
    found = []
    for path in modules(root):
        for node in ast.walk(tree(path)):
            parts = []
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                parts = [node.left, node.right]
            elif isinstance(node, ast.Call) and (getattr(node.func, "id", None) in PATH_MAKERS
                                                 or getattr(node.func, "attr", None) in PATH_MAKERS):
                parts = list(node.args)
            elif isinstance(node, ast.JoinedStr) and node.values:
                parts = [node.values[0]]
            if any(isinstance(part, ast.Constant) and isinstance(part.value, str)
                   and (part.value == LANDING or part.value.startswith(f"{LANDING}/")) for part in parts):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return in_order(found)


def writes_by_hand(root: Path) -> list[str]:
    """Every file written by hand: `write_text`, `write_bytes`, an `open` for writing, a rename, link or copy
    (`os.replace`, a path's `replace(target)`, `shutil.move`, ...), but in a function that makes a temporary folder
    for its own use (`tempfile`); the door of `lib/intake/door.py` and `lib/`'s state records own the atomic
    writes."""
    found = []
    for path in modules(root):
        module = tree(path)
        temporary = {id(inner) for function in ast.walk(module)
                     if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and any(isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "tempfile"
                             for node in ast.walk(function))
                     for inner in ast.walk(function)}
        found += [f"{path.relative_to(root)}:{node.lineno}" for node in ast.walk(module)
                  if isinstance(node, ast.Call) and id(node) not in temporary and writes(node)]
    return in_order(found)


def in_order(places: list[str]) -> list[str]:
    """`module:line` places by module, then line."""
    return sorted(set(places), key=lambda place: (place.rsplit(":", 1)[0], int(place.rsplit(":", 1)[1])))


def writes(call: ast.Call) -> bool:
    """Whether `call` writes, renames, links or copies a file."""
    name, owner = getattr(call.func, "attr", None) or getattr(call.func, "id", None), getattr(call.func, "value", None)
    if name in FILE_WRITES or (getattr(owner, "id", None) in ("os", "shutil") and name in MOVES):
        return True
    if name == "replace" and len(call.args) == 1 and not call.keywords:
        return not (isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, (str, bytes)))
    if name == "open":
        positional = call.args[1:2] if getattr(call.func, "id", None) == "open" else call.args[:1]
        modes = [*positional, *(keyword.value for keyword in call.keywords if keyword.arg == "mode")]
        return any(isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+") for mode in modes)
    return False


def test_routes_are_only_in_routes_one_router_a_module_none_importing_another():
    assert routers_outside_routes(SERVE) == []
    assert routers_importing_routers(SERVE, PACKAGE) == []
    assert len([path for path in modules(SERVE / "routes") if is_router(path)]) >= 20


def test_every_module_of_serve_is_under_400_lines():
    assert long_modules(SERVE) == []


def test_the_app_state_is_read_by_the_dependencies_and_the_app_factory_alone():
    assert state_reads(SERVE) == []
    assert spelled_roles(SERVE) == []


def test_sql_changing_rows_is_in_crud_and_sql_only_in_its_homes():
    assert sql_writes(SERVE) == []
    assert sql_elsewhere(SERVE) == []
    assert [path for path in modules(SERVE / "crud") if any(WRITE.search(text) for _, text in texts(path))]


@pytest.fixture
def planted(tmp_path) -> tuple[Path, Path]:
    """A copy of the floor (`tmp/gamestats_assets/serve/`) with a router beside the ones copied."""
    package = tmp_path / "gamestats_assets"
    root = package / "serve"
    for path in modules(SERVE):
        copy = root / path.relative_to(SERVE)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text())
    return root, package


def plant(root: Path, relative: str, text: str) -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(text)


def test_each_rule_fails_on_a_planted_module(planted):
    root, package = planted
    assert routers_importing_routers(root, package) == [] and state_reads(root) == [] and sql_writes(root) == []
    plant(root, "routes/rocket/clips.py",
          "from fastapi import APIRouter, Depends, Request\n"
          "from gamestats_assets.serve.routes.rocket import replays\n"
          "from ..rocket.players import router as players\n"
          "from gamestats_assets.serve.deps import role\n"
          "router = APIRouter(prefix=replays.PREFIX)\n"
          "@router.post('/clips', dependencies=[Depends(role('player'))])\n"
          "def clip(request: Request, clip_id: str) -> None:\n"
          "    with request.app.state.reader.pool.connection() as conn:\n"
          "        conn.execute(f'DELETE FROM rocket.clips WHERE clip_id = {clip_id!r}')\n"
          + "\n" * MAX_LINES)
    plant(root, "core/clips.py", "from fastapi import APIRouter\nrouter = APIRouter()\n"
                                 "ROWS = 'SELECT clip_id FROM rocket.clips'\n")
    assert routers_importing_routers(root, package) == [
        "routes/rocket/clips.py imports gamestats_assets.serve.routes.rocket.players",
        "routes/rocket/clips.py imports gamestats_assets.serve.routes.rocket.replays"]
    assert routers_outside_routes(root) == ["core/clips.py"]
    assert long_modules(root) == [f"routes/rocket/clips.py: {MAX_LINES + 9} lines"]
    assert state_reads(root) == ["routes/rocket/clips.py:8"]
    assert spelled_roles(root) == ["routes/rocket/clips.py:6"]
    assert sql_writes(root) == ["routes/rocket/clips.py:9"]
    assert sql_elsewhere(root) == ["core/clips.py:3", "routes/rocket/clips.py:9"]


def test_serve_and_sources_name_no_landing_path_and_write_no_file_by_hand():
    """Every way a file gets in through the API lands through the door (`lib/intake/door.py`), which owns the
    landing path and the atomic write."""
    for root in (SERVE, SOURCES):
        assert landing_paths(root) == [], root
        assert writes_by_hand(root) == [], root


def test_a_landing_path_or_a_write_by_hand_fails_on_a_planted_module(planted):
    root, _ = planted
    assert landing_paths(root) == [] and writes_by_hand(root) == []
    plant(root, "intake/drops.py",
          "import os, shutil, tempfile\n"
          "from pathlib import Path\n"
          "def drop(data_dir, day, name, text):\n"
          "    folder = data_dir / 'landing' / 'rocket' / day\n"
          "    partial = folder / f'.{name}'\n"
          "    partial.write_text(text)\n"
          "    os.replace(partial, folder / name)\n"
          "    Path(data_dir, 'landing').joinpath(day).mkdir()\n"
          "    with open(f'landing/rocket/{day}/{name}', 'wb') as handle:\n"
          "        handle.write(text.encode())\n"
          "    partial.replace(folder / name)\n"
          "    shutil.move(partial, folder)\n"
          "    return name.replace('.', '_'), 'landing'\n"
          "def scratch(lines):\n"
          "    with tempfile.TemporaryDirectory() as folder:\n"
          "        Path(folder, 'lines.txt').write_text(lines)\n")
    assert landing_paths(root) == ["intake/drops.py:4", "intake/drops.py:8", "intake/drops.py:9"]
    assert writes_by_hand(root) == ["intake/drops.py:6", "intake/drops.py:7", "intake/drops.py:9",
                                    "intake/drops.py:11", "intake/drops.py:12"]
