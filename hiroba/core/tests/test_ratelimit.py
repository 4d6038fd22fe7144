"""Slot-based rate limits: never more than the limit, even with parallel requests."""

import threading

import time_machine
from django.utils import timezone

from hiroba.core import ratelimit

NAME, LIMIT, WINDOW = "test:limit", 3, 3600


def test_a_limit_of_three_takes_three_then_refuses():
    assert [ratelimit.take_slot(NAME, LIMIT, WINDOW) for _ in range(4)] == [True] * 3 + [False]
    assert ratelimit.taken(NAME, LIMIT, WINDOW) == 3


def test_parallel_requests_never_pass_the_limit():
    barrier = threading.Barrier(12)
    outcomes = []

    def request():
        barrier.wait()
        outcomes.append(ratelimit.take_slot(NAME + ":parallel", LIMIT, WINDOW))

    threads = [threading.Thread(target=request) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False] * 9 + [True] * 3


def test_a_slot_given_back_is_free_again_and_a_new_window_starts_empty():
    for _ in range(LIMIT):
        ratelimit.take_slot(NAME + ":back", LIMIT, WINDOW)
    ratelimit.give_back(NAME + ":back", LIMIT, WINDOW)
    assert ratelimit.take_slot(NAME + ":back", LIMIT, WINDOW)
    assert not ratelimit.take_slot(NAME + ":back", LIMIT, WINDOW)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=WINDOW)):
        assert ratelimit.take_slot(NAME + ":back", LIMIT, WINDOW)
