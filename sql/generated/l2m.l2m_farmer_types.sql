-- Generated from the declaration of l2m/cons/l2m_farmer_types by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_farmer_types (
    date date NOT NULL,
    country_code text NOT NULL,
    farmer_type text NOT NULL,
    accounts bigint,
    farms bigint,
    revenue_usd double precision,
    items_gained bigint,
    diamonds_gained bigint,
    diamonds_spent bigint,
    diamonds_net bigint,
    PRIMARY KEY (date, country_code, farmer_type)
) PARTITION BY LIST (date);
