"""Simulators of the departments' REST APIs (vehicle, business): real HTTP on 127.0.0.1."""

from simulation.apis.business import BusinessApiSimulator
from simulation.apis.vehicle import VehicleApiSimulator

__all__ = ["BusinessApiSimulator", "VehicleApiSimulator"]
