-- Rocket League: a raw replay whose network stream cannot be read is published from its header's scoreboard
-- alone; frames_null_reason says why its frames are missing (null for a game read in full). Adding the
-- column to the partitioned parent adds it to every day's partition.
ALTER TABLE rocket.matches ADD COLUMN IF NOT EXISTS frames_null_reason text;
