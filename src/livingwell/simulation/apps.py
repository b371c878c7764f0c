from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "livingwell.simulation"
    label = "simulation"
