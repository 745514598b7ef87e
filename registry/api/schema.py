"""OpenAPI description of our bearer-token authentication (imported in RegistryConfig.ready),
and of the answers every operation may give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "registry.api.auth.ApiTokenAuthentication"
    name = "institutionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An institution's API token, `suchi_<prefix>_<secret>`, issued with "
            "`manage.py issue_token` or from the institution console. Reads need none.",
        }


_METHODS = ("get", "put", "post", "patch", "delete")


def document_not_acceptable(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation answers 406 when the Accept header
    admits no type it sends (the API sends JSON), in the usual error shape."""
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method in _METHODS:
                operation["responses"].setdefault(
                    "406",
                    {
                        "description": "The Accept header admits no type this operation sends "
                        "(application/json).",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorOutput"}
                            }
                        },
                    },
                )
    return result
