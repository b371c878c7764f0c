"""Print how to sign in as each seeded demo persona (used by `make run`)."""

from django.core.management.base import BaseCommand

from livingwell.accounts.demo import DEMO_PASSWORD
from livingwell.accounts.models import Membership, User


class Command(BaseCommand):
    help = "List the demo personas with their roles, organisations and the demo password."

    def handle(self, *args, **options):
        users = list(User.objects.filter(is_demo_persona=True, is_active=True).order_by("username"))
        if not users:
            self.stdout.write("No demo personas yet: run `livingwell seed` first.")
            return
        memberships = (
            Membership.objects.current()
            .filter(user__in=users)
            .select_related("organisation", "team")
            .order_by("started_at")
        )
        by_user: dict = {}
        for m in memberships:
            by_user.setdefault(m.user_id, []).append(m)

        self.stdout.write(self.style.MIGRATE_HEADING("Demo sign-ins"))
        width = max(len(u.username) for u in users)
        for user in users:
            held = by_user.get(user.pk, [])
            roles = (
                ", ".join(dict.fromkeys(m.get_role_display() for m in held)) or "no current role"
            )
            places = (
                ", ".join(
                    dict.fromkeys(
                        f"{m.team.name} ({m.organisation.name})"
                        if m.team_id
                        else m.organisation.name
                        for m in held
                    )
                )
                or "no organisation"
            )
            self.stdout.write(f"  {user.username.ljust(width)}  {roles} – {places}")
        self.stdout.write(f"\nPassword for every demo persona: {DEMO_PASSWORD}")
        self.stdout.write(
            "In demo mode (LIVINGWELL_DEMO_MODE=true, as `make run` sets it) the MFA step shows "
            "the current code for demo personas. Production refuses demo mode."
        )
        self._portal_sign_ins()

    def _portal_sign_ins(self):
        from livingwell.portal.demo import demo_sign_ins

        rows = demo_sign_ins()
        if not rows:
            return
        self.stdout.write(self.style.MIGRATE_HEADING("\nDemo people's portal sign-ins (/my/)"))
        for who, email, born, what in rows:
            self.stdout.write(f"  {email}  born {born:%d %m %Y}  {who}, {what}")
        self.stdout.write(
            "Enter the e-mail address and date of birth at /my/sign-in/; the one-time code is "
            "printed in the terminal that runs the site (the console message backend)."
        )
