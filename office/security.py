"""The security headers every response carries, set in one place (``init_app``, from create_app).

- Content-Security-Policy: this site's own files only. htmx and htmx-ext-sse are static files
  here and need nothing more: nothing is inline (no <script>/<style> blocks, no style=""
  attributes, no on*= handlers), htmx's indicator <style> is switched off
  (``includeIndicatorStyles`` in base.html's htmx-config; office.css styles .htmx-request), and
  nothing is evaluated (no hx-on, no ``js:`` values, no trigger filters), so neither
  'unsafe-inline' nor 'unsafe-eval'. htmx's requests and the live stream's EventSource go to
  this site, which default-src 'self' covers (connect-src falls back to it), as it covers the
  service worker (/sw.js, worker-src) and the web app manifest (manifest-src).
  ``tests/e2e`` fails on any violation the browser reports.
- frame-ancestors 'none' and X-Frame-Options: DENY (older browsers): no page can be framed.
- X-Content-Type-Options: nosniff; Referrer-Policy: same-origin.
- Strict-Transport-Security when SESSION_COOKIE_SECURE is on (the site is served over HTTPS).

A header a view already set is kept: uploads.send_stored gives files a stricter CSP
("default-src 'none'; sandbox").
"""
from __future__ import annotations

from flask import current_app

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    # blob: for the composer's thumbnails of images chosen but not yet posted (URL.createObjectURL
    # in static/js/office.js): the picture never leaves the browser before posting.
    "img-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# One year, the usual value; no includeSubDomains: other hosts of the shop's domain may not be on HTTPS.
HSTS = "max-age=31536000"


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app) -> None:
    app.after_request(add_headers)
