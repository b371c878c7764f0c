import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from tests.factories import login
from tests.operations_support import DATABASE_TASKS, broken_for_good, run_worker

URL = reverse("operations:background_tasks")


@pytest.mark.django_db
def test_background_work_page_refuses_all_but_site_administrators(client, personas):
    assert reverse("accounts:login") in client.get(URL)["Location"]
    login(client, personas.hub_worker)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_background_work_page_shows_failed_tasks_with_the_error_class_only(
    client, personas, settings
):
    settings.TASKS = DATABASE_TASKS
    broken_for_good.enqueue()
    run_worker()
    assert DBTaskResult.objects.get().traceback  # the library keeps it; the page does not show it
    login(client, personas.site_admin)
    page = client.get(URL).content.decode()
    assert "1 task failed" in page and "Nothing is queued." in page
    assert "broken_for_good" in page and "ValueError" in page
    assert "a bug, not a passing failure" not in page and "Traceback" not in page
    assert 'href="/operations/background-tasks/"' in page  # in the staff menu
