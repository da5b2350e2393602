"""Pure functions of the demo_data domain: the measures its tables and checks compute. The rule set and
population its tables follow and its logs' format are the taxonomy source's (`sources/taxonomy`)."""
