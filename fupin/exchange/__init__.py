"""The national exchange (national-exchange.md): the province's push and its reconciliation.

- :mod:`~fupin.exchange.protocol`: keys, limits, signing, checksum, masking (shared by both sides).
- :mod:`~fupin.exchange.client`: signs and sends one batch, retries, resynchronises.
- :mod:`~fupin.exchange.sync_models`: which dbt models are sent (the dbt exposure).
- :mod:`~fupin.exchange.outbox`: changes of the sync models -> operations to send.
- :mod:`~fupin.exchange.batches`: one batch, written before it is sent, sent, renumbered.
- :mod:`~fupin.exchange.answers`: a batch's answer recorded record by record.
- :mod:`~fupin.exchange.sender`: the outbox sent in dependency order, entities in parallel.
- :mod:`~fupin.exchange.push`: one push run; :mod:`~fupin.exchange.reconcile` and
  :mod:`~fupin.exchange.repair`: prove the national copy equal, re-send what it lost.
- :mod:`~fupin.exchange.cli`: ``push`` and ``reconcile [--repair]`` for the operator.

The national system's simulator is :mod:`simulation.national` (not part of the product).
"""
