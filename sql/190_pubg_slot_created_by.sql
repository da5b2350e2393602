-- Who created a schedule slot through gamestats serve's admin endpoints (`created_by`, the account; null for a slot
-- of the organisers' file that an edit row only changes), and why a match on it was remade (`remake_reason`, set
-- when an override places a remake on the slot; null otherwise). Columns added in place: every row is kept.
ALTER TABLE pubg.tournament_slot_edits ADD COLUMN IF NOT EXISTS created_by text;
ALTER TABLE pubg.tournament_slot_edits ADD COLUMN IF NOT EXISTS remake_reason text;
