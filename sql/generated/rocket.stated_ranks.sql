-- Generated from the declaration of rocket/cons/stated_ranks by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.stated_ranks (
    player_id text NOT NULL,
    playlist text,
    rank_tier integer,
    rank_division integer,
    rank_index integer,
    rank_band text,
    stated_at timestamptz,
    statement_id text,
    PRIMARY KEY (player_id)
);
