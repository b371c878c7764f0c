"""The mark of a page anyone may open, signed in or not.

It lives here, below every app, because core's own pages (home, urgent help, accessibility,
privacy) carry it; other apps mark their public pages through ``access.policy.public``, which is
this same function. Which pages may be public is decided in one place, access/policy.py
(PUBLIC_URL_NAMES), and the URL meta-test holds the marks and that list to each other.
"""

PUBLIC = "public"


def public(view):
    view.access_policy = PUBLIC
    return view
