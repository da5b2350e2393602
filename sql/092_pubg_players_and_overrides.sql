-- What PUBG's users write (no table declaration owns these): the tracked-player roster (with
-- data/reference/pubg/players.csv; detailed rows are kept for these players), and an organiser's decisions on
-- disputed tournament matches (gamestats serve's admin endpoints), applied on the match's next run.
CREATE TABLE IF NOT EXISTS pubg.players (
    player_id text PRIMARY KEY,
    added_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS pubg.tournament_match_overrides (
    match_id text PRIMARY KEY,
    division_id text,
    group_id text,
    round_id text,
    slot_id text,
    status text CHECK (status IN ('confirmed', 'unscheduled', 'remake_candidate', 'mixed_division')),
    is_tournament_match boolean,
    reason text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
