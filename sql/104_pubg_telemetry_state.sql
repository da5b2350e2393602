-- What each match's telemetry is (complete, partial, failed, missing); a match whose telemetry was cut short
-- publishes its match-object columns with the telemetry columns null.
ALTER TABLE pubg.match_summaries ADD COLUMN IF NOT EXISTS telemetry text;
