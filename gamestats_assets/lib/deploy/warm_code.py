"""The last module the run server of `warm_runs` imports (its preload), for what importing it does: the definitions'
repository resolved, which each run's process would otherwise resolve again, and every object the server then holds
kept out of garbage collections (`gc.freeze`), which a run's process would otherwise walk whenever one reaches the
oldest generation."""

import gc
import importlib

from gamestats_assets.lib.deploy.warm_runs import DEFINITIONS

importlib.import_module(DEFINITIONS).defs.get_repository_def()
gc.freeze()
