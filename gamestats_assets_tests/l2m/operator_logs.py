"""A second, independent writer of L2M logs, as an operator's game would produce them, to judge the bot-farm
detector on data the project's emitter never made.

It knows only the landing format (ThinkingData JSONL, one file per event, `user_profile` user_set lines) and
shares no code, numbers or address plan with `gamestats_assets.generator`: other account ids, other
address ranges (carrier-grade NAT in 100.64.0.0/10, IPv6), other farm sizes, other play patterns. Farms:

- `datacenter`: one /24 of a hosting provider, every account at level 1;
- `proxy_rotation`: a pool of five proxy subnets rotated per session, accounts at levels 1-3;
- `device_sharing`: residential addresses, no two in one /24, three phones shared by fifteen accounts,
  one script at level 14 repeating the same day exactly;
- `ipv6_block`: eight accounts on one IPv6 /64 at level 2;
- `daily_proxy`: sixteen accounts at level 4, each taking one proxy subnet of a pool of five for the
  whole day, another the next day, so that on one day no subnet holds more than a few of them;
- `bot_ring`: thirty-six accounts at levels 31-48, each with its own home address and phone and a
  heavy player's gains, run by three managers; a manager restarts its twelve two to four times a day at
  random times, launching them one by one in a random order a few seconds apart; they never pay, sell
  most of what they gain on the market (money reason 105) and rejoin one clan.

Legitimate crowds: a carrier NAT pool (a few dozen addresses in one /24 shared by a third of the players),
a household of fifty varied players behind one address, new players' starter mail, night-long auto-hunt,
thirty players who auto-hunt 18-22 hours a day from their own hour with their own breaks (some paying,
in six ordinary clans), and a guild of twenty such players who all log in within four minutes of 21:00 on
raid nights (every third day).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

MATERIALS = [70001, 70002, 70003, 70004, 70005, 70006]
GEAR = list(range(50001, 50061))
STARTER_MAIL = list(range(90001, 90016))
MODELS = ["SM-S918B", "SM-A546E", "2201117TG", "CPH2487", "V2207", "iPhone15,3", "iPhone14,7", "Pixel 7",
          "RMX3630", "TECNO KI5q"]
SERVERS = [21, 22, 23, 24, 25, 26]
FARM_KINDS = ("datacenter", "proxy_rotation", "device_sharing", "ipv6_block", "daily_proxy", "bot_ring")
DECOY_KINDS = ("household_nat", "starter_mail", "auto_hunt", "all_day_hunter", "raid_guild")
MARKET_SALE = 105
RING_MANAGERS = 3


@dataclass
class Account:
    """One account of the game and how it plays."""

    user_id: str
    registered: dt.date
    server: int
    country: str
    level: int
    device: str
    model: str
    home_ip: str
    kind: str = "player"
    heavy: bool = False
    night_hunter: bool = False
    carrier: bool = False
    pool: list[str] = field(default_factory=list)
    proxy_of_day: str = ""
    manager: int = -1
    all_day_from: float = 0.0
    payer: bool = False
    clan: int = 0


@dataclass
class Lines:
    """The lines of a day, per file stem."""

    files: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, stem: str, line: dict) -> None:
        self.files.setdefault(stem, []).append(line)


class OperatorGame:
    """A small game world: `players` ordinary accounts plus the farms and crowds above, deterministic for a
    seed. `truth` maps each farm and decoy account to its kind."""

    def __init__(self, seed: int = 7, players: int = 1_800, start: dt.date = dt.date(2025, 6, 2)) -> None:
        self.rng = random.Random(seed)
        self.start = start
        self.accounts: list[Account] = []
        self.carrier_pool = [f"100.64.9.{n}" for n in range(10, 46)]
        for n in range(players):
            self.accounts.append(self._player(f"acct_{n:05d}", start - dt.timedelta(days=self.rng.randint(3, 700))))
        self._crowds()
        self._farms()
        self._all_day()
        self.launches: dict[str, list[float]] = {}
        self.truth = {a.user_id: a.kind for a in self.accounts if a.kind != "player"}
        self._new_players = 0

    def _device(self) -> str:
        return "%016x" % self.rng.getrandbits(64)

    def _player(self, user_id: str, registered: dt.date, **overrides) -> Account:
        rng = self.rng
        account = Account(
            user_id=user_id, registered=registered, server=rng.choice(SERVERS),
            country=rng.choice(["TH", "VN", "ID", "PH", "MY", "SG", "KR", "US"]),
            level=int(rng.triangular(12, 90, 55)), device=self._device(), model=rng.choice(MODELS),
            home_ip=f"{rng.choice([27, 58, 115, 171, 180])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
                    f"{rng.randint(1, 254)}",
            heavy=rng.random() < 0.08, night_hunter=rng.random() < 0.06, carrier=rng.random() < 0.35,
        )
        for name, value in overrides.items():
            setattr(account, name, value)
        return account

    def _crowds(self) -> None:
        for n in range(50):
            self.accounts.append(self._player(
                f"home_{n:03d}", self.start - dt.timedelta(days=self.rng.randint(5, 400)), kind="household_nat",
                home_ip="58.11.22.33", carrier=False, level=self.rng.randint(5, 85), heavy=n % 3 == 0))
        for n in range(25):
            self.accounts.append(self._player(
                f"hunt_{n:03d}", self.start - dt.timedelta(days=self.rng.randint(30, 600)), kind="auto_hunt",
                home_ip=f"171.99.41.{self.rng.randint(1, 254)}", carrier=False, night_hunter=True, heavy=True,
                level=self.rng.randint(35, 88)))

    def _farms(self) -> None:
        rng = self.rng
        old = self.start - dt.timedelta(days=45)
        for n in range(24):
            self.accounts.append(self._player(f"dc_{n:02d}", old, kind="datacenter", level=1, server=23,
                                              home_ip="185.220.101.0", carrier=False))
        pool = [f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}" for a in (91, 104, 146, 194, 212)]
        for n in range(21):
            self.accounts.append(self._player(f"px_{n:02d}", old, kind="proxy_rotation", level=1 + n % 3,
                                              server=25, pool=pool, carrier=False))
        phones = [(self._device(), "SM-G9880") for _ in range(3)]
        for n in range(15):
            device, model = phones[n % 3]
            self.accounts.append(self._player(
                f"rs_{n:02d}", old, kind="device_sharing", level=14, server=22, device=device, model=model,
                home_ip=f"49.{rng.randint(0, 255)}.{n * 11}.{rng.randint(1, 254)}", carrier=False))
        for n in range(8):
            self.accounts.append(self._player(f"v6_{n:02d}", old, kind="ipv6_block", level=2, server=26,
                                              home_ip="2001:db8:4f1:7::", carrier=False))
        daily_pool = [f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}" for a in (37, 62, 89, 141, 213)]
        for n in range(16):
            self.accounts.append(self._player(f"dp_{n:02d}", old, kind="daily_proxy", level=4, server=21,
                                              pool=daily_pool, carrier=False))

    def _all_day(self) -> None:
        rng = self.rng
        for n in range(30):
            self.accounts.append(self._player(
                f"allday_{n:03d}", self.start - dt.timedelta(days=rng.randint(20, 500)), kind="all_day_hunter",
                carrier=False, heavy=True, level=rng.randint(30, 85), all_day_from=rng.uniform(0.2, 2.0),
                payer=n % 4 == 0, clan=4_000 + n % 6))
        for n in range(20):
            self.accounts.append(self._player(
                f"raid_{n:03d}", self.start - dt.timedelta(days=rng.randint(20, 500)), kind="raid_guild",
                carrier=False, heavy=True, level=rng.randint(40, 88), all_day_from=rng.uniform(0.2, 2.0),
                payer=n % 5 == 0, clan=4_100))
        for n in range(36):
            self.accounts.append(self._player(
                f"bm_{n:02d}", self.start - dt.timedelta(days=60), kind="bot_ring", level=rng.randint(31, 48),
                server=24, carrier=False, manager=n % RING_MANAGERS, clan=4_200,
                home_ip=f"{rng.choice([1, 14, 42, 61])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
                        f"{rng.randint(1, 254)}"))

    def _restart_ring(self) -> None:
        """Each manager's restarts of the day (hours): the first early in the day, one to three more at random
        times; at each, its accounts are launched one by one in a random order, 1-6 seconds apart."""
        rng = self.rng
        self.launches = {}
        for manager in range(RING_MANAGERS):
            first = rng.uniform(0.1, 2.5)
            restarts = [first, *sorted(rng.uniform(first + 1.5, 23.0) for _ in range(rng.randint(1, 3)))]
            bots = [a.user_id for a in self.accounts if a.manager == manager]
            for hour in restarts:
                rng.shuffle(bots)
                at = hour * 3_600
                for user_id in bots:
                    at += rng.uniform(1, 6)
                    self.launches.setdefault(user_id, []).append(at)

    def write_day(self, landing: Path, day: dt.date) -> None:
        """Write the day's JSONL files into `landing/<day>/`; new players registered that day join."""
        for n in range(70):
            self._new_players += 1
            self.accounts.append(self._player(f"new_{self._new_players:05d}", day, kind="starter_mail"
                                              if n < 20 else "player", level=1,
                                              home_ip=f"115.87.{self.rng.randint(0, 3)}.{self.rng.randint(1, 254)}"))
            if n < 20:
                self.truth[self.accounts[-1].user_id] = "starter_mail"
        lines = Lines()
        self._restart_ring()
        for account in self.accounts:
            if account.kind == "daily_proxy":
                account.proxy_of_day = self.rng.choice(account.pool)
            if account.registered > day:
                continue
            if account.kind == "player" and account.registered < day and self.rng.random() > 0.72:
                continue
            self._play(lines, account, day)
        folder = Path(landing) / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        for stem, rows in lines.files.items():
            rows.sort(key=lambda line: line["#time"])
            (folder / f"{stem}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))

    def _address(self, account: Account) -> str:
        rng = self.rng
        if account.proxy_of_day:
            return f"{account.proxy_of_day}.{rng.randint(1, 254)}"
        if account.pool:
            return f"{rng.choice(account.pool)}.{rng.randint(1, 254)}"
        if account.kind == "datacenter":
            return f"185.220.101.{rng.randint(2, 250)}"
        if account.kind == "ipv6_block":
            return f"2001:db8:4f1:7:{rng.randint(1, 0xffff):x}:{rng.randint(1, 0xffff):x}::{rng.randint(1, 99)}"
        if account.carrier and rng.random() < 0.6:
            return rng.choice(self.carrier_pool)
        return account.home_ip

    def _sessions(self, account: Account, day_start: dt.datetime) -> list[tuple[dt.datetime, int]]:
        """(start, seconds) of the account's sessions on the day."""
        rng = self.rng
        if account.kind == "device_sharing":
            return [(day_start + dt.timedelta(hours=1 + 3 * k, minutes=7), 170 * 60) for k in range(8)]
        if account.manager >= 0:
            starts = self.launches[account.user_id]
            ends = [s - rng.uniform(30, 150) for s in starts[1:]] + [86_399.0]
            return [(day_start + dt.timedelta(seconds=s), max(60, int(e - s)))
                    for s, e in zip(starts, ends, strict=True)]
        if account.all_day_from:
            return self._own_hours(account, day_start)
        if account.kind in ("datacenter", "proxy_rotation", "ipv6_block", "daily_proxy"):
            starts = sorted(rng.uniform(0, 23) for _ in range(rng.randint(4, 8)))
            return [(day_start + dt.timedelta(hours=h), rng.randint(1_800, 7_200)) for h in starts]
        sessions = []
        if account.night_hunter:
            sessions.append((day_start + dt.timedelta(minutes=rng.randint(0, 20)), rng.randint(5, 8) * 3_600))
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
            start = day_start + dt.timedelta(hours=rng.uniform(9, 23.2))
            sessions.append((start, min(int(rng.lognormvariate(7.8, 0.8)) + 60,
                                        int((day_start + dt.timedelta(days=1) - start).total_seconds()) - 1)))
        return sessions

    def _own_hours(self, account: Account, day_start: dt.datetime) -> list[tuple[dt.datetime, int]]:
        """An all-day player's sessions: from its own hour, sessions of 4-9 hours with breaks of 20-90 minutes
        until the day ends; a raiding guild's member logs out before 21:00 on a raid night and back in
        within four minutes of it."""
        rng = self.rng
        spans, at = [], max(0.05, account.all_day_from + rng.uniform(-0.3, 0.3))
        while at < 23.5:
            end = min(at + rng.uniform(4, 9), 24.0)
            spans.append((at, end))
            at = end + rng.uniform(0.33, 1.5)
        if account.kind == "raid_guild" and day_start.toordinal() % 3 == 0:
            call = 20.83 + rng.uniform(0, 0.13)
            spans = [(s, min(e, call)) for s, e in spans if s < call] + [(21 + rng.uniform(0, 240) / 3_600, 24.0)]
        return [(day_start + dt.timedelta(hours=s), int((e - s) * 3_600) - 1) for s, e in spans]

    def _gains(self, account: Account, first: dt.datetime, day: dt.date) -> list[tuple[str, dict, dt.datetime]]:
        """(stem, properties, time) of the account's item and diamond gains."""
        rng = self.rng
        out = []

        def at() -> dt.datetime:
            return first + dt.timedelta(seconds=rng.randint(0, 50_000))

        if account.registered == day:
            for item in STARTER_MAIL:
                out.append(("item_gain", {"item_id": item, "quantity": 1, "reason_id": 9}, first + dt.timedelta(
                    seconds=rng.randint(5, 300))))
        if account.kind == "device_sharing":
            for k in range(32):
                out.append(("item_gain", {"item_id": MATERIALS[k % 2], "quantity": 3, "reason_id": 1},
                            first + dt.timedelta(minutes=10 * k)))
            out += [("money_gain", {"money_type": "diamond", "amount": 100, "reason_id": 4},
                     first + dt.timedelta(minutes=55 * k)) for k in range(5)]
            return out
        if account.kind in FARM_KINDS and account.manager < 0:
            items, diamonds = int(rng.gammavariate(12, 3.5)), rng.randint(6, 10)
        elif account.heavy or account.manager >= 0:
            items, diamonds = int(rng.gammavariate(2.5, 12)), rng.randint(2, 8)
        else:
            items, diamonds = int(rng.gammavariate(2, 3.5)), rng.randint(0, 3)
        for _ in range(items):
            pool = MATERIALS if account.kind in FARM_KINDS and account.manager < 0 else GEAR
            out.append(("item_gain", {"item_id": rng.choice(pool), "quantity": rng.randint(1, 6), "reason_id": 1},
                        at()))
        sells = 0.85 if account.manager >= 0 else 0.15 if account.all_day_from else 0.0
        out += [("money_gain", {"money_type": "diamond", "amount": rng.choice([10, 20, 50]),
                                "reason_id": MARKET_SALE if rng.random() < sells else 2}, at())
                for _ in range(diamonds)]
        return out

    def _play(self, lines: Lines, account: Account, day: dt.date) -> None:
        day_start = dt.datetime.combine(day, dt.time())
        level = account.level if account.registered < day else 1
        if account.registered == day:
            account.level = self.rng.randint(3, 11)
        elif account.kind == "player" and account.level < 90 and self.rng.random() < 0.3:
            account.level += 1
        sessions = self._sessions(account, day_start)
        for start, seconds in sessions:
            ip = self._address(account)
            base = {"#account_id": account.user_id, "#distinct_id": account.device, "#ip": ip}
            lines.add("login", {**base, "#type": "track", "#event_name": "login", "#time": _stamp(start),
                                "#uuid": self._uuid(), "properties": {
                                    "server_id": account.server, "level": level, "device_id": account.device,
                                    "#os": "ios" if account.model.startswith("iPhone") else "android",
                                    "#device_model": account.model}})
            end = min(start + dt.timedelta(seconds=seconds), day_start + dt.timedelta(days=1, milliseconds=-1))
            lines.add("logout", {**base, "#type": "track", "#event_name": "logout", "#time": _stamp(end),
                                 "#uuid": self._uuid(), "properties": {
                                     "server_id": account.server, "level": account.level,
                                     "device_id": account.device, "online_seconds": seconds}})
        first = sessions[0][0]
        for stem, properties, when in self._gains(account, first, day):
            when = min(when, day_start + dt.timedelta(days=1, milliseconds=-1))
            lines.add(stem, {"#account_id": account.user_id, "#distinct_id": account.device, "#type": "track",
                             "#event_name": stem, "#time": _stamp(when), "#ip": account.home_ip,
                             "#uuid": self._uuid(),
                             "properties": {"server_id": account.server, "level": level, **properties}})
        self._payment_and_clan(lines, account, day, first, level)
        lines.add("user_profile", {"#type": "user_set", "#account_id": account.user_id,
                                   "#distinct_id": account.device, "#time": _stamp(first),
                                   "properties": {"country_code": account.country, "server_id": account.server,
                                                  "register_date": account.registered.isoformat()}})

    def _payment_and_clan(self, lines: Lines, account: Account, day: dt.date, first: dt.datetime, level: int) -> None:
        """A payer's payment on half of its days; a clan (re)join on one day in four."""
        base = {"#account_id": account.user_id, "#distinct_id": account.device, "#type": "track",
                "#ip": account.home_ip}
        last = dt.datetime.combine(day, dt.time(23, 59, 59))

        def within_day(minutes: int) -> str:
            return _stamp(min(last, first + dt.timedelta(minutes=minutes)))

        if account.payer and self.rng.random() < 0.5:
            lines.add("recharge", {**base, "#event_name": "recharge", "#uuid": self._uuid(),
                                   "#time": within_day(self.rng.randint(1, 300)),
                                   "properties": {"server_id": account.server, "level": level,
                                                  "amount": self.rng.choice([0.99, 4.99, 19.99]), "currency": "USD",
                                                  "payment_method": "GOOGLE_PLAY",
                                                  "country_code": account.country}})
        if account.clan and (int(account.user_id.rsplit("_", 1)[1]) + day.toordinal()) % 4 == 0:
            lines.add("clan_change", {**base, "#event_name": "clan_change", "#uuid": self._uuid(),
                                      "#time": within_day(self.rng.randint(1, 600)),
                                      "properties": {"server_id": account.server, "level": level, "action": "join",
                                                     "clan_id": account.clan, "clan_name": f"C{account.clan}",
                                                     "clan_role": "member"}})

    def _uuid(self) -> str:
        raw = "%032x" % self.rng.getrandbits(128)
        return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:]}"


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
