"""What an OPTIONS request answers (DRF's metadata)."""

from rest_framework.metadata import SimpleMetadata


class Metadata(SimpleMetadata):
    """DRF's answer, describing the fields of a view's POST and PUT only where the view has a
    serializer. DRF asks every view it may describe for one, and a view that reads its body
    itself (an action: grant, revoke, respond) has none: an outside probe had a 500 from 23
    endpoints for any signed-in OPTIONS. The OpenAPI schema describes those bodies."""

    def determine_actions(self, request, view):
        # Imported here: DRF imports this class while rest_framework.views is half-loaded.
        from rest_framework.generics import GenericAPIView

        declared = getattr(view, "serializer_class", None) is not None or (
            type(view).get_serializer_class is not GenericAPIView.get_serializer_class
        )
        return super().determine_actions(request, view) if declared else {}
