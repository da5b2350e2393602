-- The season's name as the organiser's file gives it, on each of its rounds: the tournament API's `season_name`.
ALTER TABLE pubg.tournament_rounds ADD COLUMN IF NOT EXISTS season_name text;
