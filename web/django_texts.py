"""Django's own texts that citizens read on Suchi's pages (the password rules of the account
page and their refusals), for the Hindi catalogue: Django's own Hindi has none of them. Marked
here only so that `make messages` keeps them in locale/hi/LC_MESSAGES/django.po, which Django
reads before its own catalogue (LOCALE_PATHS). Nothing imports this module."""

from django.utils.translation import gettext_noop, ngettext_lazy

# Django writes them with a typographic apostrophe (U+2019), so they must be too.
TEXTS = (
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),  # noqa: RUF001
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),  # noqa: RUF001
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),  # noqa: RUF001
)
PLURALS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "n",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
