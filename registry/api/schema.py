"""OpenAPI description of our bearer-token authentication (imported in RegistryConfig.ready)."""

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
