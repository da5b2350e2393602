"""A game's event taxonomy as a source: the rule set drawn from it (`rules`), the population asked of it
(`population`) and its logs' format (`log_format`). The generator draws users and days by them; the demo_data
domain reads and checks its tables by them."""
