-- Generated from the declaration of rocket/cons/training_sessions by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.training_sessions (
    date date NOT NULL,
    session_id text NOT NULL,
    player_id text NOT NULL,
    pack_code text NOT NULL,
    known_pack boolean,
    started_at timestamptz,
    duration_seconds bigint,
    attempts bigint,
    successes bigint,
    success_rate double precision,
    success_ci_low double precision,
    success_ci_high double precision,
    improvement double precision,
    PRIMARY KEY (date, session_id)
) PARTITION BY LIST (date);
