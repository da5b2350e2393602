-- Generated from the declaration of l2m/cons/l2m_cumulative_revenue by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_cumulative_revenue (
    date date NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    first_charge_date date,
    last_charge_date date,
    daily_rev_usd double precision,
    cumulative_revenue_usd double precision,
    vip_tier text,
    PRIMARY KEY (date, user_id)
) PARTITION BY LIST (date);
