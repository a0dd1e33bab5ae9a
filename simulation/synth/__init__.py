"""The synthetic province: a deployment's deliveries for every feed, with planted cases.

``generate(out_dir, ...)`` writes the landing folder (file drops as department-feeds.md lays
them out), the REST simulators' records (``apis/``), the civil-affairs table (``minzheng/``) and
``ground_truth.json``. ``python -m simulation.synth`` is the
command line.
See docs/synth.md.
"""

from simulation.synth.generator import SynthResult, generate, resend

__all__ = ["SynthResult", "generate", "resend"]
