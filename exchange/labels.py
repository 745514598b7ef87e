"""Words the pages show for the exchange's codes, in the active language (the models' choice
labels are English API text)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

REQUEST_STATUS = {
    "requested": _("Waiting for the institution"),
    "approved": pgettext_lazy("access request", "Approved"),
    "rejected": pgettext_lazy("access request", "Rejected"),
    "withdrawn": pgettext_lazy("access request", "Withdrawn by the requester"),
}
AGREEMENT_STATUS = {
    "active": pgettext_lazy("agreement", "Active"),
    "suspended": pgettext_lazy("agreement", "Suspended"),
    "revoked": pgettext_lazy("agreement", "Revoked"),
    "expired": pgettext_lazy("agreement", "Expired"),
}
BASIS = {
    "": _("Not personal data"),
    "consent": _("Each person's consent, through the consent manager"),
    "deidentified": _("De-identified by the institution (attested)"),
}
EVENT_KIND = {
    "access_request.created": _("Access requested"),
    "access_request.message": _("A message on the request"),
    "access_request.approved": _("Request approved"),
    "access_request.rejected": _("Request rejected"),
    "access_request.withdrawn": _("Request withdrawn"),
    "agreement.issued": _("Agreement issued"),
    "agreement.suspended": _("Agreement suspended"),
    "agreement.resumed": _("Agreement resumed"),
    "agreement.revoked": _("Agreement revoked"),
    "agreement.expired": _("Agreement expired"),
    "agreement.release": _("Data released"),
    "agreement.refused": _("Release refused"),
}
RECEIPT_OUTCOME = {
    "released": _("Released"),
    "refused": _("Refused: the agreement was not active"),
}
PURPOSE_NAMES = (_("Training AI models"), _("Research"), _("Public service"), _("Commercial use"))
