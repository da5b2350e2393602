"""The manual (`docs/`, MkDocs) builds strictly through `gamestats docs --build`, holds an entry for every published
table with every column, every check, sensor and schedule, every API operation and every benchmark, generated from
the declarations, the OpenAPI document and `bench/`; a part no page places fails the build; and the README is a front
door whose two commands are those CI runs and whose every link into the manual reaches a page of it."""

import html
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mkdocs.exceptions import PluginError

from gamestats_assets import definitions
from gamestats_assets.cli import main
from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.manual import api, benchmarks, catalog
from gamestats_assets.manual.hook import Placement

README = PROJECT_ROOT / "README.md"
NAV = yaml.safe_load((PROJECT_ROOT / "mkdocs.yml").read_text())["nav"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The manual built strictly into a folder of the test's, as `.ci/run` builds it."""
    folder = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(main, ["docs", "--build", "--site-dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def page(site: Path, source: str) -> str:
    """The built HTML of the page whose source is `docs/<source>`."""
    stem = source.removesuffix(".md")
    return (site / (stem.removesuffix("index") if stem.endswith("index") else f"{stem}/") / "index.html").read_text()


def section(text: str, anchor: str) -> str:
    """The HTML from the heading with id `anchor` to the next heading of its level or above."""
    start = re.search(rf'<h(\d) id="{re.escape(anchor)}"', text)
    assert start, f"no entry #{anchor}"
    end = re.compile(rf"<h[1-{start[1]}][ >]").search(text, start.end())
    return text[start.start():end.start() if end else len(text)]


def codes(text: str) -> set[str]:
    return {html.unescape(code) for code in re.findall(r"<code>([^<]*)</code>", text)}


def test_every_published_table_has_its_entry_with_every_column(site):
    for domain in definitions.DOMAINS:
        text = page(site, f"domains/{domain.name}.md")
        for spec in domain.publish_specs:
            entry = section(text, catalog.table_anchor(spec.table))
            assert set(spec.columns) <= codes(entry), spec.table
            assert spec.columns and all(html.escape(c.description.split("`")[0].strip(), quote=False) in entry
                                        for c in spec.columns.values()), spec.table


def test_every_check_sensor_and_schedule_of_a_domain_is_on_its_page(site):
    for domain in definitions.DOMAINS:
        listed = codes(page(site, f"domains/{domain.name}.md"))
        names = {spec.name for spec in catalog.check_specs(domain.defs)}
        names |= {s.name for s in [*(domain.defs.sensors or ()), *(domain.defs.schedules or ())]}
        assert names <= listed, domain.name
    domains = {s.name for d in definitions.DOMAINS for s in [*(d.defs.sensors or ()), *(d.defs.schedules or ())]}
    everything = {s.name for s in [*definitions.defs.sensors, *definitions.defs.schedules]}
    assert everything - domains and everything - domains <= codes(page(site, "running/automation.md"))


def test_every_api_operation_has_its_entry_with_its_parameters(site):
    schema = api.document()
    found = 0
    for method, path, operation in api.operations(schema):
        (tag,) = operation["tags"]
        entry = section(page(site, f"api/reference/{tag.replace(' ', '-')}.md"), operation["operationId"])
        assert f"{method} {path}" in html.unescape(entry)
        assert {parameter["name"] for parameter in operation.get("parameters", ())} <= codes(entry), path
        found += 1
    assert found == len([1 for methods in schema["paths"].values() for _ in methods]) > 0


def test_every_benchmark_is_listed_with_its_command(site):
    listed = codes(page(site, "performance/index.md"))
    assert {f"python {path.relative_to(PROJECT_ROOT)}" for path in benchmarks.scripts()} <= listed
    assert "python bench/serve.py" in listed and "python bench/common.py" not in listed


def test_a_part_no_page_places_or_an_unknown_marker_fails_the_build():
    placement = Placement({"tables x": lambda: "TABLES", "api y": lambda: "API"})
    assert placement.place("a\n<!-- generated: tables x -->\nb", "x.md") == "a\nTABLES\nb"
    assert placement.missing() == ["api y"]
    assert placement.place("`<!-- generated: api y -->` in a sentence is no marker", "m.md").startswith("`<!--")
    with pytest.raises(PluginError, match="placed already, on x.md"):
        placement.place("<!-- generated: tables x -->", "y.md")
    with pytest.raises(PluginError, match="no generated part is named 'tables z'"):
        placement.place("<!-- generated: tables z -->", "z.md")


def nav_pages(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [page for value in node.values() for page in nav_pages(value)]
    return [page for item in node for page in nav_pages(item)]


def test_the_readme_is_a_front_door_whose_two_commands_are_those_ci_runs():
    text = README.read_text()
    assert len(text.splitlines()) <= 150
    commands = re.search(r"^## Two commands\n(.*?)^## ", text, re.S | re.M)[1]
    blocks = re.findall(r"```bash\n(.*?)\n```", commands, re.S)
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert len(blocks) == 2 and all(any(line.startswith(block) for line in ci.splitlines()) for block in blocks)
    assert "gamestats up" in text


def test_every_link_of_the_readme_into_the_manual_reaches_a_page_and_its_anchor(site):
    links = re.findall(r"\]\(docs/([^)#]+)(?:#([^)]+))?\)", README.read_text())
    pages = set(nav_pages(NAV))
    assert {"getting-started.md", "beyond-one-machine.md", "performance/index.md", "api/rules.md"} <= {
        source for source, _ in links}
    for source, anchor in links:
        assert source in pages, source
        if anchor:
            assert f'id="{anchor}"' in page(site, source), f"{source}#{anchor}"
