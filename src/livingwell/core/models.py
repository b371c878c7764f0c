"""Site-wide configuration that a site administrator may change without a deploy."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteConfig(models.Model):
    """One row: the settings a Living Well site configures for itself."""

    name = models.CharField(_("site name"), max_length=120, default="Living Well")
    area_name = models.CharField(_("area served"), max_length=120, default="Demo Borough")
    open_door_months = models.PositiveSmallIntegerField(_("open-door period (months)"), default=6)
    handover_reply_days = models.PositiveSmallIntegerField(
        _("days a handover offer may wait for a reply before alerting its owner"), default=5
    )
    no_contact_alert_days = models.PositiveSmallIntegerField(
        _("days without contact before a person shows on the board"), default=14
    )
    first_conversation_due_days = models.PositiveSmallIntegerField(
        _("days within which a first conversation is due"), default=5
    )
    break_glass_minutes = models.PositiveSmallIntegerField(
        _("break-glass access (minutes)"), default=60
    )
    unusual_access_threshold = models.PositiveSmallIntegerField(
        _("records opened outside caseload in a day before it is flagged"), default=20
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        _("suppress counts from 1 up to"), default=7
    )
    suppression_rounding = models.PositiveSmallIntegerField(_("round other counts to"), default=5)
    spc_run_length = models.PositiveSmallIntegerField(_("SPC run and trend length"), default=7)
    directory_review_months = models.PositiveSmallIntegerField(
        _("months after which a directory listing's owner is asked to check it"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    insight_refresh_minutes = models.PositiveSmallIntegerField(
        _("minutes after which the network dashboard's figures are recalculated"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )
    # A text or e-mail with a link to a measure says only which site is asking: the name of the
    # questionnaire (e.g. one about depression) is health information on a phone's lock screen.
    # A site whose people agreed to see it may turn this on (and use ((measure)) in its template).
    link_messages_name_the_measure = models.BooleanField(
        _("messages with a link to a questionnaire name the questionnaire"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="siteconfig_singleton")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "SiteConfig":
        config, _created = cls.objects.get_or_create(id=1)
        return config

    @classmethod
    def for_request(cls, request) -> "SiteConfig":
        """The settings, read once per request and kept on it as ``request.site_config`` (the
        view and the page's context share them); read afresh by the next request, so a changed
        setting applies at the next page."""
        config = getattr(request, "site_config", None)
        if config is None:
            config = cls.current()
            request.site_config = config
        return config
