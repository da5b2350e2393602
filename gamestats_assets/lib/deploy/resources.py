"""The resources every domain uses, chosen once from the settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dagster as dg
from dagster_duckdb import DuckDBResource

from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.erasure.lake_writes import ErasingLakeIOManager
from gamestats_assets.lib.erasure.register import Identity, register_path
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.lib.publish.warehouse import WAREHOUSE_CONFIG


def build_resources(settings: Settings, players: Mapping[str, Identity], live_keys: Sequence[str] = ()
                    ) -> dict[str, dg.ConfigurableResource | dg.ConfigurableIOManager]:
    """The platform's folders (generating nothing while one of the `live_keys` is set), the lake IO manager (which
    leaves the deleted players out of the tables of the domains in `players`: domain → the columns that name a
    player), the DuckDB warehouse and the serving PostgreSQL.

    PostgreSQL's URL is read at run time (`GAMESTATS_PG_URL` or the embedded server), so no credential
    ever appears in a run's configuration.
    """
    return {
        "platform": PlatformResource.from_settings(settings, live_keys),
        "lake": ErasingLakeIOManager(root=settings.lake_uri, deleted_players=str(register_path(settings.data_dir)),
                                     players=dict(players)),
        "warehouse": DuckDBResource(database=str(settings.warehouse_path), connection_config=WAREHOUSE_CONFIG),
        "postgres": PostgresResource(),
    }
