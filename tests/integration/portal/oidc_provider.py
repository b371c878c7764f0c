"""A small OpenID Connect provider for tests, in the manner of NHS login: discovery, an
authorisation endpoint that signs in a chosen test user at once, a token endpoint that accepts
only private_key_jwt client authentication, RS512-signed ID tokens (joserfc, the JOSE library
Authlib is built on), the provider's keys and a userinfo endpoint. It runs in a thread on a free
local port for one test."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

ALG = "RS512"


class LocalProvider:
    def __init__(self, *, client_id: str, client_public_pem: bytes):
        self.client_id = client_id
        self.client_key = RSAKey.import_key(client_public_pem)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-1"})
        self.signing_key = self.key  # a test may sign with another key than the one published
        self.user: dict = {}  # the claims of whoever signs in next
        self.userinfo_only: dict = {}  # claims given by the userinfo endpoint, not the ID token
        self.codes: dict = {}
        self.tokens: dict = {}
        self.seen_assertions: list[dict] = []
        self.authorize_params: dict = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALG],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "scopes_supported": ["openid", "profile", "nhs_number"],
        }

    def _id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": self.user.get("sub", "test-subject"),
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "identity_proofing_level": self.user.get("identity_proofing_level", "P9"),
        }
        if "nhs_number" in self.user:
            claims["nhs_number"] = self.user["nhs_number"]
        return jwt.encode(
            {"alg": ALG, "kid": "provider-1"}, claims, self.signing_key, algorithms=[ALG]
        )

    def _check_client(self, form: dict) -> bool:
        if form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return False
        try:
            token = jwt.decode(
                form.get("client_assertion", ""), self.client_key, algorithms=[ALG, "RS256"]
            )
        except Exception:  # noqa: BLE001 - any failure to verify refuses the client
            return False
        claims = token.claims
        self.seen_assertions.append(claims)
        return (
            claims.get("iss") == self.client_id
            and claims.get("sub") == self.client_id
            and claims.get("aud") == f"{self.issuer}/token"
            and claims.get("exp", 0) > time.time()
        )

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.metadata())
                if url.path == "/jwks":
                    return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
                if url.path == "/authorize":
                    provider.authorize_params = query
                    if query.get("client_id") != provider.client_id:
                        return self._json(400, {"error": "invalid_client"})
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    back = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query["state"]})
                    )
                    self.send_response(302)
                    self.send_header("Location", back)
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if bearer not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(
                        200, {"sub": "test-subject", **provider.user, **provider.userinfo_only}
                    )
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                if not provider._check_client(form):
                    return self._json(401, {"error": "invalid_client"})
                asked = provider.codes.pop(form.get("code", ""), None)
                if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
                    return self._json(400, {"error": "invalid_grant"})
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = True
                return self._json(
                    200,
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider._id_token(asked.get("nonce", "")),
                    },
                )

        return Handler
