"""``Planter``: every rule family's cases on one object; ``plant`` plants them in order."""

from __future__ import annotations

from simulation.synth.deployment import Deployment
from simulation.synth.planted.assets import AssetCases
from simulation.synth.planted.identity import IdentityCases
from simulation.synth.planted.monitoring import MonitoringCases
from simulation.synth.planted.quarantines import QuarantineCases
from simulation.synth.planted.welfare import WelfareCases


class Planter(AssetCases, IdentityCases, WelfareCases, MonitoringCases, QuarantineCases):
    """One method per planted rule (or pair of rules one fact fires), by rule family."""


def plant(deployment: Deployment) -> Planter:
    """Plant every case before the background exists (businesses for employers come later)."""
    planter = Planter(deployment)
    planter.v01()
    planter.v10()
    planter.hukou_quarantine()
    planter.v02()
    planter.v03()
    planter.v04()
    planter.v05_m07()
    planter.v06()
    planter.v07()
    planter.v08()
    planter.v09_m01()
    planter.m02()
    planter.m03()
    planter.m04()
    planter.m05()
    planter.m06()
    planter.s01()
    return planter
