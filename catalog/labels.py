"""Words the public pages show for the registry's codes, in the active language. The models'
own choice labels stay English: they are API text."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

ACCESS = {
    "open": _("Open"),
    "restricted": _("Restricted"),
    "consent": _("Per citizen, under consent"),
}
INSTITUTION_KIND = {
    "government": _("Government"),
    "academic": _("Academic"),
    "private": _("Private"),
    "ngo": _("Non-governmental organisation"),
}
REVISION_KIND = {
    "create": _("Created"),
    "update": _("Updated"),
    "withdraw": pgettext_lazy("dataset", "Withdrawn"),
}

# The quality criteria's labels and fixed notes as registry.quality stores them (English): the
# pages translate them on display (`{% translate c.label %}`, templatetags' quality_note).
QUALITY_TEXT = (
    gettext_noop("Licence stated"),
    gettext_noop("Description of 100 characters or more"),
    gettext_noop("Temporal coverage"),
    gettext_noop("Spatial coverage"),
    gettext_noop("Update frequency"),
    gettext_noop("Updated on time for its frequency"),
    gettext_noop("Available in an open format"),
    gettext_noop("All distributions reachable"),
    gettext_noop("Schema documented"),
    gettext_noop("state an open licence (SPDX id)"),
    gettext_noop("state a licence (SPDX id)"),
    gettext_noop("describe the data in more detail"),
    gettext_noop("say which period the data covers"),
    gettext_noop("say which states, districts or area the data covers"),
    gettext_noop("state how often it changes"),
    gettext_noop("state an update frequency"),
    gettext_noop("no update time known"),
    gettext_noop("offer CSV, JSON or another open format"),
    gettext_noop("the sources were not checked in this run"),
    gettext_noop("some distribution URLs could not be reached"),
    gettext_noop("describe the columns with a Table Schema or name the standard they conform to"),
)
# Django's own Hindi catalogue spells November नवमबर; ours, read first, corrects it.
MONTHS = (_("November"),)
