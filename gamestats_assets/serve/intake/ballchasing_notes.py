"""An account's own ballchasing.com notes (issue 94): the notes of its uploads sent, or to send, there
(`ballchasing_sends.py`, `state/ballchasing_sends/rocket/<match id>`) and of when its uploads there were last looked
at in full (`ballchasing_own.py`, `state/ballchasing_own/rocket/<digest of its name>`); held in its export
(`own_notes`), dropped when it is deleted or withdraws its consent (`forget_own`)."""

from __future__ import annotations

from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.intake.ballchasing_own import OWN, looked_key
from gamestats_assets.serve.intake.ballchasing_sends import SENDS, notes
from gamestats_assets.serve.intake.ballchasing_sync import PASSES
from gamestats_assets.serve.intake.rocket_landing import door_of


def own_notes(settings: ServeSettings, account: str) -> dict:
    """`account`'s notes: `sends` (each upload's note with its match `id`, by match id) and `own_games_looked_at`
    (when its ballchasing uploads were last looked at in full; None: never)."""
    return {"sends": [{"id": match_id, **note} for match_id, note in notes(settings).items()
                      if note["account"] == account],
            "own_games_looked_at": door_of(settings).noted(OWN, looked_key(account))}


def forget_own(settings: ServeSettings, account: str) -> int:
    """Drop every note of `account` (an upload waiting is then sent no more), between two passes of
    `ballchasing_sync` so that none writes one again: how many notes were dropped."""
    door = door_of(settings)
    with PASSES:
        sends = [match_id for match_id, note in notes(settings).items() if note["account"] == account]
        for match_id in sends:
            door.forget(SENDS, match_id)
        looked = door.noted(OWN, looked_key(account)) is not None
        door.forget(OWN, looked_key(account))
    return len(sends) + looked
