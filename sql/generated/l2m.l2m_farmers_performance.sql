-- Generated from the declaration of l2m/cons/l2m_farmers_performance by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_farmers_performance (
    date date NOT NULL,
    farm_key text NOT NULL,
    accounts bigint,
    paying_accounts bigint,
    servers bigint,
    farm_subnets bigint,
    farm_ips bigint,
    items_gained bigint,
    diamonds_gained bigint,
    revenue_usd double precision,
    co_logins bigint,
    co_login_days bigint,
    median_start_offset_seconds double precision,
    ring_clans text,
    presence_hours double precision,
    PRIMARY KEY (date, farm_key)
) PARTITION BY LIST (date);
