-- Generated from the declaration of l2m/cons/l2m_money_spend by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_money_spend (
    date date NOT NULL,
    server_id bigint NOT NULL,
    country_code text NOT NULL,
    vip_tier text NOT NULL,
    reason_id bigint NOT NULL,
    users bigint,
    amount bigint,
    events bigint,
    PRIMARY KEY (date, server_id, country_code, vip_tier, reason_id)
) PARTITION BY LIST (date);
