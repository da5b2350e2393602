"""The run server of `warm_runs` imports `warm_code` last: after it the definitions' repository is resolved and every
object the server holds is out of garbage collections, so a run's process forked from it neither resolves the
repository again nor walks those objects."""

import json
import subprocess
import sys

PROBE = """
import gc, json
from dagster import RepositoryDefinition
from gamestats_assets.lib.deploy.warm_runs import PRELOAD

resolved = lambda: any(isinstance(item, RepositoryDefinition) for item in gc.get_objects())
import gamestats_assets.definitions
seen = {"last_preloaded": PRELOAD[-1], "resolved_by_the_import": resolved()}
import gamestats_assets.lib.deploy.warm_code
seen |= {"frozen": gc.get_freeze_count(), "collectable": len(gc.get_objects())}
gc.unfreeze()
print(json.dumps(seen | {"resolved_by_warm_code": resolved()}))
"""


def test_the_run_server_holds_the_repository_resolved_and_out_of_garbage_collections():
    """In a fresh interpreter, as the server imports its preload."""
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["last_preloaded"] == "gamestats_assets.lib.deploy.warm_code"
    assert not seen["resolved_by_the_import"] and seen["resolved_by_warm_code"]
    assert seen["frozen"] > 100_000 > seen["collectable"]
