-- What a daily table published by key (a table computed by key, `Table.by_key`) last published of each day: one row
-- per key with the lake's token of that key's rows (`lib/lake/generations.py`), written in the transaction of the
-- publish, so the next publish of the day sends only the keys whose token changed or that are gone.
CREATE TABLE IF NOT EXISTS public.published_keys (
    table_name text NOT NULL,
    day date NOT NULL,
    key text NOT NULL,
    token text NOT NULL,
    PRIMARY KEY (table_name, day, key)
);
