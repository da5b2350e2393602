-- PUBG tournament rules (issue 28): rounds are time windows, a match's context says why, a slot played
-- again counts its remake only.

-- A round's window [starts_at, ends_at) in UTC, from its own instants or its date in the season's time zone.
ALTER TABLE pubg.tournament_rounds ADD COLUMN IF NOT EXISTS starts_at timestamptz;
ALTER TABLE pubg.tournament_rounds ADD COLUMN IF NOT EXISTS ends_at timestamptz;
ALTER TABLE pubg.tournament_rounds ADD COLUMN IF NOT EXISTS time_zone text;

-- teams stays the lobby's rosters; team_count is the distinct tournament teams of the tournament players in
-- the match (the count the remake rule uses); unmatched_player_count the participants on no tournament team;
-- match_type and is_custom_match as the match object says (a public lobby is never scored); reason why the
-- status holds.
ALTER TABLE pubg.tournament_matches ADD COLUMN IF NOT EXISTS team_count bigint;
ALTER TABLE pubg.tournament_matches ADD COLUMN IF NOT EXISTS unmatched_player_count bigint;
ALTER TABLE pubg.tournament_matches ADD COLUMN IF NOT EXISTS match_type text;
ALTER TABLE pubg.tournament_matches ADD COLUMN IF NOT EXISTS is_custom_match boolean;
ALTER TABLE pubg.tournament_matches ADD COLUMN IF NOT EXISTS reason text;

-- Each slot's attempts, and whether the match that counts for it is a remake of its first attempt.
ALTER TABLE pubg.tournament_scheduled_matches ADD COLUMN IF NOT EXISTS attempts bigint;
ALTER TABLE pubg.tournament_scheduled_matches ADD COLUMN IF NOT EXISTS is_remake boolean;
ALTER TABLE pubg.tournament_scheduled_matches ADD COLUMN IF NOT EXISTS original_match_id text;

-- Every match with a tournament context and whether it counts in the standings, once its slot is settled.
CREATE TABLE IF NOT EXISTS pubg.tournament_match_outcomes (
    match_id text PRIMARY KEY,
    season_id text,
    division_id text,
    group_id text,
    round_id text,
    slot_id text,
    started_at timestamptz,
    status text,
    scored boolean,
    attempt bigint,
    is_remake boolean,
    original_match_id text,
    reason text
);
