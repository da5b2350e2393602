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
COMMENT ON TABLE rocket.rank_predictions IS 'Per ranked player, the rank in divisions and the rank a model predicts from their stats (held out or not). Whether a player will rank up is not predicted: judging it needs players whose rank is known at several times (a few hundred players with ranked games over weeks and the rank each game gave, as ballchasing''s list pages filtered by player carry), scored on held-out players beside the share who rank up. Raw replays carry no rank and the public files hold almost every ranked player once; the asset''s metadata counts the players with a rank history (rank_history_players).';
