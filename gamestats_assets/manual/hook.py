"""The MkDocs hook that places the generated parts into the manual's pages: a page says where with a marker,
`<!-- generated: tables rocket -->`, and the build fails while a part has no page (a domain, a tag of the API) or a
marker names no part, so no published table, check or API operation goes unlisted."""

import functools
import re
import warnings
from collections.abc import Callable

from mkdocs.exceptions import PluginError

from gamestats_assets.manual import api, benchmarks, catalog

MARKER = re.compile(r"^<!-- generated: (?P<part>[^>]+?) -->$", re.MULTILINE)


@functools.cache
def parts() -> dict[str, Callable[[], str]]:
    """Every generated part by its marker's name, rendered when placed: per domain its `tables`, `checks` and
    `automation`; the project-wide `automation platform`; per tag of the OpenAPI document its `api` reference;
    `api errors`, the models of every refusal; `benchmarks`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the libraries' own, raised as they import
        from gamestats_assets import definitions

        schema = api.document()
    found: dict[str, Callable[[], str]] = {}
    domain_sensors, domain_schedules = set(), set()
    for domain in definitions.DOMAINS:
        found[f"tables {domain.name}"] = functools.partial(catalog.published_tables, domain.publish_specs)
        found[f"checks {domain.name}"] = functools.partial(catalog.checks, domain.defs)
        found[f"automation {domain.name}"] = functools.partial(
            catalog.automation, domain.defs.sensors or (), domain.defs.schedules or ())
        domain_sensors |= {sensor.name for sensor in domain.defs.sensors or ()}
        domain_schedules |= {schedule.name for schedule in domain.defs.schedules or ()}
    found["automation platform"] = functools.partial(
        catalog.automation, [s for s in definitions.defs.sensors or () if s.name not in domain_sensors],
        [s for s in definitions.defs.schedules or () if s.name not in domain_schedules])
    for tag in api.tags(schema):
        found[f"api {tag}"] = functools.partial(api.reference, schema, tag)
    found["api errors"] = functools.partial(api.common_models, schema)
    found["benchmarks"] = benchmarks.benchmarks
    return found


class Placement:
    """Where each part of `parts` went in one build: `place` renders a page's markers, `missing` names the parts
    no page placed."""

    def __init__(self, parts: dict[str, Callable[[], str]]):
        self.parts = parts
        self.placed: dict[str, str] = {}

    def place(self, markdown: str, page: str) -> str:
        def render(match: re.Match) -> str:
            part = match["part"]
            if part not in self.parts:
                raise PluginError(f"{page}: no generated part is named {part!r} (known: {', '.join(self.parts)})")
            if part in self.placed:
                raise PluginError(f"{page}: {part!r} is placed already, on {self.placed[part]}")
            self.placed[part] = page
            return self.parts[part]()

        return MARKER.sub(render, markdown)

    def missing(self) -> list[str]:
        return [part for part in self.parts if part not in self.placed]


placement: Placement | None = None


def on_pre_build(config, **kwargs) -> None:
    global placement
    placement = Placement(parts())


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    return placement.place(markdown, page.file.src_uri)


def on_env(env, config, files, **kwargs):
    if missing := placement.missing():
        raise PluginError("no page of the manual places " + ", ".join(missing)
                          + ": add its marker (`<!-- generated: PART -->`) to the page it belongs on")
    return env
