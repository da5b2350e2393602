-- Every change of a round's slots entered through gamestats serve's admin endpoints (a schedule, a delay, an undo),
-- with the six slots as they were before it (`previous`: match number, slot id, planned time, delay, map, and
-- whether an edit row held them), so that an edit can be undone and the history stays whole. An undo is an edit
-- of its own (`undoes`), and the edit it undid names it (`undone_by`). The pipeline's sensor
-- `pubg_schedule_edits` requests the rebuild of the tournament tables for each new row.
CREATE TABLE IF NOT EXISTS pubg.tournament_schedule_history (
    edit_id bigserial PRIMARY KEY,
    season_id text NOT NULL,
    round_id text NOT NULL,
    division_id text NOT NULL,
    group_id text NOT NULL,
    action text NOT NULL CHECK (action IN ('schedule', 'delay', 'undo')),
    previous jsonb NOT NULL,
    reason text,
    undoes bigint REFERENCES pubg.tournament_schedule_history (edit_id),
    undone_by bigint REFERENCES pubg.tournament_schedule_history (edit_id),
    edited_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS tournament_schedule_history_lobby
    ON pubg.tournament_schedule_history (season_id, round_id, division_id, group_id, edit_id);
