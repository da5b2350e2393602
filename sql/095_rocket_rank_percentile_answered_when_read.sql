-- `rocket.player_stats.rank_percentile` was a value's percentile among its day's values, which one new game changed
-- for every row of the day. The percentile is now answered when read, among every published game's values, from
-- `rocket.peer_value_counts` and the row's `value_bin` (`serve/queries/rocket.py`): the column, computed from the
-- table's own values, is dropped before the generated DDL brings the table to its declaration, which refuses to drop
-- a column holding values.
ALTER TABLE IF EXISTS rocket.player_stats DROP COLUMN IF EXISTS rank_percentile;
