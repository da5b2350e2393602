-- Generated from the declaration of l2m/cons/l2m_server_performance by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_server_performance (
    date date NOT NULL,
    server_id bigint NOT NULL,
    dau bigint,
    new_users bigint,
    paying_users bigint,
    revenue_usd double precision,
    arpu_usd double precision,
    avg_level double precision,
    max_level bigint,
    diamonds_gained bigint,
    diamonds_spent bigint,
    avg_online_minutes double precision,
    PRIMARY KEY (date, server_id)
) PARTITION BY LIST (date);
