-- Generated from the declaration of lol/cons/correlations by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE lol.correlations (
    queue text NOT NULL,
    patch text NOT NULL,
    team_position text NOT NULL,
    variable_x text NOT NULL,
    variable_y text NOT NULL,
    n bigint,
    pearson_r double precision,
    pearson_p double precision,
    spearman_r double precision,
    spearman_p double precision,
    partial_r double precision,
    partial_p double precision,
    low_sample boolean,
    pearson_q double precision,
    spearman_q double precision,
    partial_q double precision,
    PRIMARY KEY (queue, patch, team_position, variable_x, variable_y)
);
