"""gamestats: an open game-analytics lakehouse built from Dagster software-defined assets."""
