"""The order of the steps of a run that nothing on the way to PostgreSQL waits for: the warehouse's copy and the
checks that hold nothing back run after the steps that publish, so a run's rows are served as soon as they can be.
Dagster runs a run's ready steps highest `dagster/priority` first (0 by default); dependencies still come first."""

AFTER_THE_PUBLISH = {"dagster/priority": "-1"}
"""The op tags of a step no publish waits for."""
