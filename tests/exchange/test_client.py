"""The client signs, retries the same batch and recovers from faults with exactly-once effect."""

from __future__ import annotations

import logging
import uuid

import pytest
from exchange_helpers import SECRET, SENDER, faults, household_data, household_id

from fupin.config import NationalConfig
from fupin.exchange.batches import encode_body
from fupin.exchange.client import (
    ExchangeClient,
    ExchangeRefused,
    ExchangeUnavailable,
    SequenceConflict,
)


def body_of(sequence: int, *numbers: int, batch_id: str | None = None) -> tuple[str, bytes]:
    batch_id = batch_id or str(uuid.uuid4())
    records = [
        {
            "op": "upsert",
            "key": household_id(n),
            "version": 1,
            "data": household_data(household_id(n)),
        }
        for n in numbers
    ]
    envelope = {
        "batch_id": batch_id,
        "entity": "household",
        "sequence": sequence,
        "created_at": "2026-11-22T10:00:00+08:00",
        "records": records,
    }
    return batch_id, encode_body(envelope)


def test_sends_a_signed_batch(simulator, client):
    batch_id, body = body_of(1, 1, 2)
    answer = client.send_batch(batch_id, 1, body)
    assert answer.status == 202 and answer.attempts == 1
    assert answer.answer["accepted"] == 2
    assert client.windows()["household_registration"]["open"] is True
    assert client.state("household")["count"] == 2
    assert client.stored_answer(batch_id) == answer.answer
    assert client.stored_answer(str(uuid.uuid4())) is None


@pytest.mark.parametrize("kind", ["429", "503"])
def test_429_and_503_are_retried_with_the_same_batch_honouring_retry_after(simulator, client, kind):
    simulator.faults = faults(kind, kind)
    batch_id, body = body_of(1, 1)
    answer = client.send_batch(batch_id, 1, body)
    assert answer.status == 202 and answer.attempts == 3
    assert client.sleeps == [7.0, 7.0]  # Retry-After: 7 (the fault plan's), not slept for real
    assert simulator.expected_sequence("household") == 2


def test_retry_after_is_capped(simulator, national):
    simulator.faults = faults("429")
    sleeps: list[float] = []
    client = ExchangeClient(national, max_wait=2, sleep=sleeps.append, timeout=2)
    batch_id, body = body_of(1, 1)
    client.send_batch(batch_id, 1, body)
    assert sleeps == [2]


def test_dropped_connection_after_apply_is_recovered_exactly_once(simulator, client):
    simulator.faults = faults("drop")
    batch_id, body = body_of(1, 1, 2)
    answer = client.send_batch(batch_id, 1, body)
    assert answer.recovered and answer.answer["accepted"] == 2
    assert simulator.expected_sequence("household") == 2  # applied once
    # it asked before sending again, and did not need to send again
    assert simulator.requests.count(("POST", "/exchange/v1/batches")) == 1
    assert ("GET", f"/exchange/v1/batches/{batch_id}") in simulator.requests


def test_timeout_then_same_batch_again(simulator, client):
    simulator.faults = faults("slow", slow_seconds=1.0)  # the client times out after 0.5 s
    batch_id, body = body_of(1, 1)
    answer = client.send_batch(batch_id, 1, body)
    assert answer.answer["accepted"] == 1 and answer.attempts >= 2
    assert simulator.records("household")[household_id(1)]["version"] == 1
    assert simulator.expected_sequence("household") == 2


def test_seeded_fault_plan_is_survived(simulator, client):
    from simulation.national import FaultPlan

    simulator.faults = FaultPlan(rate=0.5, seed=3, kinds=("429", "503", "drop"), retry_after=1)
    for sequence in range(1, 9):
        batch_id, body = body_of(sequence, sequence)
        assert client.send_batch(batch_id, sequence, body).answer["accepted"] == 1
    assert simulator.faults.injected  # some faults happened
    assert simulator.expected_sequence("household") == 9
    assert simulator.state("household")["count"] == 8


def test_unavailable_after_bounded_attempts(simulator, national):
    simulator.faults = faults(*["503"] * 10)
    client = ExchangeClient(national, max_attempts=3, sleep=lambda s: None, timeout=2)
    batch_id, body = body_of(1, 1)
    with pytest.raises(ExchangeUnavailable, match="same batch_id"):
        client.send_batch(batch_id, 1, body)
    assert simulator.state("household")["count"] == 0


def test_sequence_conflict_is_raised_when_the_batch_is_unknown(simulator, client):
    batch_id, body = body_of(5, 1)
    with pytest.raises(SequenceConflict) as conflict:
        client.send_batch(batch_id, 5, body)
    assert (conflict.value.sent, conflict.value.expected) == (5, 1)


def test_replay_of_an_accepted_batch_is_its_first_answer(simulator, client):
    batch_id, body = body_of(1, 1)
    first = client.send_batch(batch_id, 1, body)
    again = client.send_batch(batch_id, 1, body)
    assert again.status == 200 and again.answer == first.answer


def test_refusals_stop_with_a_clear_message_and_never_show_the_secret(simulator, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = NationalConfig(base_url=simulator.base_url, sender_id=SENDER, secret="wrong-secret-xyz")
    client = ExchangeClient(wrong, sleep=lambda s: None, timeout=2)
    batch_id, body = body_of(1, 1)
    with pytest.raises(ExchangeRefused, match="401.*national.secret") as refused:
        client.send_batch(batch_id, 1, body)
    assert "wrong-secret-xyz" not in str(refused.value) + caplog.text + repr(client)
    right = ExchangeClient(
        NationalConfig(base_url=simulator.base_url, sender_id=SENDER, secret=SECRET), timeout=2
    )
    _, other = body_of(2, 3, batch_id=batch_id)
    right.send_batch(batch_id, 1, body)
    with pytest.raises(ExchangeRefused, match="409.*batch_id_reused"):
        right.send_batch(batch_id, 2, other)
    assert SECRET not in caplog.text


def test_409_sequence_for_a_batch_already_accepted_takes_its_stored_answer():
    """A national implementation that checks the sequence before the batch_id: the client sees
    409 with expected past its sequence, asks GET /batches/{id} and takes the stored answer."""
    from simulation.national import NationalSimulator, Reply

    class SequenceFirst(NationalSimulator):
        def _receive(self, sender, batch, body):
            expected = self._sequences.get(f"{sender}/{batch['entity']}", 0) + 1
            if batch["sequence"] != expected:
                return Reply(409, {"error": "sequence", "expected": expected})
            return super()._receive(sender, batch, body)

    with SequenceFirst(secret=SECRET, sender_id=SENDER) as sim:
        national = NationalConfig(base_url=sim.base_url, sender_id=SENDER, secret=SECRET)
        client = ExchangeClient(national, timeout=2, sleep=lambda s: None)
        batch_id, body = body_of(1, 1)
        first = client.send_batch(batch_id, 1, body)
        again = client.send_batch(batch_id, 1, body)
        assert again.recovered and again.answer == first.answer
        client.close()
