"""The simulated world fupin talks to, for the demo, the tests and the benchmarks only.

- :mod:`simulation.synth`: the synthetic province generator (every department's deliveries,
  planted cases and their ground truth);
- :mod:`simulation.national`: the national system as an HTTP server on 127.0.0.1.

Nothing under ``fupin/`` imports this package, and the production image does not contain it.
"""
