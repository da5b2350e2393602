-- Generated from the declaration of lol/cons/discovered_patterns by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.discovered_patterns (
    queue text NOT NULL,
    patch text NOT NULL,
    pattern_type text NOT NULL,
    subject text NOT NULL,
    condition text NOT NULL,
    metric text,
    effect double precision,
    value_with double precision,
    baseline double precision,
    n bigint,
    n_baseline bigint,
    p_value double precision,
    q_value double precision,
    min_games bigint,
    PRIMARY KEY (queue, patch, pattern_type, subject, condition)
);
