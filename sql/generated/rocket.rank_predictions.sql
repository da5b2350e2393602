-- Generated from the declaration of rocket/cons/rank_predictions by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.rank_predictions (
    player_id text NOT NULL,
    rank_index double precision,
    predicted_rank_index double precision,
    held_out boolean,
    interval_low double precision,
    interval_high double precision,
    games bigint,
    playlist text,
    baseline_rank_index double precision,
    baseline_interval_low double precision,
    baseline_interval_high double precision,
    rank_from text,
    PRIMARY KEY (player_id)
);
COMMENT ON TABLE rocket.rank_predictions IS 'Per ranked player, the rank in divisions and the rank a model predicts from their stats with its 95 % conformal interval (held out or not), beside the playlist''s median rank and its interval. Where a player''s rank is heading is rocket.rank_outlook''s, from the trend of their own known ranks and their training progress where it is shown to matter; the asset''s metadata counts the players with a rank history (rank_history_players).';
