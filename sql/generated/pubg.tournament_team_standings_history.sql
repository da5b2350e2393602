-- Generated from the declaration of pubg/cons/tournament_team_standings_history by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.tournament_team_standings_history (
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
    PRIMARY KEY (season_id, division_id, group_id, round_id, team_name)
);
