-- What a match's map draws: where each player landed, every kill with where victim and killer stood, and the
-- safe zones phase by phase. Telemetry-only tables: a match whose telemetry was cut short is held from them.
CREATE TABLE IF NOT EXISTS pubg.landings (
    match_id text NOT NULL,
    account_id text NOT NULL,
    player_name text,
    team_id bigint,
    landed_at_s double precision,
    x_m double precision,
    y_m double precision,
    PRIMARY KEY (match_id, account_id)
);

CREATE TABLE IF NOT EXISTS pubg.kill_positions (
    match_id text NOT NULL,
    event_index bigint NOT NULL,
    elapsed_s double precision,
    victim_account_id text,
    victim_team_id bigint,
    killer_account_id text,
    killer_team_id bigint,
    victim_x_m double precision,
    victim_y_m double precision,
    killer_x_m double precision,
    killer_y_m double precision,
    distance_m double precision,
    PRIMARY KEY (match_id, event_index)
);

CREATE TABLE IF NOT EXISTS pubg.circles (
    match_id text NOT NULL,
    phase bigint NOT NULL,
    appeared_s double precision,
    x_m double precision,
    y_m double precision,
    radius_m double precision,
    blue_radius_m double precision,
    PRIMARY KEY (match_id, phase)
);
