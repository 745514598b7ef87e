"""The public page /validate: upload a DCAT-AP catalogue or a DCAT-US data.json and read its
validation report in plain language, grouped by the node each result is about. A form and a
server-rendered answer: no JavaScript. The checking is catalog.validator's, as for the API."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.api.throttles import ValidatorRateThrottle
from core.middleware import body_limit

from . import validator
from .validator.wording import grouped

# The choices of the form's format select, by the Content-Type each stands for.
FORMAT_CHOICES = [
    ("", _("Tell from the file name")),
    ("text/turtle", _("DCAT-AP in Turtle (.ttl)")),
    ("application/rdf+xml", _("DCAT-AP in RDF/XML (.rdf, .xml)")),
    ("application/ld+json", _("DCAT-AP in JSON-LD (.jsonld)")),
    ("application/json", _("DCAT-US data.json (.json)")),
]
EXTENSIONS = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "owl": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json": "application/json",
}


class ValidateForm(forms.Form):
    document = forms.FileField(label=_("File"))
    media_type = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("document")
        if upload is None:
            return data
        if upload.size > validator.max_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                % {"size": upload.size, "limit": validator.max_bytes()}
            )
        if not data.get("media_type"):
            extension = (upload.name or "").rsplit(".", 1)[-1].lower()
            data["media_type"] = EXTENSIONS.get(extension, "")
            if not data["media_type"]:
                self.add_error(
                    "media_type", _("Choose the format: the file name does not tell it.")
                )
        return data


@body_limit(validator.max_bytes)
@require_http_methods(["GET", "HEAD", "POST"])
def validate(request):
    """GET: the form. POST: the form again, with the report of the uploaded file below it."""
    context: dict = {"max_bytes": validator.max_bytes()}
    status = 200
    if request.method != "POST":
        context["form"] = ValidateForm()
        return render(request, "catalog/validate.html", context)
    form = ValidateForm(request.POST, request.FILES)
    context["form"] = form
    if not ValidatorRateThrottle().allow_request(request, None):
        # The API's rate, for the same checks: the page is no way round it.
        context["problem"] = _("Too many checks from your address. Try again in a minute.")
        return render(request, "catalog/validate.html", context, status=429)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            raw = upload.read(validator.max_bytes() + 1)
            report = validator.validate_document(raw, form.cleaned_data["media_type"])
        except validator.ValidatorError as exc:
            context["problem"] = exc.message
            status = exc.status
        else:
            context.update(report=report, groups=grouped(report.results), name=upload.name)
    else:
        status = 400
    return render(request, "catalog/validate.html", context, status=status)
