import pytest


@pytest.fixture
def outbox(settings):
    from livingwell.core.messaging import MemoryBackend

    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()
