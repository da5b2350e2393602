"""Rocket League's routes (`/api/v1/rocket/...`), one module per resource: replays, uploads and imports (the
doors that land a replay), players, analytics, training, leaderboards, stats and conflicts."""
