-- Generated from the declaration of rocket/cons/replay_goals by `gamestats ddl`: edit the declaration, not this file.
CREATE SCHEMA IF NOT EXISTS rocket_partitions;
CREATE TABLE rocket.replay_goals (
    date date NOT NULL,
    match_id text NOT NULL,
    goal integer NOT NULL,
    frame integer,
    sample integer,
    team integer,
    scorer_id text,
    assister_id text,
    clock integer,
    game_seconds integer,
    overtime boolean,
    overtime_seconds integer,
    score_team_0 integer,
    score_team_1 integer,
    PRIMARY KEY (date, match_id, goal)
) PARTITION BY LIST (date);
CREATE INDEX ON rocket.replay_goals (match_id);
