"""The benchmarks of `bench/` as the manual lists them: each script that runs (one with a `__main__`), what it
measures (the first paragraph of its docstring) and the command that runs it."""

import ast
from pathlib import Path

from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.manual.markdown import cell, table

BENCH = PROJECT_ROOT / "bench"


def scripts(folder: Path = BENCH) -> list[Path]:
    """The benchmarks under `folder`: the scripts that run, not the modules they share."""
    return sorted(path for path in folder.rglob("*.py") if 'if __name__ == "__main__"' in path.read_text())


def measures(path: Path) -> str:
    """What the script at `path` measures: its docstring's first paragraph."""
    return (ast.get_docstring(ast.parse(path.read_text())) or "").split("\n\n")[0]


def benchmarks(folder: Path = BENCH) -> str:
    """Every benchmark under `folder`: its command and what it measures."""
    return table(("command", "what it measures"), [
        (f"`python {path.relative_to(folder.parent)}`", cell(measures(path))) for path in scripts(folder)])
