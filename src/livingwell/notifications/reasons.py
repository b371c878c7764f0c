"""Why a message was not delivered, in words a worker can act on."""

from django.utils.translation import gettext_lazy as _

REASONS = {
    # Notify's delivery receipts.
    "permanent-failure": _(
        "The phone number or e-mail address does not exist or cannot receive messages. "
        "Check the person's contact details."
    ),
    "temporary-failure": _(
        "The phone was switched off or the inbox was full for 3 days, so the message was not "
        "delivered."
    ),
    "technical-failure": _("The messaging service had a technical problem and did not send it."),
    # Our own attempt to hand it over.
    "refused": _(
        "The messaging service refused it: the phone number or e-mail address is not one it "
        "can send to."
    ),
    "unreachable": _("The messaging service could not be reached, after several tries."),
    "no_sms": _("This site cannot send text messages: only e-mail is set up."),
    "no_template": _("This site has no message template set up for this kind of message."),
}


def in_words(reason: str) -> str:
    return str(REASONS.get(reason, _("The message was not delivered.")))


# Backends whose gateway sends delivery receipts: only their "sent" waits for one.
WITH_RECEIPTS = {"notify"}


def status_in_words(message) -> str:
    """A message's status as the worker who sent it reads it."""
    if message.status == message.Status.SENT and message.backend not in WITH_RECEIPTS:
        return str(_("Sent"))
    return str(message.get_status_display())
