"""The floor plan of arrival, read statically from the source: a file's arrival has one owner, `lib/intake/`. No
domain module (`defs/`) runs the ETL record's sequence itself (`plan_day`, `begin`, `commit`, `record_parsed`: the
intake protocol does, `lib/intake/etl_day.py` and `keyed_files.MatchRun`); no module of `sources/` names a landing
path or writes a file whole by hand (write, then rename or link: the door does, `lib/intake/door.py`); a domain's
`assets.py` imports at most `MOST_INTAKE_NAMES` names of `lib/intake/`; and no module of `lib/` passes
`MOST_LINES` lines. Each scan is shown to catch a planted violation."""

import ast
from pathlib import Path

import pytest

import gamestats_assets

PACKAGE = Path(gamestats_assets.__file__).parent
SEQUENCE = frozenset({"plan_day", "begin", "commit", "record_parsed"})
"""The ETL record's steps, which only the intake protocol calls."""
MOST_INTAKE_NAMES = 4
MOST_LINES = 400
RENAMES = frozenset({"replace", "rename", "link", "move"})
WRITES = frozenset({"write_bytes", "write_text", "write_parquet", "write_csv", "write_ndjson", "write_json"})
INTAKE = "gamestats_assets.lib.intake"


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def called_name(node: ast.Call) -> str | None:
    """The name a call calls: `f(...)` → `f`, `x.y.f(...)` → `f`."""
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def sequence_calls(path: Path) -> list[str]:
    """Where `path` calls a step of the ETL record's sequence: `line: name`."""
    return [f"{node.lineno}: {called_name(node)}" for node in ast.walk(tree(path))
            if isinstance(node, ast.Call) and called_name(node) in SEQUENCE]


def is_landing(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "landing"


def landing_literals(path: Path) -> list[str]:
    """Where `path` names a landing path: a string `"landing/..."`, or `"landing"` joined to a path (`x / "landing"`,
    `Path(x, "landing")`, `inside(x, "landing")` ...), not the word in a text."""
    found = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("landing/"):
            found.append(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            found += [side for side in (node.left, node.right) if is_landing(side)]
        elif isinstance(node, ast.Call) and called_name(node) not in ("replace", "startswith", "endswith", "split"):
            found += [arg for arg in node.args[1:] if is_landing(arg)]
    return [f"{node.lineno}: {node.value!r}" for node in found]


def is_rename(node: ast.Call) -> bool:
    """A call putting a file in place: `os.replace/rename/link(a, b)`, `shutil.move(a, b)`, or `path.rename(other)`
    (`path.replace(other)`) of a path, not of a name or a mapping (a frame's columns, a string's text)."""
    name = called_name(node)
    if name not in RENAMES:
        return False
    if len(node.args) == 2 and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        return node.func.value.id in ("os", "shutil")
    return (len(node.args) == 1 and not node.keywords and isinstance(node.args[0], (ast.Name, ast.Attribute, ast.Call, ast.BinOp))
            and name in ("rename", "replace") and not isinstance(node.func.value, ast.Constant))


def hand_written_atomic_writes(path: Path) -> list[str]:
    """The functions of `path` that write a file and put a file in place: a write made whole by hand."""
    found = []
    for function in ast.walk(tree(path)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
        writes = any(called_name(node) in WRITES or (called_name(node) == "open" and any(
            isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value[:1] in "wx"
            for arg in node.args)) for node in calls)
        if writes and any(is_rename(node) for node in calls):
            found.append(f"{function.lineno}: {function.name}")
    return found


def intake_names(path: Path) -> list[str]:
    """The names `path` imports of `lib/intake/` (a module imported whole counts as one)."""
    names = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module == INTAKE or node.module.startswith(f"{INTAKE}.")):
            names += [alias.asname or alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "gamestats_assets.lib":
            names += [alias.name for alias in node.names if alias.name == "intake"]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names if alias.name.startswith(INTAKE)]
    return names


def lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def offenders(folder: str, scan) -> list[str]:
    return [f"{path.relative_to(PACKAGE)}:{found}" for path in sorted((PACKAGE / folder).rglob("*.py"))
            for found in scan(path)]


def test_no_domain_module_runs_the_etl_records_sequence():
    assert offenders("defs", sequence_calls) == []


def test_no_source_names_a_landing_path_or_writes_a_file_whole_by_hand():
    assert offenders("sources", landing_literals) == []
    assert offenders("sources", hand_written_atomic_writes) == []


def domains() -> list[str]:
    return sorted(path.parent.name for path in (PACKAGE / "defs").glob("*/assets.py"))


@pytest.mark.parametrize("domain", domains())
def test_a_domains_assets_import_few_names_of_intake(domain):
    names = intake_names(PACKAGE / "defs" / domain / "assets.py")
    assert len(names) <= MOST_INTAKE_NAMES, f"{domain} imports {len(names)} names of lib/intake/: {names}"


def test_every_module_of_lib_is_under_the_limit():
    assert [f"{path.relative_to(PACKAGE)}: {lines(path)}" for path in sorted((PACKAGE / "lib").rglob("*.py"))
            if lines(path) >= MOST_LINES] == []


def test_each_scan_catches_a_planted_violation(tmp_path):
    domain = tmp_path / "assets.py"
    domain.write_text("from gamestats_assets.lib.intake.file_rows import plan_day\n"
                      "from gamestats_assets.lib.intake.keyed_files import record_parsed\n"
                      "from gamestats_assets.lib.intake import discovery, landing, quarantine\n"
                      "def etl(platform, day, folder, files):\n"
                      "    plan = plan_day(platform, 'd', 'r', day, folder, files, '1')\n"
                      "    plan.begin()\n"
                      "    plan.commit([])\n"
                      "    record_parsed(platform.data_dir, 'd', 'k', 'm', files)\n")
    assert [found.split(": ")[1] for found in sequence_calls(domain)] == ["plan_day", "begin", "commit",
                                                                          "record_parsed"]
    assert len(intake_names(domain)) == 5 > MOST_INTAKE_NAMES
    source = tmp_path / "client.py"
    source.write_text("import os\n"
                      "def land(data_dir, name, data):\n"
                      "    folder = data_dir / 'landing' / 'd'\n"
                      "    partial = folder / f'.{name}.partial'\n"
                      "    partial.write_bytes(data)\n"
                      "    partial.rename(folder / name)\n"
                      "def land_line(data_dir, line):\n"
                      "    with open(data_dir / '.x', 'w') as handle:\n"
                      "        handle.write(line)\n"
                      "    os.replace(data_dir / '.x', data_dir / 'x')\n"
                      "def columns(frame, path):\n"
                      "    frame.rename({'a': 'b'}).write_parquet(path)\n"
                      "    return 'landing is where files arrive'.replace('files', 'a file')\n")
    assert landing_literals(source) == ["3: 'landing'"]
    assert hand_written_atomic_writes(source) == ["2: land", "7: land_line"]
    source.write_text("from pathlib import Path\n"
                      "WORDS = ('landing', 'recovery')\n"
                      "def place(data_dir):\n"
                      "    return Path(data_dir, 'landing', 'd'), 'landing/d/x.json'\n")
    assert landing_literals(source) == ["4: 'landing'", "4: 'landing/d/x.json'"]
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * MOST_LINES)
    assert lines(long) >= MOST_LINES
