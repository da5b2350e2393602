-- Generated from the declaration of demo_data/cons/conversion by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE demo_data.conversion (
    segment text NOT NULL,
    active_users bigint NOT NULL,
    converted_users bigint NOT NULL,
    conversion double precision,
    conversion_ci_low double precision,
    conversion_ci_high double precision,
    PRIMARY KEY (segment)
);
