"""E-mail settings from one URL (EMAIL_URL), as DATABASE_URL gives the database's:

- `smtp://[user:password@]host:port` (`smtps://` for implicit TLS; `?starttls=1` for STARTTLS)
- `consolemail://`: printed on the console (development; production refuses it)
- `filemail:///path/to/dir`: one file a message (development, tests)
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def email_settings(url: str, *, production: bool) -> dict:
    """Django's EMAIL_* settings for the URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "consolemail":
        if production:
            raise ImproperlyConfigured(
                "EMAIL_URL is consolemail:// with DEBUG off: codes would go to a log, not to "
                "citizens. Set EMAIL_URL=smtp://host:port."
            )
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "filemail":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path) or "var/mail",
        }
    if scheme in ("smtp", "smtps"):
        query = parse_qs(parts.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("starttls", ["0"])[0] in ("1", "true"),
            "EMAIL_TIMEOUT": 10,
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {scheme!r} is not one of smtp, smtps, consolemail, filemail."
    )
