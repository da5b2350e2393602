-- What a player's account holds of them besides its keys (`serve/routes/users/`): their consent to the processing of
-- their data, and their profile. A consent names the text the player agreed to (its version) and who recorded it:
-- the player themselves, or the operator who made the account (stating they have the player's consent). Withdrawn,
-- it keeps its row with the time. A profile's email and ballchasing.com key are kept only encrypted (Fernet under
-- `GAMESTATS_SECRET_KEYS`, `serve/core/sealed.py`), never as their text. Schema `gamestats_api`, as the accounts.
CREATE TABLE IF NOT EXISTS gamestats_api.consents (
    consent_id bigserial PRIMARY KEY,
    account text NOT NULL REFERENCES gamestats_api.accounts (name),
    text_version text NOT NULL CHECK (text_version ~ '^[A-Za-z0-9._-]{1,32}$'),
    recorded_by text NOT NULL CHECK (recorded_by IN ('player', 'operator')),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS consents_in_force ON gamestats_api.consents (account) WHERE withdrawn_at IS NULL;

CREATE TABLE IF NOT EXISTS gamestats_api.profiles (
    account text PRIMARY KEY REFERENCES gamestats_api.accounts (name),
    display_name text CHECK (char_length(display_name) BETWEEN 1 AND 64),
    email_sealed bytea,
    ballchasing_key_sealed bytea,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The accounts an operator made before consent was recorded: their consent is the operator's, as at creation.
INSERT INTO gamestats_api.consents (account, text_version, recorded_by, recorded_at)
SELECT a.name, 'operator', 'operator', a.created_at FROM gamestats_api.accounts a
WHERE a.revoked_at IS NULL
  AND NOT EXISTS (SELECT FROM gamestats_api.consents c WHERE c.account = a.name AND c.withdrawn_at IS NULL);
