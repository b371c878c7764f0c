"""Background work: a scenario run, carried out away from the request that asked for it."""

from django_tasks import task

from livingwell.simulation.actions import execute_run


@task()
def run_simulation(run_id: str) -> None:
    execute_run(run_id)
