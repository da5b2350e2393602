-- Generated from the declaration of lol/cons/objective_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.objective_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    objective text NOT NULL,
    games bigint,
    wins bigint,
    mean_teammates_near double precision,
    takes bigint,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    PRIMARY KEY (queue, patch, objective)
);
