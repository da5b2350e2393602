-- The KPI page's retention and farms per server. Day-N retention of each cohort split by the server its users
-- started on (summed over servers: l2m_retention), and each detected farm's accounts per server (summed over
-- servers: l2m_farmers_performance). Daily tables, partitioned by date like the others (sql/070).
CREATE TABLE IF NOT EXISTS l2m.l2m_server_retention (
    date date NOT NULL,
    server_id bigint NOT NULL,
    day_n bigint NOT NULL,
    cohort_date date,
    cohort_size bigint,
    retained_users bigint,
    retention_rate double precision,
    ci_low double precision,
    ci_high double precision,
    PRIMARY KEY (date, server_id, day_n)
);
SELECT public.gamestats_partition_table('l2m', 'l2m_server_retention', 'date');

CREATE TABLE IF NOT EXISTS l2m.l2m_server_farms (
    date date NOT NULL,
    server_id bigint NOT NULL,
    farm_key text NOT NULL,
    accounts bigint,
    paying_accounts bigint,
    items_gained bigint,
    diamonds_gained bigint,
    revenue_usd double precision,
    PRIMARY KEY (date, server_id, farm_key)
);
SELECT public.gamestats_partition_table('l2m', 'l2m_server_farms', 'date');
