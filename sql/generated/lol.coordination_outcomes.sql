-- Generated from the declaration of lol/cons/coordination_outcomes by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.coordination_outcomes (
    queue text NOT NULL,
    patch text NOT NULL,
    objective text NOT NULL,
    teammates_near integer NOT NULL,
    takes bigint,
    wins bigint,
    win_rate double precision,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    low_sample boolean,
    trend_per_teammate double precision,
    trend_ci_low double precision,
    trend_ci_high double precision,
    z double precision,
    p_value double precision,
    q_value double precision,
    CHECK (wins BETWEEN 0 AND takes),
    CHECK (q_value >= p_value),
    CHECK (trend_ci_low <= trend_per_teammate AND trend_per_teammate <= trend_ci_high),
    PRIMARY KEY (queue, patch, objective, teammates_near)
);
