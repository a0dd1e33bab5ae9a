"""The pacer counts a request from its response: a client slow to send can not crowd the
server's second (the server saw each request no later than its response came back)."""

from fupin.pulls.http import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_window_runs_from_the_response_not_the_send():
    clock = FakeClock()
    pacer = Pacer(2, 1.0, clock=clock, sleep=clock.sleep)
    first = pacer.wait()
    clock.now = 0.5  # the first response is slow to come back
    pacer.finished(first)
    pacer.finished(pacer.wait())  # the second goes at 0.5
    pacer.wait()  # the third waits for the first's window: 0.5 + 1.0, not 0.0 + 1.0
    assert clock.now == 1.5


def test_at_most_calls_slots_in_a_period():
    clock = FakeClock()
    pacer = Pacer(3, 1.0, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(9):
        pacer.finished(pacer.wait())
        starts.append(clock.now)
    assert starts == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
