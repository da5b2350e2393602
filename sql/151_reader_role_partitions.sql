-- The reader also reads each day's partition of a partitioned table directly (they live in the domain's
-- `<domain>_partitions` schema, where the publisher creates a new table at each exchange), and the two
-- tables of `public` that say where a partition came from and why one is held.
CREATE SCHEMA IF NOT EXISTS demo_data_partitions;
CREATE SCHEMA IF NOT EXISTS l2m_partitions;
CREATE SCHEMA IF NOT EXISTS lol_partitions;
CREATE SCHEMA IF NOT EXISTS pubg_partitions;
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
GRANT USAGE ON SCHEMA demo_data_partitions, l2m_partitions, lol_partitions, pubg_partitions, rocket_partitions
    TO gamestats_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA demo_data_partitions, l2m_partitions, lol_partitions, pubg_partitions,
    rocket_partitions TO gamestats_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA demo_data_partitions, l2m_partitions, lol_partitions, pubg_partitions,
    rocket_partitions GRANT SELECT ON TABLES TO gamestats_reader;
GRANT SELECT ON public.partition_sources, public.held_partitions TO gamestats_reader;
