-- Generated from the declaration of rocket/cons/rank_predictions by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.rank_predictions (
    player_id text NOT NULL,
    rank_index double precision,
    predicted_rank_index double precision,
    held_out boolean,
    playlist text,
    baseline_rank_index double precision,
    PRIMARY KEY (player_id)
);
COMMENT ON TABLE rocket.rank_predictions IS 'Per ranked player, the rank in divisions and the rank a model predicts from their stats (held out or not). Where a player''s rank is heading is rocket.rank_outlook''s, from the trend of their own known ranks; the asset''s metadata counts the players with a rank history (rank_history_players).';
