"""Settings for the benchmark server: the site's own, with the floor view's URLs."""

from livingwell.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
