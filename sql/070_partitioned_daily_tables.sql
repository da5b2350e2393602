-- Daily published tables are partitioned in PostgreSQL by their partition column, one partition per day,
-- so that publishing a day loads a new table and exchanges it for the old partition in one transaction
-- (gamestats_assets/lib/publisher.py) instead of deleting and re-inserting rows.
--
-- public.gamestats_partition_table(schema, table, column) converts a table in place, keeping its rows,
-- columns, keys and indexes; a table already partitioned is left as it is. A domain's DDL calls it right
-- after creating a daily table:
--     SELECT public.gamestats_partition_table('lol', 'item_build_stats', 'date');
-- The partitions live beside the domain's schema, in <schema>_partitions, so that the domain's schema lists
-- only the published tables. public.gamestats_partition_name(table, value) names the partition of a value,
-- the one rule the migration and every publish share.

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

SELECT public.gamestats_partition_table('demo_data', 'events', 'date');
SELECT public.gamestats_partition_table('demo_data', 'daily_activity', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_active', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_recharge', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_cumulative_revenue', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_item_gain', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_item_spend', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_money_gain', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_money_spend', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_server_performance', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_farmers_performance', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_daily_kpis', 'date');
SELECT public.gamestats_partition_table('l2m', 'l2m_retention', 'date');
