"""The published tables' columns, one module per domain (`COLUMNS`: table → its `Column`s; for a domain with real
players, `PLAYERS`: the columns that name one, gathered in `players.py`): the one declaration the lake conforms to,
PostgreSQL's tables are generated from (`defs/`) and the API's answers are typed by (`serve/`), here so that both
import it and `serve/` never imports `defs/`."""
