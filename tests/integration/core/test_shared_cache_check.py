"""The deploy check refuses a cache that each worker process keeps for itself."""

import pytest

from livingwell.core.checks import cache_shared_by_workers


def test_the_default_settings_pass():
    assert cache_shared_by_workers(None) == []


@pytest.mark.parametrize("backend", ["locmem.LocMemCache", "dummy.DummyCache"])
def test_a_per_process_cache_fails_the_deploy_check(settings, backend):
    settings.CACHES = {"default": {"BACKEND": f"django.core.cache.backends.{backend}"}}
    assert [error.id for error in cache_shared_by_workers(None)] == ["livingwell.E002"]
