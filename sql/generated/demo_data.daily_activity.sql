-- Generated from the declaration of demo_data/cons/daily_activity by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS demo_data_partitions;
CREATE TABLE demo_data.daily_activity (
    date date NOT NULL,
    segment text NOT NULL,
    active_users bigint NOT NULL,
    track_events bigint NOT NULL,
    user_updates bigint NOT NULL,
    new_users bigint NOT NULL,
    PRIMARY KEY (date, segment)
) PARTITION BY LIST (date);
