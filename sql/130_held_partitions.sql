-- Partitions a publish held back: their run published its other partitions, while a blocking check failed
-- on these (gamestats_assets/lib/held.py). A held partition keeps the rows it had in its table; the next
-- run that publishes it deletes its rows here.
CREATE TABLE IF NOT EXISTS public.held_partitions (
    domain text NOT NULL,
    table_name text NOT NULL,
    partition_key text NOT NULL,
    check_name text NOT NULL,
    reason text NOT NULL,
    run_id text NOT NULL,
    held_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, partition_key, check_name)
);

CREATE INDEX IF NOT EXISTS held_partitions_domain ON public.held_partitions (domain, partition_key);
