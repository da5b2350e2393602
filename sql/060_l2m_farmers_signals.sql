-- Farmer detection from several signals: every farmer carries its farm, the signals that flagged it and a
-- score. The snapshot is replaced as a whole on every publish, so it is recreated with the new columns.
DROP TABLE IF EXISTS l2m.l2m_farmers_snapshot;

-- Snapshot: every account ever detected as a farmer, with its latest farm, signals, score and evidence.
-- Grain: (user_id). signals: comma-separated names (transforms/farmers.py); score in [0, 1].
CREATE TABLE IF NOT EXISTS l2m.l2m_farmers_snapshot (
    user_id text NOT NULL,
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
    PRIMARY KEY (user_id)
);

CREATE INDEX IF NOT EXISTS l2m_farmers_snapshot_farm_key ON l2m.l2m_farmers_snapshot (farm_key);
