-- League of Legends: runes, summoner spells and bot-lane duos (gamestats_assets/defs/lol/transforms/loadouts.py,
-- duos.py), each within a queue and a patch, over counted games. Runes and spells are named by the Data Dragon of
-- the game's patch (`*_named_on`: the reference patch that named them). Snapshots replaced whole on every publish;
-- columns mirror the polars frames, in the same order.

-- Champion × keystone (the first rune of the primary path). Grain: (queue, patch, champion_id, keystone_id).
CREATE TABLE lol.keystone_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    champion_id bigint NOT NULL,
    keystone_id bigint NOT NULL,
    champion_name text,
    keystone_name text,
    primary_style_name text,
    runes_named_on text,
    games bigint,
    wins bigint,
    champion_games bigint CHECK (champion_games >= games),
    pick_rate double precision CHECK (pick_rate > 0 AND pick_rate <= 1),
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    CHECK (games > 0 AND wins BETWEEN 0 AND games),
    CHECK (win_rate BETWEEN 0 AND 1 AND win_rate_ci_low <= win_rate + 1e-9 AND win_rate <= win_rate_ci_high + 1e-9),
    PRIMARY KEY (queue, patch, champion_id, keystone_id)
);

-- Champion × full rune page: the six rune ids, keystone first, joined by '-'.
-- Grain: (queue, patch, champion_id, rune_page).
CREATE TABLE lol.rune_page_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    champion_id bigint NOT NULL,
    rune_page text NOT NULL,
    champion_name text,
    keystone_id bigint,
    keystone_name text,
    rune_names text,
    primary_style_name text,
    sub_style_name text,
    runes_named_on text,
    games bigint,
    wins bigint,
    champion_games bigint CHECK (champion_games >= games),
    pick_rate double precision CHECK (pick_rate > 0 AND pick_rate <= 1),
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    CHECK (games > 0 AND wins BETWEEN 0 AND games),
    CHECK (win_rate BETWEEN 0 AND 1 AND win_rate_ci_low <= win_rate + 1e-9 AND win_rate <= win_rate_ci_high + 1e-9),
    PRIMARY KEY (queue, patch, champion_id, rune_page)
);

-- Champion × summoner spell pair, lower id first, joined by '+'. Grain: (queue, patch, champion_id, spell_pair).
CREATE TABLE lol.spell_pair_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    champion_id bigint NOT NULL,
    spell_pair text NOT NULL,
    champion_name text,
    spell_1_id bigint,
    spell_2_id bigint,
    spell_names text,
    spells_named_on text,
    games bigint,
    wins bigint,
    champion_games bigint CHECK (champion_games >= games),
    pick_rate double precision CHECK (pick_rate > 0 AND pick_rate <= 1),
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    CHECK (games > 0 AND wins BETWEEN 0 AND games),
    CHECK (win_rate BETWEEN 0 AND 1 AND win_rate_ci_low <= win_rate + 1e-9 AND win_rate <= win_rate_ci_high + 1e-9),
    PRIMARY KEY (queue, patch, champion_id, spell_pair)
);

-- ADC (BOTTOM) × support (UTILITY) of one team against the expectation of the two champions' win rates with other
-- partners (log-odds sum), exact binomial p and Benjamini–Hochberg q across pairs.
-- Grain: (queue, patch, adc_champion_id, support_champion_id).
CREATE TABLE lol.bot_duo_stats (
    queue text NOT NULL,
    patch text NOT NULL,
    adc_champion_id bigint NOT NULL,
    support_champion_id bigint NOT NULL,
    adc_champion_name text,
    support_champion_name text,
    games bigint,
    wins bigint,
    adc_other_games bigint,
    adc_win_rate double precision,
    support_other_games bigint,
    support_win_rate double precision,
    win_rate double precision,
    low_sample boolean,
    win_rate_ci_low double precision,
    win_rate_ci_high double precision,
    expected_win_rate double precision,
    win_rate_vs_expected double precision,
    p_value double precision,
    q_value double precision CHECK (q_value >= p_value AND q_value <= 1),
    significant boolean,
    CHECK (games > 0 AND wins BETWEEN 0 AND games),
    CHECK (win_rate BETWEEN 0 AND 1 AND win_rate_ci_low <= win_rate + 1e-9 AND win_rate <= win_rate_ci_high + 1e-9),
    PRIMARY KEY (queue, patch, adc_champion_id, support_champion_id)
);
