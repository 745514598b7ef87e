"""How an app describes its API operations for the OpenAPI document: beside each `api/views`
module, an `api/openapi.py` declares every operation in one call, and the app's `api/urls.py`
imports it, so the descriptions are in place wherever the URLs (and so the schema) are loaded.
The views carry no schema decorators."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_view


class Operations:
    """The operations of one audience. `shared` (usually `auth` and `tags`) goes to every
    operation's `extend_schema` unless the operation gives its own; an operation's examples are
    `examples[operation_id]`, so each is declared once, in examples.py."""

    def __init__(self, *, examples: dict, **shared):
        self.examples = examples
        self.shared = shared

    def __call__(self, view: type, method: str, operation_id: str, summary: str, responses, **kw):
        """Describe `view`'s handler for `method` (drf-spectacular's `extend_schema_view`)."""
        schema = extend_schema(
            operation_id=operation_id,
            summary=summary,
            responses=responses,
            examples=self.examples[operation_id],
            **{**self.shared, **kw},
        )
        extend_schema_view(**{method: schema})(view)


def one_mount(ops: Operations, view: type, method: str, *args, **kw) -> type:
    """The schema class `ops(view, method, *args, **kw)` would give `view`, for one mount."""
    stand_in = type(view.__name__, (view,), {})
    ops(stand_in, method, *args, **kw)
    return getattr(stand_in, method).kwargs["schema"]


def by_mount(view: type, method: str, attr: str, schemas: dict) -> None:
    """Describe `view`'s `method` per mount: `schemas` maps the value of `attr` a mount gives
    the view (`as_view(attr=…)`) to that mount's schema class (`one_mount`)."""

    class ByMount(AutoSchema):
        def get_operation(self, path, path_regex, path_prefix, method, registry):
            mounted = schemas[getattr(self.view, attr)]()
            mounted.view = self.view
            return mounted.get_operation(path, path_regex, path_prefix, method, registry)

    def use(handler):
        handler.kwargs = {**getattr(handler, "kwargs", {}), "schema": ByMount}
        return handler

    extend_schema_view(**{method: use})(view)
