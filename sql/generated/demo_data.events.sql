-- Generated from the declaration of demo_data/cons/events by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS demo_data_partitions;
CREATE TABLE demo_data.events (
    date date NOT NULL,
    source_file text NOT NULL,
    line_number bigint NOT NULL,
    event_type text NOT NULL,
    account_id text COLLATE "C",
    distinct_id text,
    event_name text,
    event_time timestamp,
    uuid text,
    ip text,
    segment text,
    properties jsonb,
    PRIMARY KEY (date, source_file, line_number)
) PARTITION BY LIST (date);
CREATE INDEX ON demo_data.events (account_id);
