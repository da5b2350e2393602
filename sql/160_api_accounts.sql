-- The accounts of `gamestats serve` and what its workers share: each account's role and the players it acts for,
-- its API keys (only their SHA-256 kept), and the request budgets per account and per client address. Schema
-- `gamestats_api` is not granted to gamestats_reader: the API reads it over the platform's own connection.
CREATE SCHEMA IF NOT EXISTS gamestats_api;

CREATE TABLE IF NOT EXISTS gamestats_api.accounts (
    name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._@+-]{1,64}$'),
    role text NOT NULL CHECK (role IN ('player', 'organiser', 'operator')),
    player_ids text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE IF NOT EXISTS gamestats_api.api_keys (
    key_id text PRIMARY KEY,
    account text NOT NULL REFERENCES gamestats_api.accounts (name),
    key_sha256 bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS api_keys_account ON gamestats_api.api_keys (account);

-- A token bucket per budget key ('address:<ip>', 'account:<name>'): `tokens` as of `updated_at`. Unlogged: a
-- crash forgets the budgets, which refill within a minute anyway.
CREATE UNLOGGED TABLE IF NOT EXISTS gamestats_api.request_budgets (
    key text PRIMARY KEY,
    tokens double precision NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Take `asked[i]` requests from the bucket of `keys[i]` (each at most `capacity` tokens, refilled at
-- `per_second`): how many were granted, and the seconds until the next would be. Keys are taken in their order,
-- so that concurrent callers lock rows in one order and never deadlock.
CREATE OR REPLACE FUNCTION gamestats_api.take_budgets(keys text[], asked integer[], capacity double precision,
                                                      per_second double precision)
RETURNS TABLE (key text, granted integer, wait_seconds double precision)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    item record;
    available double precision;
    moment timestamptz := clock_timestamp();
BEGIN
    FOR item IN SELECT a.key, a.n FROM unnest(keys, asked) AS a(key, n) ORDER BY a.key LOOP
        INSERT INTO gamestats_api.request_budgets AS b (key, tokens, updated_at)
        VALUES (item.key, capacity, moment)
        ON CONFLICT ON CONSTRAINT request_budgets_pkey DO UPDATE
            SET tokens = least(capacity, b.tokens + extract(epoch FROM moment - b.updated_at) * per_second),
                updated_at = moment
        RETURNING b.tokens INTO available;
        key := item.key;
        granted := least(item.n, floor(available)::integer);
        available := available - granted;
        UPDATE gamestats_api.request_budgets AS b SET tokens = available WHERE b.key = item.key;
        wait_seconds := CASE WHEN granted < item.n THEN (1 - available) / per_second ELSE 0 END;
        RETURN NEXT;
    END LOOP;
END
$$;
