"""``livingwell fhir``: the FHIR API's clients.

livingwell fhir client create --organisation SLUG --name NAME --scopes "system/Patient.rs ..."
    prints the client id and secret, once: the secret is stored only as a hash
livingwell fhir client revoke CLIENT_ID     the client's secret and every token stop at once
livingwell fhir client list
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from livingwell.accounts.models import Organisation
from livingwell.fhir import actions
from livingwell.fhir.models import FhirClient
from livingwell.fhir.scopes import ScopeError


def find_organisation(slug: str) -> Organisation:
    """An organisation by the slug of its short name or name (or its id)."""
    wanted = slugify(slug)
    for org in Organisation.objects.filter(is_active=True):
        if wanted in {slugify(org.name), slugify(org.short_name or ""), str(org.pk)}:
            return org
    raise CommandError(f"No active organisation {slug!r}: see `livingwell fhir client list`.")


class Command(BaseCommand):
    help = "Create, revoke and list the FHIR API's clients."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="thing", required=True)
        client = sub.add_parser("client", help="API clients")
        actions_ = client.add_subparsers(dest="action", required=True)
        create = actions_.add_parser("create", help="Create a client; prints its secret once.")
        create.add_argument("--organisation", required=True, help="slug of the organisation")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scopes", required=True, help='SMART system scopes, e.g. "system/Patient.rs"'
        )
        revoke = actions_.add_parser("revoke", help="Revoke a client at once.")
        revoke.add_argument("client_id")
        actions_.add_parser("list", help="List clients and organisations.")

    def handle(self, *args: Any, **options: Any) -> None:
        {"create": self._create, "revoke": self._revoke, "list": self._list}[options["action"]](
            options
        )

    def _create(self, options) -> None:
        org = find_organisation(options["organisation"])
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be empty")
        try:
            client, secret = actions.create_client(
                by=None, organisation=org, name=name, scopes=options["scopes"].split()
            )
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"client_id: {client.application.client_id}")
        self.stdout.write(f"client_secret: {secret}")
        self.stdout.write("The secret is shown this once; only its hash is kept.")

    def _revoke(self, options) -> None:
        client = (
            FhirClient.objects.filter(application__client_id=options["client_id"]).first()
            or FhirClient.objects.filter(name=options["client_id"]).first()
        )
        if client is None:
            raise CommandError(f"No client {options['client_id']!r}.")
        actions.revoke_client(by=None, client=client)
        self.stdout.write(f"Revoked {client.name}.")

    def _list(self, options) -> None:
        for client in FhirClient.objects.select_related("organisation", "application"):
            state = "revoked" if client.revoked_at else client.application.client_id
            self.stdout.write(
                f"{client.name}\t{client.organisation.name}\t{client.scopes}\t{state}"
            )
        self.stdout.write("Organisations (slug):")
        for org in Organisation.objects.filter(is_active=True):
            self.stdout.write(f"  {slugify(org.short_name or org.name)}\t{org.name}")
