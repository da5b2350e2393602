-- The `premium` role beside `player`, `organiser` and `operator` (`serve/core/accounts.py` `ROLES`, in the order
-- each is allowed what the one before it is: player < premium < organiser < operator); its request budget is its
-- own (`serve/core/budget_profiles.py`).
ALTER TABLE gamestats_api.accounts DROP CONSTRAINT IF EXISTS accounts_role_check;
ALTER TABLE gamestats_api.accounts ADD CONSTRAINT accounts_role_check
    CHECK (role IN ('player', 'premium', 'organiser', 'operator'));
