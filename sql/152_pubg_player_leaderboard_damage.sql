-- The player leaderboard as the tournament page shows it: damage in total and per match, killsteals, and
-- damage by weapon category ("AR:812.5,SR:240") beside the kills by category.
ALTER TABLE pubg.player_leaderboards ADD COLUMN IF NOT EXISTS damage_dealt double precision;
ALTER TABLE pubg.player_leaderboards ADD COLUMN IF NOT EXISTS avg_damage double precision;
ALTER TABLE pubg.player_leaderboards ADD COLUMN IF NOT EXISTS killsteals bigint;
ALTER TABLE pubg.player_leaderboards ADD COLUMN IF NOT EXISTS weapon_damage text;
