-- Generated from the declaration of l2m/cons/l2m_recharge by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_recharge (
    date date NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    server_id bigint,
    country_code text,
    payments bigint,
    daily_rev_usd double precision,
    PRIMARY KEY (date, user_id)
) PARTITION BY LIST (date);
