"""What a user of the code location sees: asset keys with their kinds and partitions, check names, jobs,
schedules, sensors and the columns of every PostgreSQL table the migrations create."""

import psycopg

from gamestats_assets.definitions import defs
from gamestats_assets.lib.publish.postgres import apply_migrations

SNAPSHOT_SCHEMAS = ("demo_data", "l2m", "lol", "pubg", "rocket", "public")


def dagster_kind(partitions: object) -> str:
    """The name of the Dagster class `partitions` is of (`DailyPartitionsDefinition` for the project's `Days`)."""
    return next(kind.__name__ for kind in type(partitions).__mro__ if kind.__module__.startswith("dagster."))


def definitions_surface() -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "kinds": sorted(node.kinds),
            "partitions": None if partitions is None else dagster_kind(partitions),
            "deps": sorted(dep.to_user_string() for dep in node.parent_keys),
        }
    return {
        "assets": assets,
        "checks": sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys),
        "jobs": sorted(job.name for job in defs.resolve_all_job_defs() if job.name != "__ASSET_JOB"),
        "schedules": sorted(s.name for s in defs.schedules),
        "sensors": sorted(s.name for s in defs.sensors),
    }


def postgres_surface(url: str) -> dict[str, list[str]]:
    """`schema.table` → its columns with their types, in order, after every migration."""
    apply_migrations(url)
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_schema || '.' || table_name, column_name || ' ' || data_type FROM information_schema.columns"
            " WHERE table_schema = ANY(%s) ORDER BY 1, ordinal_position", (list(SNAPSHOT_SCHEMAS),)).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables
