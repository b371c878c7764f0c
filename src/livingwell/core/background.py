"""Background work on django-tasks: retries with backoff, and tasks that come round again.

django-tasks (with django-tasks-db, its database backend) runs a task once; a task that fails
stays failed. Sending a text to a gateway that is down for a minute, or a scheduled job that must
come round every hour without cron, need a little more, written here once:

- ``task_with_retries``: a task that, when it raises one of ``retry_on``, is queued again to run
  after a delay that grows (``first_delay``, then times ``factor`` each attempt) until
  ``attempts`` have been made; then ``on_give_up`` is called and the error raised. The failed
  attempt stays in the task table with its error, so the administrators' page shows it.
- ``run_again_after``: a periodic task queues its own next run when it finishes.

Both need a backend that can run a task later (the database backend). The immediate backend the
tests use cannot: there a failure is not retried and a periodic task does not queue itself again
(it would run again at once, for ever).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task


class TryAgainLater(Exception):
    """A failure that may pass (a gateway down, a timeout): the task is worth trying again."""


def backoff(attempt: int, first_delay: timedelta, factor: int) -> timedelta:
    """The wait before attempt ``attempt + 1``: first_delay, first_delay * factor, ..."""
    return first_delay * factor ** (attempt - 1)


def can_run_later(task_object) -> bool:
    return task_object.get_backend().supports_defer


def task_with_retries(
    *,
    attempts: int = 5,
    first_delay: timedelta = timedelta(seconds=30),
    factor: int = 4,
    retry_on: tuple[type[BaseException], ...] = (TryAgainLater,),
    on_give_up: Callable | None = None,
    **task_options,
):
    """Decorate a module-level function as a task retried with backoff (see the module's note).

    The function is called with the arguments it was queued with; the attempt number travels as
    the keyword argument ``attempt`` of the queued task and is not passed on.
    """

    def decorate(func):
        @functools.wraps(func)
        def run(context: TaskContext, *args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except retry_on as exc:
                this = context.task_result.task
                if attempt >= attempts or not can_run_later(this):
                    if on_give_up is not None:
                        on_give_up(exc, *args, **kwargs)
                    raise
                this.using(
                    run_after=timezone.now() + backoff(attempt, first_delay, factor)
                ).enqueue(*args, attempt=attempt + 1, **kwargs)
                raise

        # functools.wraps copies the function's own name, which django-tasks reads to find the
        # task again in the worker. Its link to the wrapped function goes: django-tasks reads the
        # signature, which must start with the context.
        del run.__wrapped__
        return task(takes_context=True, **task_options)(run)

    return decorate


def run_again_after(task_object, delay: timedelta) -> bool:
    """Queue ``task_object`` to run again after ``delay``; False when the backend cannot wait."""
    if not can_run_later(task_object):
        return False
    task_object.using(run_after=timezone.now() + delay).enqueue()
    return True
