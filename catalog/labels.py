"""Words the public pages show for the registry's codes, in the active language. The models'
own choice labels stay English: they are API text."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
DATA_SUBJECTS = {
    "personal-sensitive": _("Personal data, including sensitive categories"),
    "personal": _("Personal data"),
    "non-personal": _("Not about individuals"),
    "synthetic": _("Synthetic: generated, about no real person"),
}
SENSITIVE_CATEGORY = {
    "identifier": _("Identifies a person directly"),
    "quasi-identifier": _("Identifies a person when combined with others"),
    "health": _("Health"),
    "financial": _("Financial"),
    "biometric": _("Biometric"),
    "location": _("Precise location"),
    "community": _("Caste, tribe, religion or belief"),
    "children": _("About children"),
    "other": _("Other"),
}
ML_READY = {"true": _("ML-ready"), "false": _("Not ML-ready")}
REVISION_KIND = {
    "create": _("Created"),
    "update": _("Updated"),
    "withdraw": pgettext_lazy("dataset", "Withdrawn"),
}

# Django's own Hindi catalogue spells November नवमबर; ours, read first, corrects it.
MONTHS = (_("November"),)
