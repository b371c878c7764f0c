"""NHS login (OpenID Connect) for the person's portal, with Authlib's Django client.

Enabled only when the site configures it (settings.NHS_LOGIN_*). The client authenticates with
private_key_jwt, as NHS login requires; Authlib reads the provider's discovery document, checks
the state and nonce, and checks the ID token's signature (against the provider's published keys),
issuer, audience and times. What we decide is ours, in portal.actions.sign_in_with_nhs_login:
identity proofing level P9 to see the record, and the person found by their NHS number.
"""

from __future__ import annotations

from pathlib import Path

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from joserfc.errors import JoseError

# NHS login's vectors of trust that give P9 (high identity proofing) at sign-in.
P9_VECTORS = '["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]'
SCOPES = "openid profile nhs_number"

# Every way a sign-in can fail on the provider's side or in the checks of what it sent: the person
# is told, and signed in as no one (never a 500). Authlib raises OAuthError for an error reply or
# a state that does not match, joserfc a JoseError for a token failing its checks (signature,
# issuer, audience, times, nonce), requests a RequestException when the provider is unreachable.
SIGN_IN_FAILED = (OAuthError, JoseError, requests.RequestException, ValueError, KeyError)


def enabled() -> bool:
    return bool(
        settings.NHS_LOGIN_METADATA_URL
        and settings.NHS_LOGIN_CLIENT_ID
        and settings.NHS_LOGIN_PRIVATE_KEY_FILE
    )


def client():
    """A client for the configured provider (built per request: settings may change in tests,
    and the discovery document is read by Authlib when first needed)."""
    oauth = OAuth()
    return oauth.register(
        name="nhs_login",
        client_id=settings.NHS_LOGIN_CLIENT_ID,
        client_secret=Path(settings.NHS_LOGIN_PRIVATE_KEY_FILE).read_text(encoding="utf-8"),
        server_metadata_url=settings.NHS_LOGIN_METADATA_URL,
        client_kwargs={
            "scope": SCOPES,
            "token_endpoint_auth_method": "private_key_jwt",
            "code_challenge_method": "S256",
        },
        client_auth_methods=[PrivateKeyJWT(alg="RS512")],
    )


def claims_from(oauth_client, token: dict) -> dict:
    """The ID token's claims, with the userinfo endpoint's answer added when the ID token does
    not carry the NHS number."""
    claims = dict(token.get("userinfo") or {})
    if "nhs_number" not in claims:
        claims.update(oauth_client.userinfo(token=token))
    return claims
