"""Loading the code location imports no heavy statistics or graph library: `scipy`, `statsmodels`, `networkx` and
`sklearn` are imported by the steps that use them, so the definitions' import (paid by every run process, sensor
tick's code server and CLI call) never waits for them."""

import json
import subprocess
import sys

HEAVY = ("scipy", "statsmodels", "networkx", "sklearn")

PROBE = f"""
import json, sys
heavy = {HEAVY!r}
loaded = lambda: sorted(name for name in heavy if name in sys.modules)
import gamestats_assets.definitions
after_definitions = loaded()
import scipy.stats
print(json.dumps({{"after_definitions": after_definitions, "after_scipy": loaded()}}))
"""


def test_importing_the_definitions_imports_no_heavy_library():
    """In a fresh interpreter; the same probe then sees `scipy` once it is imported, so it can tell."""
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["after_definitions"] == []
    assert "scipy" in seen["after_scipy"]
