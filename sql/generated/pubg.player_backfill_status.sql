-- Generated from the declaration of pubg/cons/player_backfill_status by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_backfill_status (
    match_id text NOT NULL,
    player_id text NOT NULL,
    status text,
    damage_event_rows bigint,
    circle_position_rows bigint,
    updated_at timestamptz,
    reason text,
    PRIMARY KEY (match_id, player_id)
);
