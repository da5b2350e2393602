"""Signing in with Steam: OpenID 2.0 as Steam's provider speaks it (`steam_openid_endpoint`). The browser is sent
to the endpoint with `openid.mode=checkid_setup`, our `return_to` and `realm`; Steam sends it back to `return_to`
with a positive assertion (`openid.mode=id_res`), which is accepted only when it names Steam's endpoint, our
`return_to` (and our realm, when it names one), a claimed id `https://steamcommunity.com/openid/id/<SteamID64>`
equal to its identity, signs all of those and a response nonce that is recent and used once, and Steam itself
answers `is_valid:true` to it sent back as `openid.mode=check_authentication` (direct verification, OpenID 2.0
section 11.4.2). The claimed SteamID64 is the player's proven id."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from urllib.parse import urlencode

import httpx

NS = "http://specs.openid.net/auth/2.0"
IDENTIFIER_SELECT = f"{NS}/identifier_select"
CLAIMED_ID = re.compile(r"^https://steamcommunity\.com/openid/id/(7656119[0-9]{10})$")
SIGNED = frozenset({"op_endpoint", "claimed_id", "identity", "return_to", "response_nonce", "assoc_handle"})
"""The fields an assertion must sign: all that this module reads of it."""
NONCE_SECONDS = 600
"""How old a response nonce may be (and how long a used one is remembered); a clock ahead by a minute is allowed."""
NONCE_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")


class AssertionRefused(ValueError):
    """An assertion that does not prove a Steam account, with the reason."""


def login_url(endpoint: str, return_to: str, realm: str) -> str:
    """Where the browser is sent to sign in with Steam."""
    return f"{endpoint}?" + urlencode({
        "openid.ns": NS, "openid.mode": "checkid_setup", "openid.return_to": return_to, "openid.realm": realm,
        "openid.identity": IDENTIFIER_SELECT, "openid.claimed_id": IDENTIFIER_SELECT})


def checked(answer: Mapping[str, str], endpoint: str, return_to: str, realm: str,
            now: dt.datetime | None = None) -> tuple[str, str]:
    """(the SteamID64, the response nonce) of the assertion `answer` (the callback's query), checked as the module
    says but for the nonce's single use and Steam's own verification; `AssertionRefused` otherwise."""
    mode = answer.get("openid.mode")
    if mode == "cancel":
        raise AssertionRefused("the sign-in was cancelled at Steam")
    if answer.get("openid.ns") != NS or mode != "id_res":
        raise AssertionRefused("the answer is no OpenID 2.0 positive assertion")
    if answer.get("openid.op_endpoint") != endpoint:
        raise AssertionRefused("the assertion is not from Steam's endpoint")
    if answer.get("openid.return_to") != return_to:
        raise AssertionRefused("the assertion was made for another return_to")
    if answer.get("openid.realm", realm) != realm:
        raise AssertionRefused("the assertion was made for another realm")
    claimed = CLAIMED_ID.match(answer.get("openid.claimed_id", ""))
    if claimed is None or answer.get("openid.identity") != answer["openid.claimed_id"]:
        raise AssertionRefused("the assertion claims no Steam account")
    if not SIGNED <= set(answer.get("openid.signed", "").split(",")):
        raise AssertionRefused(f"the assertion does not sign {', '.join(sorted(SIGNED))}")
    nonce = answer.get("openid.response_nonce", "")
    stamp = NONCE_TIME.match(nonce)
    if stamp is None:
        raise AssertionRefused("the assertion has no response nonce")
    made = dt.datetime.strptime(stamp.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    age = ((now or dt.datetime.now(dt.UTC)) - made).total_seconds()
    if not -60 <= age <= NONCE_SECONDS:
        raise AssertionRefused("the assertion is too old (or from the future)")
    return claimed.group(1), nonce


async def verified(client: httpx.AsyncClient, endpoint: str, answer: Mapping[str, str]) -> None:
    """Ask Steam whether it made the assertion `answer` (`check_authentication`); `AssertionRefused` unless it
    answers `is_valid:true`."""
    asked = {key: value for key, value in answer.items() if key.startswith("openid.")}
    asked["openid.mode"] = "check_authentication"
    try:
        response = await client.post(endpoint, data=asked)
    except httpx.HTTPError as error:
        raise AssertionRefused(f"Steam could not be asked to verify the assertion: {error}") from None
    fields = dict(line.split(":", 1) for line in response.text.splitlines() if ":" in line)
    if response.status_code != 200 or fields.get("ns") != NS or fields.get("is_valid") != "true":
        raise AssertionRefused("Steam did not verify the assertion (is_valid is not true)")
