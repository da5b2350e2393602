-- What the standings add up besides points (placement and kill points apart, knocks, assists, headshot kills,
-- survival time) and what each rank change is since, on a database whose leaderboards predate them (a new
-- database has them from sql/generated).
ALTER TABLE pubg.team_leaderboards
    ADD COLUMN IF NOT EXISTS rank_change_since text,
    ADD COLUMN IF NOT EXISTS placement_points bigint,
    ADD COLUMN IF NOT EXISTS kill_points bigint,
    ADD COLUMN IF NOT EXISTS knocks bigint;
ALTER TABLE pubg.player_leaderboards
    ADD COLUMN IF NOT EXISTS rank_change_since text,
    ADD COLUMN IF NOT EXISTS placement_points bigint,
    ADD COLUMN IF NOT EXISTS kill_points bigint,
    ADD COLUMN IF NOT EXISTS knocks bigint,
    ADD COLUMN IF NOT EXISTS assists bigint,
    ADD COLUMN IF NOT EXISTS headshot_kills bigint,
    ADD COLUMN IF NOT EXISTS survival_s double precision;
