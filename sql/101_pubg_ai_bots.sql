-- PUBG AI bots (account ids "ai.<n>", in public lobbies) are left out of player statistics and leaderboards;
-- each match counts them here (participants still counts everyone).
ALTER TABLE pubg.matches ADD COLUMN IF NOT EXISTS ai_participants bigint;
