-- Generated from the declaration of l2m/cons/l2m_server_farms by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_server_farms (
    date date NOT NULL,
    server_id bigint NOT NULL,
    farm_key text NOT NULL,
    accounts bigint,
    paying_accounts bigint,
    items_gained bigint,
    diamonds_gained bigint,
    revenue_usd double precision,
    PRIMARY KEY (date, server_id, farm_key)
) PARTITION BY LIST (date);
