-- Generated from the declaration of demo_data/cons/retention by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE demo_data.retention (
    segment text NOT NULL,
    cohort_d1 bigint NOT NULL,
    retained_d1 bigint NOT NULL,
    d1 double precision,
    d1_ci_low double precision,
    d1_ci_high double precision,
    cohort_d7 bigint NOT NULL,
    retained_d7 bigint NOT NULL,
    d7 double precision,
    d7_ci_low double precision,
    d7_ci_high double precision,
    PRIMARY KEY (segment)
);
