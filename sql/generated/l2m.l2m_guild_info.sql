-- Generated from the declaration of l2m/cons/l2m_guild_info by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE l2m.l2m_guild_info (
    user_id text COLLATE "C" NOT NULL,
    server_id bigint,
    clan_id bigint,
    clan_name text,
    clan_role text,
    is_member boolean,
    updated_at timestamp,
    PRIMARY KEY (user_id)
);
