-- An organiser's schedule, entered through gamestats serve's admin endpoints: rounds and the match slots of a
-- round (six a division and group), each row replacing the organisers' file's row of the same id, read by the
-- pipeline's tournament frames (`defs/pubg/organisers.py`). `delay_minutes` moves a slot from its planned time
-- (`planned_at`): the slot's time is the sum. Applied by each match's next run and the next build of the
-- tournament tables.
CREATE TABLE IF NOT EXISTS pubg.tournament_round_edits (
    season_id text NOT NULL,
    round_id text NOT NULL,
    name text,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (season_id, round_id)
);

CREATE TABLE IF NOT EXISTS pubg.tournament_slot_edits (
    slot_id text PRIMARY KEY,
    season_id text NOT NULL,
    round_id text NOT NULL,
    division_id text NOT NULL,
    group_id text NOT NULL,
    match_number integer NOT NULL CHECK (match_number BETWEEN 1 AND 6),
    planned_at timestamptz NOT NULL,
    delay_minutes integer NOT NULL DEFAULT 0,
    map_name text NOT NULL,
    reason text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (season_id, round_id, division_id, group_id, match_number)
);
