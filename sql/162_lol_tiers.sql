-- The slice of ranked tiers (`tier`) of the lol statistics by tier, on a database whose tables predate it (a new
-- database has it from sql/generated): the rows there were computed over every game, the slice `all`; the
-- primary key gains the tier after the patch.
ALTER TABLE lol.champion_stats ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'all';
ALTER TABLE lol.champion_stats ALTER COLUMN tier DROP DEFAULT;
ALTER TABLE lol.champion_stats DROP CONSTRAINT IF EXISTS champion_stats_pkey, ADD PRIMARY KEY (queue, patch, tier, team_position, champion_id);
ALTER TABLE lol.item_build_stats ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'all';
ALTER TABLE lol.item_build_stats ALTER COLUMN tier DROP DEFAULT;
ALTER TABLE lol.item_build_stats DROP CONSTRAINT IF EXISTS item_build_stats_pkey, ADD PRIMARY KEY (queue, patch, tier, champion_id, depth, core_path);
ALTER TABLE lol.skill_order_stats ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'all';
ALTER TABLE lol.skill_order_stats ALTER COLUMN tier DROP DEFAULT;
ALTER TABLE lol.skill_order_stats DROP CONSTRAINT IF EXISTS skill_order_stats_pkey, ADD PRIMARY KEY (queue, patch, tier, champion_id, max_order);
ALTER TABLE lol.lane_matchups ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'all';
ALTER TABLE lol.lane_matchups ALTER COLUMN tier DROP DEFAULT;
ALTER TABLE lol.lane_matchups DROP CONSTRAINT IF EXISTS lane_matchups_pkey, ADD PRIMARY KEY (queue, patch, tier, team_position, champion_id, opponent_champion_id);
ALTER TABLE lol.keystone_stats ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'all';
ALTER TABLE lol.keystone_stats ALTER COLUMN tier DROP DEFAULT;
ALTER TABLE lol.keystone_stats DROP CONSTRAINT IF EXISTS keystone_stats_pkey, ADD PRIMARY KEY (queue, patch, tier, champion_id, keystone_id);
ALTER TABLE lol.rune_page_stats ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'all';
ALTER TABLE lol.rune_page_stats ALTER COLUMN tier DROP DEFAULT;
ALTER TABLE lol.rune_page_stats DROP CONSTRAINT IF EXISTS rune_page_stats_pkey, ADD PRIMARY KEY (queue, patch, tier, champion_id, rune_page);
ALTER TABLE lol.spell_pair_stats ADD COLUMN IF NOT EXISTS tier text NOT NULL DEFAULT 'all';
ALTER TABLE lol.spell_pair_stats ALTER COLUMN tier DROP DEFAULT;
ALTER TABLE lol.spell_pair_stats DROP CONSTRAINT IF EXISTS spell_pair_stats_pkey, ADD PRIMARY KEY (queue, patch, tier, champion_id, spell_pair);
