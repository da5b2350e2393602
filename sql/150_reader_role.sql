-- The read-only role of analysts and `gamestats serve`: SELECT on the published schemas, nothing else.
DO $$
BEGIN
    CREATE ROLE gamestats_reader NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
GRANT USAGE ON SCHEMA demo_data, l2m, lol, pubg, rocket TO gamestats_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA demo_data, l2m, lol, pubg, rocket TO gamestats_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA demo_data, l2m, lol, pubg, rocket GRANT SELECT ON TABLES TO gamestats_reader;
