"""Courier Customer Lab: a simulated market of express-delivery customers for teaching.

``simulate(scenario)`` runs a year of a courier branch and returns a ``Result``
of tidy pandas tables; see ``courier_sim.records`` for every column.
"""
from .scenario import PARAMS, PRESETS, Scenario, ScenarioError, preset

__all__ = ["PARAMS", "PRESETS", "Scenario", "ScenarioError", "preset", "simulate", "Result"]
__version__ = "0.1.0"


def __getattr__(name):
    # The engine pulls in SimPy; import it only when a run is asked for.
    if name in ("simulate", "Result"):
        from . import result
        return getattr(result, name)
    raise AttributeError(name)
