-- Managed bot rings (transforms/farm_rings.py): a farm found by its accounts' coinciding logins carries the
-- evidence that linked it. Null for the farms of the other rules.
--   co_logins: co-login events of the ring's linked pairs over the day and the six before;
--   co_login_days: the most days one linked pair met on; median_start_offset_seconds: the median gap of
--   the linked pairs' co-logins; presence_hours: the median online hours of the ring's accounts on the day;
--   ring_clans: the clans (comma-separated ids) the ring's accounts are known in.
ALTER TABLE l2m.l2m_farmers_performance
    ADD COLUMN IF NOT EXISTS co_logins bigint,
    ADD COLUMN IF NOT EXISTS co_login_days bigint,
    ADD COLUMN IF NOT EXISTS median_start_offset_seconds double precision,
    ADD COLUMN IF NOT EXISTS ring_clans text,
    ADD COLUMN IF NOT EXISTS presence_hours double precision;

ALTER TABLE l2m.l2m_farmers_snapshot
    ADD COLUMN IF NOT EXISTS co_logins bigint,
    ADD COLUMN IF NOT EXISTS co_login_days bigint,
    ADD COLUMN IF NOT EXISTS median_start_offset_seconds double precision,
    ADD COLUMN IF NOT EXISTS presence_hours double precision,
    ADD COLUMN IF NOT EXISTS ring_clans text;
