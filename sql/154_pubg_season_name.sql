-- The season's name on each of its rounds (the tournament API's `season_name`), on a database whose
-- `pubg.tournament_rounds` predates it (a new database has it from sql/generated).
ALTER TABLE pubg.tournament_rounds ADD COLUMN IF NOT EXISTS season_name text;
