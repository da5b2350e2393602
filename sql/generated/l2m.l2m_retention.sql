-- Generated from the declaration of l2m/cons/l2m_retention by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_retention (
    date date NOT NULL,
    day_n bigint NOT NULL,
    cohort_date date,
    cohort_size bigint,
    retained_users bigint,
    retention_rate double precision,
    ci_low double precision,
    ci_high double precision,
    PRIMARY KEY (date, day_n)
) PARTITION BY LIST (date);
