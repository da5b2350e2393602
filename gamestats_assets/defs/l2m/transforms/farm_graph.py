"""Farms as the connected components of a graph of links between accounts."""

from __future__ import annotations

import polars as pl

MIN_FARM_ACCOUNTS = 5
"""The fewest accounts a farm has: a smaller component is a household or a few friends, not an operator."""


def farms_of(links: pl.DataFrame) -> pl.DataFrame:
    """The farm of every account in a connected component of at least `MIN_FARM_ACCOUNTS` accounts of
    the `links` graph (user_a, user_b): (user_id, farm_key), `farm_key` = `farm-<smallest user_id>`."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from(links.select("user_a", "user_b").iter_rows())
    rows = [(user, f"farm-{min(component)}")
            for component in nx.connected_components(graph) if len(component) >= MIN_FARM_ACCOUNTS
            for user in component]
    return pl.DataFrame(rows, schema={"user_id": pl.Utf8, "farm_key": pl.Utf8}, orient="row")
