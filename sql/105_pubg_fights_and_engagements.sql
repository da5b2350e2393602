-- Fights between two teams, and engagements: fights of one place and time joined (three teams or more is a
-- third party). Telemetry-only tables: a match whose telemetry was cut short is held from them.
CREATE TABLE IF NOT EXISTS pubg.fights (
    match_id text NOT NULL,
    fight_id bigint NOT NULL,
    team_a bigint,
    team_b bigint,
    started_s double precision,
    duration_s double precision,
    damage_events bigint,
    damage_by_a double precision,
    damage_by_b double precision,
    knocks_by_a bigint,
    knocks_by_b bigint,
    kills_by_a bigint,
    kills_by_b bigint,
    winner_team_id bigint,
    center_x_m double precision,
    center_y_m double precision,
    PRIMARY KEY (match_id, fight_id)
);

CREATE TABLE IF NOT EXISTS pubg.engagements (
    match_id text NOT NULL,
    engagement_id bigint NOT NULL,
    teams bigint,
    team_ids text,
    third_party boolean,
    fights bigint,
    started_s double precision,
    duration_s double precision,
    damage double precision,
    knocks bigint,
    kills bigint,
    center_x_m double precision,
    center_y_m double precision,
    PRIMARY KEY (match_id, engagement_id)
);
