-- Each player's accuracy and headshot rate with each firearm in a match (LogPlayerAttack shots, the hits of
-- LogPlayerTakeDamage with their attackId on players of other teams); AI bots left out.
CREATE TABLE IF NOT EXISTS pubg.player_weapon_accuracy (
    match_id text NOT NULL,
    account_id text NOT NULL,
    weapon_id text NOT NULL,
    weapon_name text,
    weapon_category text,
    shots bigint,
    hits bigint,
    headshots bigint,
    accuracy double precision,
    headshot_rate double precision,
    damage_dealt double precision,
    PRIMARY KEY (match_id, account_id, weapon_id)
);
CREATE INDEX IF NOT EXISTS player_weapon_accuracy_account ON pubg.player_weapon_accuracy (account_id);
