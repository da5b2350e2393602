-- Generated from the declaration of rocket/cons/peer_value_counts by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.peer_value_counts (
    rank_band text NOT NULL,
    playlist text NOT NULL,
    stat_type text NOT NULL,
    value_bin double precision NOT NULL,
    games bigint NOT NULL,
    games_below bigint NOT NULL,
    total bigint NOT NULL,
    CHECK (games > 0),
    CHECK (games_below >= 0),
    CHECK (games_below + games <= total),
    PRIMARY KEY (rank_band, playlist, stat_type, value_bin)
);
