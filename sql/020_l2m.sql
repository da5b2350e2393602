-- Lineage 2M: published CONS tables, KPI tables and snapshots (schema l2m).
-- Columns mirror the polars frames of gamestats_assets/defs/l2m/transforms, in the same order.
-- Daily tables: `date` is the partition day (publish = DELETE WHERE date + COPY); their primary keys start with
-- `date`, so that delete needs no other index. Snapshots are replaced whole.
CREATE SCHEMA IF NOT EXISTS l2m;

-- Active users of the day (union of the seven ETL sources) with country, registration date (from the carried-forward
-- user profile), new-user flag. Grain: (date, user_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_active (
    date date NOT NULL,
    user_id text NOT NULL,
    server_id bigint,
    level bigint,
    country_code text,
    register_date date,
    is_new_user boolean,
    PRIMARY KEY (date, user_id)
);

-- Payments and USD revenue per paying user and day; server_id is the server of the user's largest payment of the day.
-- Grain: (date, user_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_recharge (
    date date NOT NULL,
    user_id text NOT NULL,
    server_id bigint,
    country_code text,
    payments bigint,
    daily_rev_usd double precision,
    PRIMARY KEY (date, user_id)
);

-- Lifetime USD revenue of every user who ever paid, as of the day, with VIP tier. Grain: (date, user_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_cumulative_revenue (
    date date NOT NULL,
    user_id text NOT NULL,
    first_charge_date date,
    last_charge_date date,
    daily_rev_usd double precision,
    cumulative_revenue_usd double precision,
    vip_tier text,
    PRIMARY KEY (date, user_id)
);

-- Key-item gains per server, country, VIP tier and item. Grain: (date, server_id, country_code, vip_tier, item_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_item_gain (
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
);

-- Key-item spends per server, country, VIP tier and item. Grain: (date, server_id, country_code, vip_tier, item_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_item_spend (
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
);

-- Diamond gains per server, country, VIP tier and reason. Grain: (date, server_id, country_code, vip_tier, reason_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_money_gain (
    date date NOT NULL,
    server_id bigint NOT NULL,
    country_code text NOT NULL,
    vip_tier text NOT NULL,
    reason_id bigint NOT NULL,
    users bigint,
    amount bigint,
    events bigint,
    PRIMARY KEY (date, server_id, country_code, vip_tier, reason_id)
);

-- Diamond spends per server, country, VIP tier and reason. Grain: (date, server_id, country_code, vip_tier, reason_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_money_spend (
    date date NOT NULL,
    server_id bigint NOT NULL,
    country_code text NOT NULL,
    vip_tier text NOT NULL,
    reason_id bigint NOT NULL,
    users bigint,
    amount bigint,
    events bigint,
    PRIMARY KEY (date, server_id, country_code, vip_tier, reason_id)
);

-- Daily health of each server: activity on the user's l2m_active server, paying users and revenue on the payment
-- server of l2m_recharge. Grain: (date, server_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_server_performance (
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
);

-- What each detected bot farm did on the day. Grain: (date, farm_key).
CREATE TABLE IF NOT EXISTS l2m.l2m_farmers_performance (
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
    PRIMARY KEY (date, farm_key)
);

-- DAU, NRU, PU, NPU, NNPU, revenue, ARPU, ARPPU per day, country and server. Grain: (date, country_code, server_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_daily_kpis (
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
);

-- D1/D7/D30 retention of registration cohorts, measured on the day, with Wilson 95% interval. Grain: (date, day_n).
CREATE TABLE IF NOT EXISTS l2m.l2m_retention (
    date date NOT NULL,
    day_n bigint NOT NULL,
    cohort_date date,
    cohort_size bigint,
    retained_users bigint,
    retention_rate double precision,
    ci_low double precision,
    ci_high double precision,
    PRIMARY KEY (date, day_n)
);

-- Snapshot: latest clan membership per user. Grain: (user_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_guild_info (
    user_id text NOT NULL,
    server_id bigint,
    clan_id bigint,
    clan_name text,
    clan_role text,
    is_member boolean,
    updated_at timestamp,
    PRIMARY KEY (user_id)
);

-- Snapshot: every account ever detected as a farmer, with its latest evidence. Grain: (user_id).
CREATE TABLE IF NOT EXISTS l2m.l2m_farmers_snapshot (
    user_id text NOT NULL,
    server_id bigint,
    farm_key text,
    first_detected_date date,
    last_detected_date date,
    days_detected bigint,
    farm_accounts bigint,
    farm_subnets bigint,
    farm_ips bigint,
    level bigint,
    login_ips bigint,
    gain_events bigint,
    items_gained bigint,
    diamonds_gained bigint,
    total_revenue_usd double precision,
    PRIMARY KEY (user_id)
);
