-- When each published table last changed: one row per table, written in the transaction of its publish, so a
-- reader sees a table's rows and its publish_id change together. `gamestats serve` keys its cache by publish_id
-- and reports published_at with every response.
CREATE SEQUENCE IF NOT EXISTS public.publish_ids;
CREATE TABLE IF NOT EXISTS public.publish_log (
    table_name text PRIMARY KEY,
    publish_id bigint NOT NULL,
    published_at timestamptz NOT NULL,
    rows_written bigint
);
GRANT SELECT ON public.publish_log TO gamestats_reader;

-- The role that applies the DDL may take the reader role (a superuser may anyway).
DO $$
BEGIN
    EXECUTE format('GRANT gamestats_reader TO %I', current_user);
EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
    NULL;
END
$$;
