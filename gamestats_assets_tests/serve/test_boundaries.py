"""The serving layer's place in the import graph (design section 8): it imports `lib/` and `sources/`, never
`defs/` or the generator, so the API runs without loading the code location."""

from gamestats_assets_tests.test_import_graph import PACKAGE, imports

SERVE = PACKAGE / "serve"


def test_serve_never_imports_the_definitions_or_the_generator():
    for path in sorted(SERVE.glob("*.py")):
        forbidden = {m for m in imports(path) if m.startswith(("gamestats_assets.defs", "gamestats_assets.generator",
                                                               "gamestats_assets.definitions"))}
        assert not forbidden, f"{path.name} imports {sorted(forbidden)}"


def test_only_serve_and_the_cli_import_serve():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == SERVE or path.name == "cli.py":
            continue
        assert not {m for m in imports(path) if m.startswith("gamestats_assets.serve")}, path
