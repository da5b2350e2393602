-- Generated from the declaration of pubg/cons/team_leaderboards by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.team_leaderboards (
    scope text NOT NULL,
    season_id text NOT NULL,
    division_id text NOT NULL,
    group_id text NOT NULL,
    round_id text NOT NULL,
    team_name text NOT NULL,
    rank bigint,
    rank_change bigint,
    points bigint,
    matches bigint,
    kills bigint,
    wins bigint,
    avg_placement double precision,
    last_placements text,
    rank_change_since text,
    placement_points bigint,
    kill_points bigint,
    knocks bigint,
    PRIMARY KEY (scope, season_id, division_id, group_id, round_id, team_name)
);
