-- Generated from the declaration of l2m/cons/l2m_farmers_snapshot by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE l2m.l2m_farmers_snapshot (
    user_id text COLLATE "C" NOT NULL,
    server_id bigint,
    farm_key text,
    signals text,
    score double precision,
    first_detected_date date,
    last_detected_date date,
    days_detected bigint,
    farm_accounts bigint,
    farm_subnets bigint,
    farm_ips bigint,
    farm_devices bigint,
    level bigint,
    login_ips bigint,
    gain_events bigint,
    items_gained bigint,
    diamonds_gained bigint,
    total_revenue_usd double precision,
    co_logins bigint,
    co_login_days bigint,
    median_start_offset_seconds double precision,
    presence_hours double precision,
    ring_clans text,
    PRIMARY KEY (user_id)
);
CREATE INDEX ON l2m.l2m_farmers_snapshot (farm_key);
