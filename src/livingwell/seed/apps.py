from django.apps import AppConfig


class SeedConfig(AppConfig):
    """The synthetic demo site: it writes through every other app, so it stands above them all
    and none of them imports it."""

    name = "livingwell.seed"
    label = "seed"
