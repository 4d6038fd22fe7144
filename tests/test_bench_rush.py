"""The pieces of ``bench/rush.py`` that decide its verdict: the HTTP client (retries with the
same idempotency key, reading answers) against a tiny local server, and the checker that
compares the database with what each family was told."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import pytest

from bench import _rush_http as http
from bench._rush_check import check_program
from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import services
from hiroba.programs.tests.factories import caregivers_and_children, program


def _serve(handler):
    """Run ``handler(method, path, headers, body) -> bytes`` as a one-request-per-connection
    HTTP server on a free port; returns (server, port) once listening."""

    async def on_connect(reader, writer):
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        body = await reader.readexactly(int(headers.get("Content-Length", 0)))
        writer.write(handler(method, path, headers, body))
        await writer.drain()
        writer.close()

    async def start():
        server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
        return server, server.sockets[0].getsockname()[1]

    return start()


def _site(port):
    return http.Site("127.0.0.1", port, "__Host-sessionid", "__Host-csrftoken")


def test_a_family_retries_a_server_error_with_the_same_key_and_is_told_where_its_entry_is():
    seen = []

    def handler(method, path, headers, body):
        form = parse_qs(body.decode())
        seen.append((method, path, form["idempotency_key"][0], headers["Cookie"], form))
        if len(seen) == 1:
            return b"HTTP/1.1 503 Busy\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy"
        return b"HTTP/1.1 303 See Other\r\nLocation: /my/entries/42/\r\nContent-Length: 0\r\n\r\n"

    async def run():
        server, port = await _serve(handler)
        async with server:
            family_ = http.Family(0, household_id=7, member_ids=[11, 12], session_key="s" * 32)
            plan = http.RushPlan(program_id=5, window=0.01)
            return await http.rush(_site(port), plan, [family_])

    (outcome,) = asyncio.run(run())
    assert outcome.status == 303
    assert outcome.entry_id == 42
    assert [a[1] for a in outcome.attempts] == [503, 303]
    assert len({key for _m, _p, key, _c, _f in seen}) == 1  # the same key both times
    method, path, _key, cookie, form = seen[0]
    assert (method, path) == ("POST", "/programs/5/apply/")
    assert form["members"] == ["11", "12"]
    assert f"__Host-csrftoken={form['csrfmiddlewaretoken'][0]}" in cookie
    assert "__Host-sessionid=" + "s" * 32 in cookie
    figures = http.rush_figures([outcome])
    assert figures["5xx_answers"] == 1
    assert figures["final_5xx_or_none"] == 0


def test_chunked_answers_are_read_whole():
    def handler(method, path, headers, body):
        return (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n"
        )

    async def run():
        server, port = await _serve(handler)
        async with server:
            return await http.Connection(_site(port)).send(_site(port).get("/healthz"))

    answer = asyncio.run(run())
    assert (answer.status, answer.body) == (200, b"ok!!!")


def test_latency_percentiles_are_in_milliseconds():
    figures = http.latency_ms([i / 1000 for i in range(1, 101)])
    assert (figures["p50"], figures["p99"], figures["max"]) == (50.5, 100.0, 100.0)


def _outcome(client, household, status, entry_id=None):
    location = f"/my/entries/{entry_id}/" if entry_id else ""
    return http.Outcome(
        client, household.pk, f"key{client}", 0.0, done=0.1, status=status, location=location
    )


@pytest.mark.django_db
def test_the_checker_finds_a_lost_acknowledgement_and_counts_the_waiting_list():
    hub = HubFactory()
    prog = program(hub, capacity_families=2)
    households = [
        family(hub, caregiver(given_name=f"花子{i}"), child(given_name=f"太郎{i}"))
        for i in range(4)
    ]
    entries = [services.apply(prog, h, caregivers_and_children(h)) for h in households[:3]]
    outcomes = [_outcome(i, households[i], 303, e.pk) for i, e in enumerate(entries)]
    # The fourth family was told it has entry 999999, which does not exist: a lost sign-up.
    outcomes.append(_outcome(3, households[3], 303, 999_999))
    found = check_program(prog.pk, outcomes, capacity=2)
    assert (found["confirmed"], found["waitlisted"]) == (2, 1)
    assert (found["expected_confirmed"], found["expected_waitlisted"]) == (2, 2)
    assert found["positions_1_to_n"] is True
    assert found["lost"] == 1
    assert found["duplicates"] == 0
    assert found["invariant_violations"] == []


@pytest.mark.django_db
def test_the_checker_counts_an_entry_nobody_asked_for():
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    asked, stranger = (
        family(hub, caregiver(given_name=f"花子{i}"), child(given_name=f"太郎{i}"))
        for i in range(2)
    )
    entry = services.apply(prog, asked, caregivers_and_children(asked))
    services.apply(prog, stranger, caregivers_and_children(stranger))
    found = check_program(prog.pk, [_outcome(0, asked, 303, entry.pk)], capacity=1)
    assert found["entries_never_attempted"] == 1
    assert found["lost"] == 0
