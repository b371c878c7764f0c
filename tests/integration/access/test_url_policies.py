"""Every URL pattern has an access policy and allows only the methods it means; none but the
listed public pages lets in an anonymous visitor or an unrelated worker."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from tests import factories

from livingwell.access.policy import PUBLIC_URL_NAMES


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p.callback, namespace


ALL = list(walk(get_resolver().url_patterns))


def policy(callback):
    return getattr(callback, "access_policy", None) or getattr(
        getattr(callback, "__wrapped__", None), "access_policy", None
    )


def is_public(name, namespace):
    return name in PUBLIC_URL_NAMES or namespace in PUBLIC_URL_NAMES


# The URL names that take a POST (a form, or an action); every other page answers GET only. A page
# that only shows something must not answer a POST (or a PUT) with the same page: a read the audit
# would not see (security issue "Close the holes", item 2).
ACCEPTS_POST = frozenset(
    {
        "accounts:login",
        "accounts:mfa",
        "accounts:sessions",
        "intake:self",
        "intake:family",
        "intake:staff_new",
        "hub:find",
        "hub:conversation",
        "hub:allocate",
        "hub:tier",
        "hub:plan",
        "hub:contact",
        "hub:close",
        "hub:return",
        "hub:handover_new",
        "hub:handover_respond",
        "hub:handover_acknowledge",
        "access:emergency",
        "access:sharing",
        "access:override",
        "access:review_break_glass",
        "access:review_override",
        "insight:dashboard",
        "insight:annotations",
        "insight:annotation_edit",
        "insight:annotation_withdraw",
        "insight:feedback",
        "outcomes:framework",
        "outcomes:record",
        "outcomes:send_link",
        "outcomes:respond",
        "directory:edit",
        "improvement:act",
        "improvement:action_add",
        "improvement:action_to_idea",
        "improvement:aim",
        "improvement:answers",
        "improvement:cycle_new",
        "improvement:do",
        "improvement:driver_add",
        "improvement:factor_add",
        "improvement:idea_add",
        "improvement:measure_add",
        "improvement:member_add",
        "improvement:plan",
        "improvement:point_add",
        "improvement:prediction",
        "improvement:prediction_add",
        "improvement:progress",
        "improvement:project_new",
        "improvement:response_new",
        "improvement:study",
        "improvement:summary",
        "coproduction:activity_new",
        "coproduction:activity_rate",
        "coproduction:attendance_add",
        "coproduction:decision_new",
        "coproduction:decision_finalise",
        "coproduction:person_new",
        "coproduction:payment",
        "coproduction:expense_add",
        "coproduction:rate_card_new",
        "coproduction:settings",
        "stories:tell_with_worker",
        "stories:collection_new",
        "stories:tell",
        "stories:consent",
        "stories:public_text",
        "stories:panel",
        "portal:sign_in",
        "portal:code",
        "portal:plan",
        "portal:about_me",
        "portal:access_log",
        "portal:sharing",
        "portal:proxies",
        "portal:feedback",
        "portal:withhold",
        "simulation:scenario_new",
    }
)
# Actions with no page of their own: POST only.
POST_ONLY = frozenset(
    {
        "accounts:logout",
        "hub:own",
        "hub:handover_advance",
        "access:break_glass",
        "access:access_report",
        "people:match_decide",
        "directory:checked",
        "improvement:action_done",
        "improvement:prediction_remove",
        "improvement:start_do",
        "coproduction:decision_feedback",
        "coproduction:decision_publish",
        "outcomes:send_link_again",
        "notifications:notify_receipt",
        "stories:send_link",
        "stories:feedback",
        "portal:sign_out",
        "portal:come_back",
        "portal:proxy_revoke",
        "portal:proposal_seen",
        "portal:review_withholding",
        "portal:question_answered",
        "simulation:run_new",
        "simulation:predict",
        "fhir:token",  # OAuth 2.0 token endpoint (django-oauth-toolkit)
        "fhir-api:transaction",  # a referral in, as a transaction Bundle
        "fhir-api:api-root",  # django-ninja's name for the same base URL
    }
)


def allowed_methods(name) -> set[str]:
    if name in POST_ONLY:
        return {"POST"}
    return {"GET", "POST"} if name in ACCEPTS_POST else {"GET"}


@pytest.fixture
def everyone(db):
    """A signed-in member of staff holding every role, so that every view's own method check is
    reached whichever way round its decorators are."""
    from livingwell.accounts.models import Membership, Role

    org = factories.organisation("Everywhere")
    team = factories.team(org, "Every Team", is_hub=True)
    user = factories.user("everyone", team=team, role=Role.HUB_WORKER)
    for role in Role:
        if role != Role.HUB_WORKER:
            Membership.objects.create(user=user, organisation=org, team=team, role=role)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,callback,namespace", ALL, ids=[a[0] or "/" for a in ALL])
def test_every_pattern_allows_only_the_methods_it_means(
    client, everyone, route, name, callback, namespace
):
    factories.login(client, everyone)
    url = concrete(route)
    if name in ("oruk-api:not-found", "fhir-api:not-found"):  # the APIs' 404 for other paths
        assert client.generic("POST", url).status_code == 404
        return
    for method in ("PUT", "PATCH", "DELETE"):
        response = client.generic(method, url)
        assert response.status_code == 405, (route, method)
        assert set(response["Allow"].split(", ")) == allowed_methods(name), route
    if "POST" not in allowed_methods(name):
        assert client.post(url).status_code == 405, route
    if "GET" not in allowed_methods(name):
        assert client.get(url).status_code == 405, route


def test_the_method_tables_name_real_urls():
    names = {name for _route, name, _callback, _ns in ALL}
    assert ACCEPTS_POST <= names and POST_ONLY <= names
    assert not ACCEPTS_POST & POST_ONLY


@pytest.mark.parametrize("route,name,callback,namespace", ALL, ids=[a[0] or "/" for a in ALL])
def test_every_pattern_declares_a_policy(route, name, callback, namespace):
    declared = policy(callback)
    if namespace == "oruk-api":
        return  # django-ninja operations: the whole namespace is public and read-only
    assert declared, f"{route} ({name}) has no access policy"
    if declared == "public":
        assert is_public(name, namespace), (
            f"{route} ({name}) is public but not listed in PUBLIC_URL_NAMES"
        )
    else:
        assert not is_public(name, namespace), f"{route} ({name}) is listed as public but is not"


def concrete(route):
    out, rest = "", route
    while "<" in rest:
        before, _, after = rest.partition("<")
        _, _, rest = after.partition(">")
        out += before + str(uuid.uuid4())
    return "/" + out + rest


PRIVATE = [(r, n) for r, n, c, ns in ALL if not is_public(n, ns)]


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", PRIVATE, ids=[p[0] or "/" for p in PRIVATE])
def test_private_pages_refuse_anonymous_visitors(client, route, name):
    response = client.get(concrete(route))
    assert response.status_code in {302, 403, 404, 405}, route
    if response.status_code == 302:
        # The person's portal sends a visitor to its own sign-in; every other page to staff's.
        portal = route.startswith("my/") and not route.startswith("my/staff/")
        sign_in = "/my/sign-in/" if portal else "/account/sign-in/"
        assert response["Location"].startswith(sign_in), route


@pytest.mark.django_db
def test_person_pages_are_not_found_for_an_unrelated_worker(client, personas):
    intro = factories.introduction()
    factories.login(client, personas.unrelated_worker)
    person_routes = [
        r for r, n, c, ns in ALL if "<str:introduction_id>" in r or "<uuid:introduction_id>" in r
    ]
    assert len(person_routes) >= 8
    for route in person_routes:
        url = "/" + route.replace("<str:introduction_id>", str(intro.pk)).replace(
            "<uuid:introduction_id>", str(intro.pk)
        )
        response = client.get(url)
        if response.status_code == 405:  # POST-only actions
            response = client.post(url, {})
        # 404, or 403 where the worker's role lacks the permission for any person: both answers
        # are the same for a record that does not exist, so nothing is revealed.
        assert response.status_code in {403, 404}, url
        missing = client.get(url.replace(str(intro.pk), str(uuid.uuid4())))
        if missing.status_code == 405:
            missing = client.post(url.replace(str(intro.pk), str(uuid.uuid4())), {})
        assert missing.status_code == response.status_code, url
        assert intro.person.given_name.encode() not in response.content


@pytest.mark.django_db
def test_person_and_review_pages_by_other_ids_are_not_found_for_an_unrelated_worker(
    client, personas
):
    """Pages that take a person, break-glass grant or override id, not an introduction id."""
    from django.urls import reverse

    from livingwell.access import actions

    intro = factories.introduction()
    override = actions.record_safeguarding_override(
        by=personas.hub_worker, person=intro.person, reason="Disclosure of harm at home."
    )
    routes = [r for r, n, c, ns in ALL if "<str:person_id>" in r]
    assert routes, "the person access log has a person id in its route"
    factories.login(client, personas.unrelated_worker)
    for route in routes:
        url = "/" + route.replace("<str:person_id>", str(intro.person.pk))
        response = client.get(url)
        assert response.status_code == 404, url
        assert intro.person.given_name.encode() not in response.content
    # Reviews are for privacy officers only: a worker's role cannot reach them at all.
    for name, pk in (("review_override", override.pk), ("review_break_glass", uuid.uuid4())):
        assert client.get(reverse(f"access:{name}", args=[pk])).status_code == 403
