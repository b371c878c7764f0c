"""The one rule for addresses in directory listings, used by the model fields (so the owners' form,
the actions and the importer all check it), and by everything that publishes a listing (the
public page, the ORUK API and the export), which leaves out an address that fails it.

A web address is an absolute http or https URL: anything else shown as a link (`javascript:`,
`data:`, `vbscript:`) would run or open in a visitor's browser. An email address is a bare
address, which the pages link as `mailto:` themselves; phone numbers likewise (`tel:`). No HSDS
address field means a `mailto:` or `tel:` URL, so none accepts one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")

validate_web_address = URLValidator(
    schemes=list(WEB_SCHEMES),
    message=_("Enter a full web address that starts with https:// or http://"),
)
validate_email_address = EmailValidator(
    message=_("Enter an email address in the correct format, like name@example.org")
)


def _passes(validator, value) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def web_address(value) -> str:
    """The address if it may be published as a link, else "" (left out)."""
    return value if value and _passes(validate_web_address, value) else ""


def email_address(value) -> str:
    """The email address if it may be published, else "" (left out)."""
    return value if value and _passes(validate_email_address, value) else ""


def published(field, value):
    """A model field's value as it may be published: an address field's value that fails its
    rule (stored before the rule, or outside the actions) is left out."""
    if validate_web_address in field.validators:
        return web_address(value)
    if validate_email_address in field.validators:
        return email_address(value)
    return value
