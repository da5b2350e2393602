"""The serving layer's place in the import graph (design section 8): it imports `lib/`, `sources/` and the
published tables' columns (`published/`), never `defs/` or the generator, so the API runs without loading the
code location."""

from gamestats_assets_tests.test_import_graph import PACKAGE, imports

SERVE = PACKAGE / "serve"


def test_serve_imports_only_lib_sources_the_published_columns_and_itself():
    allowed = ("gamestats_assets.lib", "gamestats_assets.sources", "gamestats_assets.published",
               "gamestats_assets.serve")
    for path in sorted(SERVE.rglob("*.py")):
        forbidden = {m for m in imports(path) if m.startswith("gamestats_assets.") and not m.startswith(allowed)}
        assert not forbidden, f"{path.relative_to(SERVE)} imports {sorted(forbidden)}"


def test_only_serve_the_cli_and_the_manual_import_serve():
    """The manual's API reference is rendered from the app's own OpenAPI document, so `manual/` reads the app."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if SERVE in path.parents or path.name == "cli.py" or PACKAGE / "manual" in path.parents:
            continue
        assert not {m for m in imports(path) if m.startswith("gamestats_assets.serve")}, path
