"""Planted cases: a positive and near-miss negatives for every rule, and rows to quarantine.

Each case lives on its own household (built here, in the first county, marked ``planted``) so
that tests can check rules independently; background generators leave planted households out
of anything that could fire a rule. Where one planted fact fires a second rule by definition
(a V09 income is also below M01's threshold; M07's dead labourer is also V05), the second rule
gets its own case too, so each rule's positives in the ground truth are complete.

One module per rule family, each a mixin of ``PlanterBase``; ``Planter`` combines them.
"""

from simulation.synth.planted.base import (
    FAMILY,
    Members,
    PlanterBase,
    object_type,
    wrong_check_digit,
)
from simulation.synth.planted.planter import Planter, plant

__all__ = [
    "FAMILY",
    "Members",
    "Planter",
    "PlanterBase",
    "object_type",
    "plant",
    "wrong_check_digit",
]
