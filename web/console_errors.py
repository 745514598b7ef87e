"""The dataset form's errors in the console: the API's (DatasetInput's, keyed by field path)
put on the form fields they name, and checked even while the form has errors of its own."""

from types import SimpleNamespace

from registry.payload import DatasetInput

from .forms import DatasetForm


def api_errors_anyway(form, formset, base) -> dict:
    """The API's errors for a form with errors of its own: its fields that did not clean are
    read as empty (their own errors stand; `only_new` keeps the API from repeating them)."""
    empty = {name: field.to_python(None) for name, field in form.fields.items()}
    lenient = SimpleNamespace(cleaned_data={**empty, **form.cleaned_data})
    distributions = [p for sub in formset.forms if (p := sub.payload(None)) is not None]
    serializer = DatasetInput(
        data={**DatasetForm.payload(lenient, base), "distributions": distributions}
    )
    return {} if serializer.is_valid() else serializer.errors


def errors_into(form, formset, errors: dict, *, only_new: bool = False) -> None:
    """Put the API serializer's errors (keyed by field path) on the form fields they name;
    with `only_new`, not on a field that has an error already."""
    nested = {"contact_point": "contact_", "temporal": "temporal_", "spatial": ""}

    def add(target_form, field, message) -> None:
        if not (only_new and field and field in target_form.errors):
            target_form.add_error(field, message)

    for key, value in errors.items():
        if key == "distributions" and isinstance(value, list | dict):
            # DRF reports item errors as a list (one entry per item) or as {index: errors}.
            by_index = dict(enumerate(value)) if isinstance(value, list) else value
            forms_with_data = [f for f in formset.forms if f.payload(None) is not None]
            for index, sub_errors in by_index.items():
                if not isinstance(sub_errors, dict):
                    add(form, None, str(sub_errors))
                    continue
                if not isinstance(index, int) or index >= len(forms_with_data):
                    continue
                sub = forms_with_data[index]
                for name, messages_ in sub_errors.items():
                    field = name if name in sub.fields else None
                    for message in messages_ if isinstance(messages_, list) else [messages_]:
                        add(sub, field, str(message))
            continue
        if key in nested and isinstance(value, dict):
            for name, messages_ in value.items():
                field = nested[key] + name
                if key == "temporal":
                    field = "temporal_start" if name == "start" else "temporal_end"
                target = field if field in form.fields else None
                for message in messages_ if isinstance(messages_, list) else [messages_]:
                    add(form, target, str(message))
            continue
        target = key if key in form.fields else None
        for message in value if isinstance(value, list) else [value]:
            add(form, target, str(message))
