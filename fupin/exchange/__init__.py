"""The national exchange (national-exchange.md): the province's push, its HTTP client and a
faithful simulator of the national system for tests and demos.

- :mod:`fupin.exchange.protocol`: keys, limits, signing (shared by both sides).
- :mod:`simulation.national`: the national system as an HTTP server on 127.0.0.1.
- :mod:`fupin.exchange.client`: signs and sends one batch, retries, resynchronises.
- :mod:`fupin.exchange.push`: sync models -> outbox -> batches; ``push`` and ``reconcile``.
"""
