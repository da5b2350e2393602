"""pubg's partitions: one key per match id (`pubg_match_partitions`), added by the discovery sensors in batches."""

import dagster as dg

pubg_match_partitions = dg.DynamicPartitionsDefinition(name="pubg_match")
