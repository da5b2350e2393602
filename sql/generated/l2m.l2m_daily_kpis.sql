-- Generated from the declaration of l2m/cons/l2m_daily_kpis by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_daily_kpis (
    date date NOT NULL,
    country_code text NOT NULL,
    server_id bigint NOT NULL,
    dau bigint,
    nru bigint,
    pu bigint,
    npu bigint,
    nnpu bigint,
    revenue_usd double precision,
    arpu_usd double precision,
    arppu_usd double precision,
    PRIMARY KEY (date, country_code, server_id)
) PARTITION BY LIST (date);
