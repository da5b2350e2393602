-- Generated from the declaration of rocket/cons/peer_stats by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.peer_stats (
    rank_band text NOT NULL,
    stat_type text NOT NULL,
    category text,
    players bigint NOT NULL,
    games bigint NOT NULL,
    total double precision,
    mean double precision,
    m2 double precision,
    CHECK (players > 0),
    CHECK (games >= 0),
    CHECK (m2 >= 0),
    PRIMARY KEY (rank_band, stat_type)
);
