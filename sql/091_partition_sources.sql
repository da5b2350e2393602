-- Where each partition's published rows came from: 'files' (delivered or fetched) or 'synthetic' (generated
-- by gamestats demo). A daily table's rows join on (domain, date::text), a PUBG table's on match_id.
CREATE TABLE IF NOT EXISTS public.partition_sources (
    domain text NOT NULL,
    partition_key text NOT NULL,
    source text NOT NULL CHECK (source IN ('files', 'synthetic')),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (domain, partition_key)
);
