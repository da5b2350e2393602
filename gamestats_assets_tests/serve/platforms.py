"""Local HTTP servers that play the platforms a player signs in with, answering in their real shapes.

`SteamOpenId` plays `https://steamcommunity.com/openid/login`: `checkid_setup` signs in the SteamID64 it is told to
and sends the browser back to `return_to` with a positive assertion as Steam words it (`openid.ns`, `mode=id_res`,
`op_endpoint`, `claimed_id` = `identity` = `https://steamcommunity.com/openid/id/<SteamID64>`, `return_to`, a
`response_nonce` of the time and a random tail, `assoc_handle` `1234567890`, `signed`, `sig`, an HMAC-SHA1 of the
signed fields in OpenID's key-value form); `check_authentication` recomputes it and answers in key-value form,
`ns:http://specs.openid.net/auth/2.0` then `is_valid:true` or `is_valid:false`, as `text/plain`.

`EpicOAuth` plays Epic Account Services: `/id/authorize` (a code for the account it is told to, sent back to the
`redirect_uri` with the `state`; it refuses a request without an `S256` challenge), and `/epic/oauth/v2/token`
(the client by HTTP Basic, the code once, the same `redirect_uri`, and the verifier whose S256 is the challenge),
answering EOS's token JSON (`access_token`, `expires_in`, `expires_at`, `refresh_token`, `account_id`, `client_id`,
`application_id`, `selected_account_id`, `scope`, `token_type`) or its error JSON (`errorCode`, `errorMessage`,
`numericErrorCode`, `originatingService`, `intent`, `error_description`, `error`)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from gamestats_assets_tests.loopback import Quiet, serving

NS = "http://specs.openid.net/auth/2.0"
SIGNED = "signed,op_endpoint,claimed_id,identity,return_to,response_nonce,assoc_handle"


@dataclass
class SteamOpenId:
    """The state of the fake Steam: who signs in next, its signing secret, and whether it calls every assertion
    invalid."""

    steam_id: str = "76561198000000001"
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(20))
    invalid: bool = False
    endpoint: str = ""

    def sign(self, fields: dict[str, str]) -> str:
        text = "".join(f"{name}:{fields['openid.' + name]}\n" for name in fields["openid.signed"].split(","))
        return base64.b64encode(hmac.new(self.secret, text.encode(), hashlib.sha1).digest()).decode()

    def assertion(self, return_to: str, **changed: str) -> dict[str, str]:
        """The positive assertion Steam gives for `steam_id` coming back to `return_to` (`changed` fields
        replaced after signing, as a forger would)."""
        claimed = f"https://steamcommunity.com/openid/id/{self.steam_id}"
        nonce = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") + base64.b64encode(
            secrets.token_bytes(20)).decode()
        fields = {"openid.ns": NS, "openid.mode": "id_res", "openid.op_endpoint": self.endpoint,
                  "openid.claimed_id": claimed, "openid.identity": claimed, "openid.return_to": return_to,
                  "openid.response_nonce": nonce, "openid.assoc_handle": "1234567890", "openid.signed": SIGNED}
        fields["openid.sig"] = self.sign(fields)
        return {**fields, **changed}

    def handler(self):
        steam = self

        class Handler(Quiet):
            def do_GET(self):
                asked = dict(parse_qsl(urlsplit(self.path).query))
                if asked.get("openid.mode") != "checkid_setup" or asked.get("openid.ns") != NS:
                    return self.answer(400, b"bad request", "text/plain")
                back = asked["openid.return_to"]
                self.answer(302, kind=None, headers=[
                    ("Location", f"{back}{'&' if '?' in back else '?'}{urlencode(steam.assertion(back))}")])

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                asked = dict(parse_qsl(body, keep_blank_values=True))
                valid = (asked.get("openid.mode") == "check_authentication" and not steam.invalid
                         and hmac.compare_digest(steam.sign(asked), asked.get("openid.sig", "")))
                self.answer(200, f"ns:{NS}\nis_valid:{'true' if valid else 'false'}\n".encode(),
                            "text/plain;charset=utf-8")

        return Handler


@dataclass
class EpicOAuth:
    """The state of the fake Epic: its client, who signs in next, and the codes given (code → what it was given
    for)."""

    client_id: str = "xyza7891TydzdNolyGQJYa9b6n6rLMJl"
    client_secret: str = "Hh4Zr8pWkNmKsQx0vYb2Tc6Ud1Ef3Gg5"
    account_id: str = "8645b9cb1d6a4a3b9cbbc4b5c8b7b1a2"
    codes: dict[str, dict] = field(default_factory=dict)

    def handler(self):
        epic = self

        class Handler(Quiet):
            def do_GET(self):
                asked = dict(parse_qsl(urlsplit(self.path).query))
                if (urlsplit(self.path).path != "/id/authorize" or asked.get("client_id") != epic.client_id
                        or asked.get("response_type") != "code" or asked.get("code_challenge_method") != "S256"
                        or not asked.get("code_challenge") or not asked.get("state")):
                    return self.json(400, error("invalid_request", "the authorization request is malformed"))
                code = secrets.token_hex(16)
                epic.codes[code] = {"challenge": asked["code_challenge"], "redirect_uri": asked["redirect_uri"],
                                    "account_id": epic.account_id}
                back = urlencode({"code": code, "state": asked["state"]})
                self.answer(302, kind=None, headers=[("Location", f"{asked['redirect_uri']}?{back}")])

            def do_POST(self):
                body = dict(parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
                basic = base64.b64encode(f"{epic.client_id}:{epic.client_secret}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {basic}":
                    return self.json(401, error("invalid_client", "the client's credentials are invalid"))
                given = epic.codes.pop(body.get("code", ""), None)
                verifier = body.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if (body.get("grant_type") != "authorization_code" or given is None
                        or given["redirect_uri"] != body.get("redirect_uri") or challenge != given["challenge"]):
                    return self.json(400, error("invalid_grant", "the authorization code is invalid or expired"))
                now = dt.datetime.now(dt.UTC)
                self.json(200, {
                    "scope": "basic_profile", "token_type": "bearer", "access_token": "eg1~" + secrets.token_hex(24),
                    "expires_in": 7200, "expires_at": (now + dt.timedelta(hours=2)).isoformat(timespec="milliseconds"),
                    "refresh_token": secrets.token_hex(24), "refresh_expires_in": 28800,
                    "refresh_expires_at": (now + dt.timedelta(hours=8)).isoformat(timespec="milliseconds"),
                    "account_id": given["account_id"], "client_id": epic.client_id,
                    "application_id": "fghi4567FNFBKFz3E4TROb0bmPS8h1GW", "selected_account_id": given["account_id"],
                    "merged_accounts": []})

            def json(self, status: int, document: dict):
                self.answer(status, json.dumps(document).encode())

        return Handler


def error(kind: str, message: str) -> dict:
    """An error of Epic's account service, as it answers one."""
    return {"errorCode": f"errors.com.epicgames.account.oauth.{kind}", "errorMessage": message, "messageVars": [],
            "numericErrorCode": 18031, "originatingService": "com.epicgames.account.public", "intent": "prod",
            "error_description": message, "error": kind}


@contextmanager
def served(platform) -> Iterator[str]:
    """`platform` served on a loopback port until the block ends: yields its base URL."""
    with serving(platform.handler()) as url:
        yield url
