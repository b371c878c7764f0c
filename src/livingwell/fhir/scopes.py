"""SMART on FHIR system scopes (v1 `read`/`write`/`*` and v2 `cruds` letters), and the scopes
backend django-oauth-toolkit asks which scopes a client may be given.

A client gets at most the scopes recorded for it when it was created; asking for none gives all
of them. `grants` answers whether a token's scopes allow one interaction on one resource type:
r (read), s (search), c (create).
"""

from __future__ import annotations

import re

from oauth2_provider.scopes import BaseScopes

SCOPE = re.compile(r"^system/(?P<type>\*|[A-Z][A-Za-z]+)\.(?P<perms>read|write|\*|c?r?u?d?s?)$")
V1 = {"read": "rs", "write": "cud", "*": "cruds"}


class ScopeError(ValueError):
    pass


def parse(scope: str) -> tuple[str, str]:
    """(resource type or "*", interaction letters) for one scope, or ScopeError."""
    match = SCOPE.match(scope)
    if not match or not match["perms"]:
        raise ScopeError(f"{scope!r} is not a SMART system scope (e.g. system/Patient.rs)")
    return match["type"], V1.get(match["perms"], match["perms"])


def check(scopes: list[str], known_types) -> list[str]:
    """The scopes, each one checked (a known resource type or *), or ScopeError."""
    if not scopes:
        raise ScopeError("at least one scope is needed")
    for scope in scopes:
        rtype, _perms = parse(scope)
        if rtype != "*" and rtype not in known_types:
            raise ScopeError(f"{scope!r}: this API does not serve {rtype}")
    return scopes


def grants(scopes, resource_type: str, interaction: str) -> bool:
    for scope in scopes:
        try:
            rtype, perms = parse(scope)
        except ScopeError:
            continue
        if rtype in ("*", resource_type) and interaction in perms:
            return True
    return False


class ClientScopes(BaseScopes):
    """The scopes a client may be given are the ones granted to its FhirClient."""

    def get_all_scopes(self):
        return {"system/*.rs": "Read and search everything the organisation may see"}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = getattr(application, "fhir_client", None) if application else None
        if client is None or client.revoked_at is not None:
            return []
        return client.granted

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)
