"""The board's notice of what people sent from their portal: counts and a link only (who and
what are on the inbox page, under the same access rules)."""

from django import template

from livingwell.portal import queries

register = template.Library()


@register.inclusion_tag("portal/staff/_board_notice.html", takes_context=True)
def portal_board_notice(context):
    user = context["request"].user
    return {
        "proposals": queries.proposals_for_worker(user).count(),
        "come_back": queries.come_back_for_worker(user).count(),
    }


@register.inclusion_tag("portal/staff/_about_me_panel.html")
def about_me_panel(person_id):
    """The person's own About me and crisis plan, on the record page (which has already checked
    the worker's relationship and audited the read)."""
    from livingwell.portal.models import AboutMe

    return {"about_me": AboutMe.objects.filter(person_id=person_id).order_by("-at").first()}
