"""Consent API: thin views, one module per audience. Input serializer validates → service
writes → output serializer renders.

- `public`: purposes, JWKS;
- `consumers` (token scope `consents:request`): requests, and the artefacts they led to;
- `providers` (`consents:verify`): status checks, receipts;
- `webhooks`: an institution's endpoints and deliveries;
- `citizens` (`/me/…`, a citizen token or the portal session).

Their OpenAPI descriptions are in `consent/api/openapi.py`, by the same audiences.
"""
