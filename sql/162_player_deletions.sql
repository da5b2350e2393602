-- The players deleted at their own or an operator's request (`gamestats players delete`, `DELETE
-- /api/v1/players/{domain}/{player_id}`): the register every ETL consults (also kept in the data folder's
-- `state/deletions.json`) holds the SHA-256 of the domain and id, never the id, and the token that stands for the
-- player from then on; each deletion records who asked, when, and what it changed.
CREATE TABLE IF NOT EXISTS gamestats_api.player_deletions (
    deletion_id bigserial PRIMARY KEY,
    domain text NOT NULL,
    id_sha256 text NOT NULL CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
    token text NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    counts jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS player_deletions_player ON gamestats_api.player_deletions (domain, id_sha256);
