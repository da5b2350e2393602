"""The domains of the lakehouse, one folder each with the same files: assets, checks, publish, schedules."""
