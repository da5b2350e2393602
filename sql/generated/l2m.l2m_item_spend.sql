-- Generated from the declaration of l2m/cons/l2m_item_spend by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_item_spend (
    date date NOT NULL,
    server_id bigint NOT NULL,
    country_code text NOT NULL,
    vip_tier text NOT NULL,
    item_id bigint NOT NULL,
    item_name text,
    item_group text,
    users bigint,
    quantity bigint,
    events bigint,
    PRIMARY KEY (date, server_id, country_code, vip_tier, item_id)
) PARTITION BY LIST (date);
