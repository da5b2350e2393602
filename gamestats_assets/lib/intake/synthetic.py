"""Synthetic sources: the generators that write a domain's source files, registered by domain name.

A generator offers its functions for a domain with `register`; a domain's landing step asks for one with
`synthetic` when `ensure_day` (or `PlatformResource.generates`) decided a partition is to be generated, so
the domains never import a generator. The code location (`gamestats_assets.definitions`) registers the
project's generator.
"""

from collections.abc import Callable
from typing import Any

import dagster as dg

SOURCES: dict[str, dict[str, Callable[..., Any]]] = {}
"""Each domain's synthetic source: its functions by name."""


def register(domain: str, **functions: Callable[..., Any]) -> None:
    """Offer `functions`, by name, as `domain`'s synthetic source."""
    SOURCES.setdefault(domain, {}).update(functions)


def synthetic(domain: str, name: str) -> Callable[..., Any]:
    """The function `name` of `domain`'s synthetic source; a `dg.Failure` saying so when none is registered."""
    function = SOURCES.get(domain, {}).get(name)
    if function is None:
        raise dg.Failure(
            description=f"No synthetic source is registered for {domain} (`{name}`): generating its data needs "
            "the generator's sources registered, as the code location does "
            "(`gamestats_assets.generator.sources.register_sources`)."
        )
    return function
