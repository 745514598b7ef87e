"""The console's form for a catalogue the institution harvests (harvest.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import labels


class HarvestSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=list(labels.HARVEST_KIND.items()))
    url = forms.CharField(
        label=_("Address"),
        max_length=2000,
        help_text=_(
            "The catalogue's address: a data.json or DCAT file, a CKAN site (or a search of it), "
            "a Croissant file, another Suchi."
        ),
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=list(labels.HARVEST_FREQUENCY.items()), initial="daily"
    )
