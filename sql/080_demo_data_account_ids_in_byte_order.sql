-- demo_data.events.account_id compares byte by byte (COLLATE "C"): an id has no linguistic order, and each
-- day's partition builds its account index with plain byte comparisons instead of the locale's, which is
-- most of the cost of that index (bench/demo_data_pipeline.py). Equality lookups are unchanged.
ALTER TABLE demo_data.events ALTER COLUMN account_id TYPE text COLLATE "C";
