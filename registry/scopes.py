"""API token scopes: what a token may do. A token holds a subset of these."""

SCOPES: dict[str, str] = {
    "datasets:write": "Register, update and withdraw the institution's datasets",
    "consents:request": "Ask citizens for consent and read the resulting artefacts",
    "consents:verify": "Check artefact status and report data access as a provider",
    "webhooks:write": "Manage the institution's webhook endpoints",
    "access:request": "Request access to restricted datasets and follow the agreements issued",
    "access:review": "Review access requests, issue and revoke agreements, check their status "
    "and record releases, as a provider",
    "grievances:answer": "Read and answer the grievances citizens file about the institution",
    "breaches:report": "Report personal-data breaches to the citizens affected",
}
