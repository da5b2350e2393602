"""No asset check in the project yields a constant `passed=True`: a check that cannot fail checks nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "gamestats_assets"
AREAS = sorted({path.relative_to(PACKAGE).parts[:2] if path.relative_to(PACKAGE).parts[0] == "defs"
                else path.relative_to(PACKAGE).parts[:1] for path in PACKAGE.rglob("*.py")
                if len(path.relative_to(PACKAGE).parts) > 1})
"""Each domain under `defs/` on its own, and every other top-level package, so a finding names its owner."""


def constant_passes(path: Path) -> list[str]:
    """`<file name>:<line>` of every `AssetCheckResult(..., passed=True, ...)` (the literal) in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "AssetCheckResult" and any(
                k.arg == "passed" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_scan_finds_a_constant_pass(tmp_path):
    check = tmp_path / "check.py"
    check.write_text("import dagster as dg\n\ndef c():\n    return dg.AssetCheckResult(passed=True)\n"
                     "\ndef d(ok):\n    return dg.AssetCheckResult(passed=ok)\n")
    assert constant_passes(check) == ["check.py:4"]


@pytest.mark.parametrize("area", ["/".join(area) for area in AREAS])
def test_no_check_passes_whatever_the_data(area):
    findings = [f"{path.parent.relative_to(PACKAGE)}/{hit}" for path in sorted((PACKAGE / area).rglob("*.py"))
                for hit in constant_passes(path)]
    assert not findings, f"checks that yield a constant passed=True: {findings}"
