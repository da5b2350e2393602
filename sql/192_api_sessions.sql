-- A player's way in without an operator (`serve/routes/auth/`): the sessions of signed-in browsers (only the
-- SHA-256 of each session cookie kept, with its expiry), the sign-ins under way (the SHA-256 of the cookie that
-- binds one to its browser, with the OAuth `state` and PKCE verifier, or nothing more for Steam's OpenID, and the
-- account a signed-in player links the id to), and the OpenID response nonces already used, each accepted once.
-- An account's sessions and sign-ins go with it when its row is deleted.
CREATE TABLE IF NOT EXISTS gamestats_api.sessions (
    session_sha256 bytea PRIMARY KEY,
    account text NOT NULL REFERENCES gamestats_api.accounts (name) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS sessions_account ON gamestats_api.sessions (account);

CREATE TABLE IF NOT EXISTS gamestats_api.sign_in_attempts (
    attempt_sha256 bytea PRIMARY KEY,
    provider text NOT NULL CHECK (provider IN ('steam', 'epic')),
    state text,
    code_verifier text,
    link_account text REFERENCES gamestats_api.accounts (name) ON DELETE CASCADE,
    next_page text NOT NULL DEFAULT '/',
    expires_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS gamestats_api.openid_nonces (
    endpoint text NOT NULL,
    nonce text NOT NULL,
    used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (endpoint, nonce)
);
