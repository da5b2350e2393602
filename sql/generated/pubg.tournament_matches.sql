-- Generated from the declaration of pubg/cons/tournament_match_context by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE pubg.tournament_matches (
    match_id text NOT NULL,
    season_id text,
    division_id text,
    group_id text,
    round_id text,
    slot_id text,
    status text,
    is_tournament_match boolean,
    teams bigint,
    tournament_players bigint,
    overridden boolean,
    override_reason text,
    team_count bigint,
    unmatched_player_count bigint,
    match_type text,
    is_custom_match boolean,
    reason text,
    PRIMARY KEY (match_id)
);
