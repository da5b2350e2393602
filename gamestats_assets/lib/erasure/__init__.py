"""A player's data erased at their request, and kept out afterwards: the wing of `lib/` that owns deleted players.

- `register`: the register of deleted players (keyed digests and tokens) and a domain's `Identity`, the columns that
  name a player; what every writer consults.
- `redaction`: a frame or a text without the deleted players; `lake_writes`: the lake IO manager that passes every
  write through it; `delivered`: a file landed after a deletion written again without them by its landing run (the
  intake's record of what it looked at).
- `deletion`: the entry, `delete_player`, one deletion at a time and in order: the register, then `landing` (landing
  and quarantine files rewritten or retired), `lake` (every Delta table, no earlier version left), `instance`
  (Dagster's instance, with `instance_texts` for what it stored as text) and `postgres` (the published tables and
  accounts, the deletion recorded).

The wing comes after `publish` and before `intake`: intake's door, tracking and landing read the register, and the
deletion acts on the lake and PostgreSQL."""
