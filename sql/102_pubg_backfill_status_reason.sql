-- player_backfill_status tells the truth per match: extracted (the whole telemetry was read), no_telemetry or
-- failed, with the reason.
ALTER TABLE pubg.player_backfill_status ADD COLUMN IF NOT EXISTS reason text;
