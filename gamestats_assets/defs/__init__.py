"""The domains of the lakehouse, one folder each; ``DOMAINS`` lists their definitions."""

import dagster as dg

DOMAINS: list[dg.Definitions] = []
