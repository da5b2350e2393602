"""The resources every domain uses, chosen once from the settings."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from gamestats_assets.lib.lake import DeltaLakeIOManager
from gamestats_assets.lib.postgres import PostgresResource
from gamestats_assets.lib.settings import Settings


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource | dg.ConfigurableIOManager]:
    """The lake IO manager, the DuckDB warehouse and the serving PostgreSQL for ``settings``.

    PostgreSQL's URL is read at run time (``GAMESTATS_PG_URL`` or the embedded server), so no credential
    ever appears in a run's configuration.
    """
    return {
        "lake": DeltaLakeIOManager(root=settings.lake_uri),
        "warehouse": DuckDBResource(database=str(settings.warehouse_path)),
        "postgres": PostgresResource(),
    }
