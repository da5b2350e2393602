-- Generated from the declaration of l2m/cons/l2m_lifetime_totals by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_lifetime_totals (
    date date NOT NULL,
    payers bigint,
    lifetime_revenue_usd double precision,
    cumulative_since date,
    opening_balance boolean,
    PRIMARY KEY (date)
) PARTITION BY LIST (date);
