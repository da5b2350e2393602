"""The import graph, read statically from the source: the synthetic generator is a source beside the domains,
which take it as the resources typed in `lib/intake/synthetic.py` (chosen by `definitions.location_resources`); no
module of `defs/`, `lib/` or `sources/` imports it, and it imports only `sources/`, `lib/` and itself of the
package. `lib/` names no domain: it imports nothing of the domains (`sources/`, `defs/`, `published/`) and no
domain's name is written in it; what it needs of them comes from their declarations, handed to it by the code
location, the CLI and the API."""

import ast
import re
from pathlib import Path

import gamestats_assets

PACKAGE = Path(gamestats_assets.__file__).parent
GENERATOR = "gamestats_assets.generator"


def imports(path: Path, package_dir: Path = PACKAGE) -> set[str]:
    """Every module `path` (a file under `package_dir`) imports, at any depth of its code (relative imports
    resolved, and for `from package import name` both `package` and `package.name`), and every module named
    to `importlib.import_module`."""
    package = list(path.relative_to(package_dir.parent).parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join([*package[:len(package) - node.level + 1], node.module or ""]).strip(".") \
                if node.level else node.module
            found |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


def is_generator(module: str) -> bool:
    return module == GENERATOR or module.startswith(f"{GENERATOR}.")


def test_the_scan_finds_every_form_of_import(tmp_path):
    package = tmp_path / "gamestats_assets" / "defs" / "demo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    module = package / "tables.py"
    module.write_text("import importlib\n"
                      "from gamestats_assets import generator\n"
                      "def late():\n"
                      "    from ...generator.emitters import lol\n"
                      "    return importlib.import_module('gamestats_assets.generator.api')\n")
    found = {name for name in imports(module, tmp_path / "gamestats_assets") if is_generator(name)}
    assert found == {"gamestats_assets.generator", "gamestats_assets.generator.emitters",
                     "gamestats_assets.generator.emitters.lol", "gamestats_assets.generator.api"}


def test_no_domain_platform_or_source_module_imports_the_generator():
    offenders = [f"{path.relative_to(PACKAGE)} imports {name}"
                 for folder in ("defs", "lib", "sources") for path in sorted((PACKAGE / folder).rglob("*.py"))
                 for name in sorted(imports(path)) if is_generator(name)]
    assert offenders == []


def test_the_generator_imports_only_sources_lib_and_itself():
    allowed = ("gamestats_assets.sources", "gamestats_assets.lib", GENERATOR)
    offenders = [f"{module} imports {name}" for module, names in module_graph().items() if is_generator(module)
                 for name in sorted(names) if name != "gamestats_assets"
                 and not any(name == prefix or name.startswith(f"{prefix}.") for prefix in allowed)]
    assert offenders == []


WINGS = ("core", "lake", "refresh", "publish", "erasure", "intake", "authoring", "deploy")
"""The wings of `lib/`, each importing only from itself and the wings before it: `erasure` acts on the lake and
PostgreSQL, and intake reads its register of deleted players."""


def module_graph() -> dict[str, set[str]]:
    """Every module of the package → the modules of the package it imports."""
    paths = {".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): path
             for path in PACKAGE.rglob("*.py")}
    return {module: {name for name in imports(path) if name in paths and name != module}
            for module, path in paths.items()}


def wing(module: str) -> int | None:
    parts = module.split(".")
    return WINGS.index(parts[2]) if len(parts) > 3 and parts[1] == "lib" else None


def test_the_wings_of_lib_import_only_their_own_and_earlier_wings_and_nothing_above_lib():
    graph = module_graph()
    upward = [f"{module} imports {name}" for module, names in graph.items() if wing(module) is not None
              for name in sorted(names) if wing(name) is not None and wing(name) > wing(module)]
    assert upward == []
    outward = [f"{module} imports {name}" for module, names in graph.items()
               if module.startswith(("gamestats_assets.lib.", "gamestats_assets.sources."))
               for name in sorted(names) if name.startswith(("gamestats_assets.defs", "gamestats_assets.definitions",
                                                             "gamestats_assets.cli"))]
    assert outward == []


def test_the_import_graph_has_no_cycle():
    graph, done, path = module_graph(), set(), []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        path.append(module)
        cycle = next((found for name in sorted(graph[module]) if (found := visit(name))), None)
        path.pop()
        done.add(module)
        return cycle

    assert next((cycle for module in sorted(graph) if (cycle := visit(module))), None) is None


def test_the_published_declarations_import_only_the_column_type_and_the_player_identity():
    offenders = [f"{module} imports {name}" for module, names in module_graph().items()
                 if module.startswith("gamestats_assets.published") for name in sorted(names)
                 if name not in ("gamestats_assets", "gamestats_assets.lib", "gamestats_assets.lib.core",
                                 "gamestats_assets.lib.core.columns", "gamestats_assets.lib.erasure",
                                 "gamestats_assets.lib.erasure.register")
                 and not name.startswith("gamestats_assets.published")]
    assert offenders == []


OUTSIDE_LIB = ("sources", "defs", "published", "generator", "definitions", "cli", "serve", "manual")
"""What `lib/` never imports: the domains' readers and declarations, the generator, and what is built on `lib/`."""


def test_no_module_of_lib_imports_the_domains_or_what_is_built_on_it():
    forbidden = tuple(f"gamestats_assets.{name}" for name in OUTSIDE_LIB)
    offenders = [f"{path.relative_to(PACKAGE)} imports {name}" for path in sorted((PACKAGE / "lib").rglob("*.py"))
                 for name in sorted(imports(path))
                 if any(name == prefix or name.startswith(f"{prefix}.") for prefix in forbidden)]
    assert offenders == []


def domains() -> list[str]:
    """The domains' names: the packages under `defs/`."""
    return sorted(path.name for path in (PACKAGE / "defs").iterdir() if (path / "__init__.py").exists())


def domain_names_in(text: str, names: list[str]) -> list[tuple[int, str]]:
    """Where a name of `names` is written in `text` as a word of its own or a part of an underscored one, in any case
    (an identifier, a string, a docstring or a comment): (line number, the line)."""
    pattern = re.compile(rf"(?<![^\W_])({'|'.join(map(re.escape, names))})(?![^\W_])", re.IGNORECASE)
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if pattern.search(line)]


def test_the_scan_finds_a_domain_name_wherever_it_is_written():
    text = ('"""Reads `pubg` files."""\nL2M = 1\nrocket.run("x")\nkey = "demo_data"  # LoL too\n'
            "rocketry = lollipop\nKEY = 'GAMESTATS_PUBG_API_KEY'\n")
    found = domain_names_in(text, ["demo_data", "l2m", "lol", "pubg", "rocket"])
    assert [number for number, _ in found] == [1, 2, 3, 4, 6]


def test_no_domain_is_named_in_lib():
    names = domains()
    assert {"demo_data", "l2m", "lol", "pubg", "rocket"} <= set(names)
    offenders = [f"{path.relative_to(PACKAGE)}:{number}: {line}" for path in sorted((PACKAGE / "lib").rglob("*.py"))
                 for number, line in domain_names_in(path.read_text(), names)]
    assert offenders == []
