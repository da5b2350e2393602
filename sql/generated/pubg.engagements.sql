-- Generated from the declaration of pubg/cons/engagements by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.engagements (
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
