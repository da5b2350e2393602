-- Generated from the declaration of l2m/cons/l2m_active by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE TABLE l2m.l2m_active (
    date date NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    server_id bigint,
    level bigint,
    country_code text,
    register_date date,
    is_new_user boolean,
    PRIMARY KEY (date, user_id)
) PARTITION BY LIST (date);
