"""An account made before player ids had their one form (`steam:<SteamID64>`) keeps acting for its player: the
upgrade `sql/191_api_accounts_qualified_ids.sql` qualifies the bare SteamID64s it kept, in their order, and leaves
every other id as it was."""

from __future__ import annotations

import psycopg

from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets_tests.serve.upgrades import migrated_before

UPGRADE = "191_api_accounts_qualified_ids.sql"
STEAM = "76561198000000001"


def test_a_bare_steam_id_kept_before_is_qualified_and_acts_for_its_replays(admin_url, tmp_path):
    with migrated_before(UPGRADE, admin_url, tmp_path) as url:
        with psycopg.connect(url) as conn:
            conn.execute("INSERT INTO gamestats_api.accounts (name, role, player_ids) VALUES "
                         "('old', 'player', %s), ('pubg', 'player', %s)",
                         (["epic:abc", STEAM, "steam:76561198000000002"], ["account.0123"]))
        assert UPGRADE in apply_migrations(url)
        with psycopg.connect(url) as conn:
            kept = dict(conn.execute("SELECT name, player_ids FROM gamestats_api.accounts").fetchall())
        assert kept == {"old": ["epic:abc", f"steam:{STEAM}", "steam:76561198000000002"], "pubg": ["account.0123"]}
        assert Principal("old", "player", tuple(kept["old"])).acts_for(STEAM, "steam")
        assert apply_migrations(url) == []
