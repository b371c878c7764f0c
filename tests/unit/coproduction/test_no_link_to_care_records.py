"""Involved people are their own records: nothing in co-production leads to a care record."""

from __future__ import annotations

from django.apps import apps

from livingwell.people.models import Person


def reachable_models(start_models) -> set:
    """Every model a query can join to by following forward relations (FK, one-to-one, M2M)."""
    seen, todo = set(), list(start_models)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for f in model._meta.get_fields():
            if f.is_relation and f.concrete and f.related_model is not None:
                todo.append(f.related_model)
            if f.many_to_many and not f.auto_created and f.related_model is not None:
                todo.append(f.related_model)
    return seen


def test_no_coproduction_model_has_a_join_path_to_a_person():
    models = list(apps.get_app_config("coproduction").get_models())
    assert len(models) >= 6
    assert Person not in reachable_models(models)


def test_the_walk_would_find_a_path_to_a_person_if_there_were_one():
    from livingwell.intake.models import Introduction

    assert Person in reachable_models([Introduction])
