"""Pure functions of the demo_data domain: the rule set and population its tables follow, its logs' format,
and the measures its tables and checks compute."""
