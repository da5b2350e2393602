-- demo_data: the synthetic product-analytics events and what they measure.
CREATE TABLE IF NOT EXISTS demo_data.events (
    date date NOT NULL,
    source_file text NOT NULL,
    line_number bigint NOT NULL,
    event_type text NOT NULL,
    account_id text,
    distinct_id text,
    event_name text,
    event_time timestamp,
    uuid text,
    ip text,
    segment text,
    properties jsonb,
    PRIMARY KEY (date, source_file, line_number)
);
CREATE INDEX IF NOT EXISTS events_account_idx ON demo_data.events (account_id);

CREATE TABLE IF NOT EXISTS demo_data.daily_activity (
    date date NOT NULL,
    segment text NOT NULL,
    active_users bigint NOT NULL,
    track_events bigint NOT NULL,
    user_updates bigint NOT NULL,
    new_users bigint NOT NULL,
    PRIMARY KEY (date, segment)
);

CREATE TABLE IF NOT EXISTS demo_data.retention (
    segment text PRIMARY KEY,
    cohort_d1 bigint NOT NULL,
    retained_d1 bigint NOT NULL,
    d1 double precision,
    d1_ci_low double precision,
    d1_ci_high double precision,
    cohort_d7 bigint NOT NULL,
    retained_d7 bigint NOT NULL,
    d7 double precision,
    d7_ci_low double precision,
    d7_ci_high double precision
);

CREATE TABLE IF NOT EXISTS demo_data.conversion (
    segment text PRIMARY KEY,
    active_users bigint NOT NULL,
    converted_users bigint NOT NULL,
    conversion double precision,
    conversion_ci_low double precision,
    conversion_ci_high double precision
);
