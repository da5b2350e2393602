-- An account's Rocket League player ids in their one form (`steam:<SteamID64>`, `serve/core/accounts.py`
-- `qualified`): a bare SteamID64 kept by an account made before is qualified, so that its uploads are its own.
UPDATE gamestats_api.accounts
SET player_ids = ARRAY(SELECT CASE WHEN id ~ '^7656119[0-9]{10}$' THEN 'steam:' || id ELSE id END
                       FROM unnest(player_ids) WITH ORDINALITY AS ids (id, n) ORDER BY n)
WHERE EXISTS (SELECT FROM unnest(player_ids) AS id WHERE id ~ '^7656119[0-9]{10}$');
