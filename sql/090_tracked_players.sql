-- The tracked-player rosters of lol and rocket (with data/reference/<domain>/players.csv), as pubg.players:
-- adding a row backfills the player's history (<domain>_newly_tracked_players).
-- lol: a Riot ID (Name#TAG) or a puuid, optionally prefixed by its platform (KR/Name#TAG).
CREATE TABLE IF NOT EXISTS lol.players (
    player_id text PRIMARY KEY,
    added_at timestamptz NOT NULL DEFAULT now()
);

-- rocket: a platform id as ballchasing filters by it (steam:7656..., epic:..., ps4:...).
CREATE TABLE IF NOT EXISTS rocket.players (
    player_id text PRIMARY KEY,
    added_at timestamptz NOT NULL DEFAULT now()
);
