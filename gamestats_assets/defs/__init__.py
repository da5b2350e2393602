"""The domains of the lakehouse, one folder each; ``DOMAINS`` lists their definitions."""

from gamestats_assets.defs import demo_data

DOMAINS = [demo_data.defs]
