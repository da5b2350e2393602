"""The refresh wing: how a table is kept up to date when new data arrives, without computing it from every row
again. `protocol.py` says what a strategy is and lists the four; `state.py` keeps every strategy's state and its
record of what it consumed; `changes.py` reads what changed from the inputs' Delta logs; `generations.py` keeps the
per-key tokens of the tables computed by key."""
