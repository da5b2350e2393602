-- The partition rule that the generated DDL (sql/generated/) and every publish share.
-- A daily table published by partition is partitioned in PostgreSQL by its partition column, one LIST partition
-- per day, so that publishing a day loads a new table and exchanges it for the old partition in one transaction
-- (gamestats_assets/lib/publish/publisher.py) instead of deleting and re-inserting rows. The partitions live beside
-- the domain's schema, in <schema>_partitions, so that the domain's schema lists only the published tables.
--
-- public.gamestats_partition_name(table, value) names the partition of a value.
-- public.gamestats_partition_table(schema, table, column) converts an unpartitioned table in place, keeping its
-- rows, columns, keys and indexes (a table already partitioned is left as it is): a data-preserving change for a
-- table that holds rows and is declared partitioned after the fact.
CREATE OR REPLACE FUNCTION public.gamestats_partition_name(table_name text, partition_value text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT left(table_name, 40) || '_p' || CASE
        WHEN partition_value ~ '^\d{4}-\d{2}-\d{2}$' THEN replace(partition_value, '-', '')
        ELSE left(md5(partition_value), 16)
    END
$$;

CREATE OR REPLACE FUNCTION public.gamestats_partition_table(table_schema text, table_name text, partition_column text)
RETURNS void
LANGUAGE plpgsql
SET datestyle = 'ISO, YMD'
AS $$
DECLARE
    previous text := left(table_name, 40) || '_unpartitioned';
    partition_schema text := table_schema || '_partitions';
    partition_value text;
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_partitioned_table WHERE partrelid = format('%I.%I', table_schema, table_name)::regclass
    ) THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', partition_schema);
    EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', table_schema, table_name, previous);
    EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING ALL) PARTITION BY LIST (%I)',
                   table_schema, table_name, table_schema, previous, partition_column);
    FOR partition_value IN
        EXECUTE format('SELECT DISTINCT %I::text FROM %I.%I', partition_column, table_schema, previous)
    LOOP
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES IN (%L)',
                       partition_schema, public.gamestats_partition_name(table_name, partition_value),
                       table_schema, table_name, partition_value);
    END LOOP;
    EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', table_schema, table_name, table_schema, previous);
    EXECUTE format('DROP TABLE %I.%I', table_schema, previous);
END
$$;
