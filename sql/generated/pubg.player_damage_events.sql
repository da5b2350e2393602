-- Generated from the declaration of pubg/cons/tracked_damage_events by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.player_damage_events (
    match_id text NOT NULL,
    event_index bigint NOT NULL,
    elapsed_s double precision,
    attacker_account_id text,
    victim_account_id text,
    damage_causer_name text,
    weapon_category text,
    damage_type_category text,
    damage_reason text,
    damage double precision,
    account_id text NOT NULL,
    role text NOT NULL,
    PRIMARY KEY (match_id, event_index, account_id, role)
);
