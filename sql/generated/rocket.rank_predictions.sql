-- Generated from the declaration of rocket/cons/rank_predictions by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.rank_predictions (
    player_id text NOT NULL,
    rank_index double precision,
    predicted_rank_index double precision,
    held_out boolean,
    PRIMARY KEY (player_id)
);
