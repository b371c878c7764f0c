from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_off(app_configs, **kwargs):
    if settings.DEMO_MODE:
        return [
            Error(
                "Demo mode is on: it shows MFA codes for demo accounts.",
                hint="Unset LIVINGWELL_DEMO_MODE in production.",
                id="livingwell.E001",
            )
        ]
    return []


# Each worker process would keep its own counts: the rate limits would multiply by the number of
# workers and forget everything on a restart.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def cache_shared_by_workers(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            Error(
                f"The default cache ({backend}) is not shared by the workers: the rate limits "
                "of the front door and the directory API would not hold.",
                hint="Unset LIVINGWELL_CACHE_BACKEND to use the database cache, or name a "
                "shared one (e.g. Redis).",
                id="livingwell.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def public_address_https(app_configs, **kwargs):
    """Links in texts and e-mails go to the site's public address: it must be set and secure."""
    url = getattr(settings, "LIVINGWELL_PUBLIC_URL", "")
    if not url.startswith("https://"):
        return [
            Error(
                f"LIVINGWELL_PUBLIC_URL is {url!r}: links sent to people need the site's public "
                "https address.",
                hint="Set LIVINGWELL_PUBLIC_URL=https://your-site.example.org",
                id="livingwell.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_checkpoints_configured(app_configs, **kwargs):
    """Without signed checkpoints outside the database, a rewrite of the audit trail that also
    rewrites the chain head cannot be detected (ADR 0021)."""
    errors = []
    if len(settings.LIVINGWELL_AUDIT_CHECKPOINT_KEY) < 32:
        errors.append(
            Error(
                "LIVINGWELL_AUDIT_CHECKPOINT_KEY is missing or shorter than 32 characters: audit "
                "checkpoints cannot be signed.",
                hint="Set it to a long random value kept outside the database "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))').",
                id="livingwell.E021",
            )
        )
    if not settings.LIVINGWELL_AUDIT_CHECKPOINT_DIR:
        errors.append(
            Error(
                "LIVINGWELL_AUDIT_CHECKPOINT_DIR is not set: audit checkpoints have nowhere to go.",
                hint="Name a directory outside the database (another disk or machine).",
                id="livingwell.E022",
            )
        )
    return errors


@register(Tags.database, deploy=True)
def backup_destination_configured(app_configs, **kwargs):
    if not settings.LIVINGWELL_BACKUP_DIR:
        return [
            Error(
                "LIVINGWELL_BACKUP_DIR is not set: `livingwell backup` has nowhere to write.",
                hint="Name a directory on another disk or machine than the database's.",
                id="livingwell.E023",
            )
        ]
    return []


NOTIFY_BACKEND = "livingwell.core.messaging.NotifyBackend"


@register(Tags.security, deploy=True)
def notify_configured(app_configs, **kwargs):
    """With GOV.UK Notify as the message backend, every message would fail without its key, and
    no delivery receipt could be accepted without the callback's token."""
    if settings.LIVINGWELL_MESSAGE_BACKEND != NOTIFY_BACKEND:
        return []
    errors = []
    if not settings.LIVINGWELL_NOTIFY_API_KEY:
        errors.append(
            Error(
                "GOV.UK Notify is the message backend but LIVINGWELL_NOTIFY_API_KEY is not set: "
                "no text or e-mail could be sent.",
                hint="Set LIVINGWELL_NOTIFY_API_KEY to the site's live API key from Notify.",
                id="livingwell.E004",
            )
        )
    if not settings.LIVINGWELL_NOTIFY_CALLBACK_TOKEN:
        errors.append(
            Error(
                "LIVINGWELL_NOTIFY_CALLBACK_TOKEN is not set: Notify's delivery receipts would "
                "be refused, and no one would see that a message failed.",
                hint="Choose a long random token; give Notify it and the address "
                "https://<site>/notifications/notify/receipts/ as the callback.",
                id="livingwell.E005",
            )
        )
    missing = [
        f"LIVINGWELL_NOTIFY_TEMPLATE_{kind.upper()}_{channel.upper()}"
        for kind, channels in settings.LIVINGWELL_NOTIFY_TEMPLATES.items()
        for channel, template in channels.items()
        if not template
    ]
    if missing:
        errors.append(
            Error(
                f"No Notify template for: {', '.join(missing)}; those messages would fail.",
                hint="Make each template in Notify and set its id (docs/adr/0020 lists the "
                "values each template may use).",
                id="livingwell.E006",
            )
        )
    return errors


DATABASE_TASKS = "django_tasks_db.DatabaseBackend"


@register(Tags.compatibility, deploy=True)
def background_work_queued(app_configs, **kwargs):
    """Any other task backend runs work inside the request that asked for it (or not at all):
    no retries, and no scheduled work without the database backend's queue."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != DATABASE_TASKS:
        return [
            Error(
                f"The background work backend is {backend}: messages would not be retried and "
                "the scheduled work (the dashboard's figures, alerts, the audit check) would "
                "not run.",
                hint="Unset LIVINGWELL_TASKS_BACKEND and run `livingwell worker`.",
                id="livingwell.E007",
            )
        ]
    return []
