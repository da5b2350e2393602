-- Every decision an organiser makes through gamestats serve's admin endpoints, in the order made: an override of a
-- match, a round's window, a schedule, a delay, or the undo of one of these. Who made it (the account), why
-- (required), optional notes and when; what it replaced (`previous`: the override or round edit row before it,
-- null where there was none; a schedule change's slots before it are in `tournament_schedule_history`, named by
-- `schedule_edit_id`). An undo is a decision of its own (`undoes`), and the decision it undid names it
-- (`undone_by`). The pipeline's sensor `pubg_organiser_decisions` reruns the matches whose context a decision can
-- change and republishes the tournament tables, once per decision.
CREATE TABLE IF NOT EXISTS pubg.tournament_decisions (
    decision_id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('override', 'round', 'schedule', 'delay', 'undo')),
    season_id text,
    round_id text,
    division_id text,
    group_id text,
    match_id text,
    schedule_edit_id bigint REFERENCES pubg.tournament_schedule_history (edit_id),
    previous jsonb,
    made_by text NOT NULL,
    reason text NOT NULL CHECK (length(reason) > 0),
    notes text,
    made_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    undoes bigint REFERENCES pubg.tournament_decisions (decision_id),
    undone_by bigint REFERENCES pubg.tournament_decisions (decision_id)
);
CREATE INDEX IF NOT EXISTS tournament_decisions_round ON pubg.tournament_decisions (season_id, round_id, decision_id);
CREATE INDEX IF NOT EXISTS tournament_decisions_match ON pubg.tournament_decisions (match_id, decision_id);

-- An override says who made it and why, as the tournament design's `tournament_match_overrides` does; its status may
-- also be `remake_failed` (a remake that could not be played: the slot's first match stands).
ALTER TABLE pubg.tournament_match_overrides ADD COLUMN IF NOT EXISTS admin_user text;
ALTER TABLE pubg.tournament_match_overrides ADD COLUMN IF NOT EXISTS admin_notes text;
UPDATE pubg.tournament_match_overrides SET reason = 'not recorded' WHERE reason IS NULL;
UPDATE pubg.tournament_match_overrides SET admin_user = 'not recorded' WHERE admin_user IS NULL;
ALTER TABLE pubg.tournament_match_overrides ALTER COLUMN reason SET NOT NULL;
ALTER TABLE pubg.tournament_match_overrides ALTER COLUMN admin_user SET NOT NULL;
ALTER TABLE pubg.tournament_match_overrides DROP CONSTRAINT IF EXISTS tournament_match_overrides_status_check;
ALTER TABLE pubg.tournament_match_overrides ADD CONSTRAINT tournament_match_overrides_status_check
    CHECK (status IN ('confirmed', 'unscheduled', 'remake_candidate', 'mixed_division', 'remake_failed'));

-- Who changed a round's slots, and their notes, beside the reason the history already keeps.
ALTER TABLE pubg.tournament_schedule_history ADD COLUMN IF NOT EXISTS made_by text;
ALTER TABLE pubg.tournament_schedule_history ADD COLUMN IF NOT EXISTS notes text;
