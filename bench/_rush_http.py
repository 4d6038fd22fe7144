"""The load generator of ``bench/rush.py``: a small HTTP/1.1 client on asyncio streams, the
open-loop rush (P1) and the closed loop (P2). Standard library only.

The rush is open-loop: every family has a scheduled send time, spread evenly over the release
window, and its latency counts from that time, not from when the generator managed to send
(coordinated omission: a generator that waits for the server would hide the queue). A family
retries on a timeout, a dropped connection, 5xx or 429, after a jittered pause, with the same
idempotency key, as a browser re-sending its form would.

gunicorn's sync workers close the connection after each response; the client reconnects then
and keeps the connection when the server allows it (threaded workers).
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

ENTRY_LOCATION = re.compile(r"/my/entries/(\d+)/")


class ProtocolError(Exception):
    """The server's answer could not be read as HTTP/1.1."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Site:
    """Where the app listens and how a request must look to pass its middleware: production
    settings sit behind a TLS proxy, so every request carries ``X-Forwarded-Proto: https``
    (no redirect to HTTPS) and an ``Origin`` for the CSRF check of a secure request."""

    host: str
    port: int
    session_cookie: str
    csrf_cookie: str
    server_name: str = "localhost"

    def get(self, path: str) -> bytes:
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {self.server_name}",
            "X-Forwarded-Proto: https",
            "Connection: keep-alive",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def post_form(self, path: str, fields: list[tuple[str, str]], *, session: str, csrf: str):
        body = urlencode(fields).encode("ascii")
        lines = [
            f"POST {path} HTTP/1.1",
            f"Host: {self.server_name}",
            "X-Forwarded-Proto: https",
            f"Origin: https://{self.server_name}",
            f"Referer: https://{self.server_name}{path.rsplit('apply/', 1)[0]}",
            f"Cookie: {self.session_cookie}={session}; {self.csrf_cookie}={csrf}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            "Connection: keep-alive",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Connection:
    """One client's connection, reopened whenever the server closed it."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> Answer:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.site.host, self.site.port)
        try:
            self.writer.write(raw)
            await self.writer.drain()
            answer, keep = await _read_answer(self.reader)
        except BaseException:
            self.close()
            raise
        if not keep:
            self.close()
        return answer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _read_answer(reader: asyncio.StreamReader) -> tuple[Answer, bool]:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        raise ProtocolError("connection closed before the answer") from error
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise ProtocolError(status_line[:80])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = await reader.read()
        return Answer(int(parts[1]), headers, body), False
    keep = headers.get("connection", "").lower() != "close" and parts[0] == "HTTP/1.1"
    return Answer(int(parts[1]), headers, body), keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def retryable(status: int | None) -> bool:
    """A timeout or dropped connection (None), a server error or "slow down"."""
    return status is None or status >= 500 or status == 429


# -- P1: the open-loop rush ----------------------------------------------------------------------
@dataclass
class Family:
    """A pre-authenticated parent: the family, who comes, and the session cookie's value."""

    index: int
    household_id: int
    member_ids: list[int]
    session_key: str


@dataclass
class Outcome:
    """One family's history: every attempt, the final answer and its latency from the
    scheduled send time (seconds on the loop's clock, relative to the start of the rush)."""

    client: int
    household_id: int
    key: str
    scheduled: float
    sent: float = 0.0
    done: float = 0.0
    status: int | None = None
    location: str = ""
    attempts: list[tuple[float, int | None, str]] = field(default_factory=list)

    @property
    def latency(self) -> float:
        return self.done - self.scheduled

    @property
    def entry_id(self) -> int | None:
        found = ENTRY_LOCATION.search(self.location)
        return int(found.group(1)) if found else None


def csrf_secret(rng: random.Random) -> str:
    """A 32-character CSRF secret; Django accepts it unmasked in the form as well."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(32))


def apply_request(site: Site, program_id: int, family: Family, key: str, csrf: str) -> bytes:
    fields = [("members", str(m)) for m in family.member_ids]
    fields += [("idempotency_key", key), ("csrfmiddlewaretoken", csrf)]
    path = f"/programs/{program_id}/apply/"
    return site.post_form(path, fields, session=family.session_key, csrf=csrf)


@dataclass
class RushPlan:
    program_id: int
    window: float = 2.0  # seconds over which the families are released
    timeout: float = 10.0  # per attempt; PostgreSQL's lock_timeout is 5 s
    attempts: int = 6
    seed: int = 2026


async def _one_family(site, plan: RushPlan, family: Family, *, start: float, offset: float, rng):
    loop = asyncio.get_running_loop()
    outcome = Outcome(family.index, family.household_id, uuid.uuid4().hex, offset)
    csrf = csrf_secret(rng)
    raw = apply_request(site, plan.program_id, family, outcome.key, csrf)
    await asyncio.sleep(max(0.0, start + offset - loop.time()))
    outcome.sent = loop.time() - start
    for attempt in range(plan.attempts):
        sent = loop.time() - start
        status, note = None, ""
        try:
            answer = await asyncio.wait_for(Connection(site).send(raw), plan.timeout)
            status = answer.status
            outcome.location = answer.headers.get("location", "")
            note = answer.headers.get("idempotent-replayed", "")
        except (TimeoutError, OSError, ProtocolError, asyncio.IncompleteReadError) as error:
            note = type(error).__name__
        outcome.attempts.append((round(sent, 4), status, note))
        outcome.status = status
        if not retryable(status) or attempt == plan.attempts - 1:
            break
        await asyncio.sleep(rng.uniform(0.05, 0.25) * (attempt + 1))
    outcome.done = loop.time() - start
    return outcome


async def rush(site: Site, plan: RushPlan, families: list[Family]) -> list[Outcome]:
    """Release ``families`` evenly over ``plan.window`` seconds; return each one's history."""
    rng = random.Random(plan.seed)
    loop = asyncio.get_running_loop()
    step = plan.window / max(len(families), 1)
    start = loop.time() + 0.2  # time to create the tasks before the first send
    tasks = [
        _one_family(
            site, plan, family, start=start, offset=i * step, rng=random.Random(rng.random())
        )
        for i, family in enumerate(families)
    ]
    return list(await asyncio.gather(*tasks))


async def drained(site: Site, limit: float = 600.0) -> float | None:
    """Seconds until a GET /healthz sent now is answered: requests the families gave up on
    wait in the listen queue and are still served, so the checker and the next load run
    must wait for them. None when the server is still busy after ``limit`` seconds."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        await asyncio.wait_for(Connection(site).send(site.get("/healthz")), limit)
    except (TimeoutError, OSError, ProtocolError, asyncio.IncompleteReadError):
        return None
    return round(loop.time() - started, 2)


def rush_figures(outcomes: list[Outcome]) -> dict:
    """Latency from the scheduled time, answers by status, retries and the last answer."""
    final = [o.status for o in outcomes]
    all_statuses = [a[1] for o in outcomes for a in o.attempts]
    by_status: dict[str, int] = {}
    for status in final:
        by_status[str(status)] = by_status.get(str(status), 0) + 1
    return {
        "families": len(outcomes),
        "latency_from_schedule_ms": latency_ms([o.latency for o in outcomes]),
        "send_lag_p99_ms": latency_ms([o.sent - o.scheduled for o in outcomes])["p99"],
        "resolved_s": round(max((o.done for o in outcomes), default=0.0), 3),
        "final_status": by_status,
        "final_5xx_or_none": sum(retryable(s) for s in final),
        "attempts": len(all_statuses),
        "retried_families": sum(len(o.attempts) > 1 for o in outcomes),
        "5xx_answers": sum(s is not None and s >= 500 for s in all_statuses),
        "429_answers": sum(s == 429 for s in all_statuses),
        "timeouts_or_dropped": sum(s is None for s in all_statuses),
        "replayed_answers": sum(a[2] == "true" for o in outcomes for a in o.attempts),
    }


def latency_ms(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": round(ordered[-1] * 1000, 1),
    }


# -- P2: the closed loop -------------------------------------------------------------------------
@dataclass
class LoopResult:
    clients: int
    seconds: float
    completed: int  # expected answers inside the measured window
    errors: int  # unexpected answers, timeouts, dropped connections
    per_second: float
    latency_ms: dict
    ran_out: bool  # the request source ran dry (not enough families) before the end

    def as_dict(self) -> dict:
        return asdict(self)


async def closed_loop(
    site: Site,
    next_request: Callable[[], bytes | None],
    *,
    expect: int,
    clients: int = 64,
    seconds: float = 10.0,
    warmup: float = 1.0,
    timeout: float = 30.0,
) -> LoopResult:
    """``clients`` clients, each sending its next request as soon as the previous answered;
    only answers that arrive in the window after ``warmup`` count."""
    loop = asyncio.get_running_loop()
    begin = loop.time()
    window = (begin + warmup, begin + warmup + seconds)
    samples: list[float] = []
    counts = {"errors": 0, "ran_out": False}

    async def client() -> None:
        connection = Connection(site)
        while loop.time() < window[1]:
            raw = next_request()
            if raw is None:
                counts["ran_out"] = True
                return
            sent = loop.time()
            try:
                answer = await asyncio.wait_for(connection.send(raw), timeout)
                ok = answer.status == expect
            except (TimeoutError, OSError, ProtocolError, asyncio.IncompleteReadError):
                ok = False
            done = loop.time()
            if window[0] <= done <= window[1]:
                if ok:
                    samples.append(done - sent)
                else:
                    counts["errors"] += 1
        connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    measured = min(loop.time(), window[1]) - window[0]
    return LoopResult(
        clients=clients,
        seconds=round(measured, 2),
        completed=len(samples),
        errors=counts["errors"],
        per_second=round(len(samples) / measured, 1) if measured > 0 else 0.0,
        latency_ms=latency_ms(samples),
        ran_out=counts["ran_out"],
    )
