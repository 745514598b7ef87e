"""Consent services: the only code that writes consent rows."""

from .artefacts import (
    ReceiptInput,
    artefact_for_citizen,
    artefact_for_party,
    artefact_pause,
    artefact_resume,
    artefact_revoke,
    artefact_status,
    consent_withdraw,
    consents_expire,
    receipt_record,
)
from .checkpoints import export_checkpoint, ledger_checkpoint_write
from .citizens import (
    citizen_create,
    citizen_set_language,
    citizen_token_authenticate,
    citizen_token_for,
    citizen_token_issue,
)
from .erasure import erase_by, erasure_confirm, erasure_state, erasures_of_consumer
from .events import outbox_write, webhook_event_types, webhook_event_types_register
from .requests import (
    consent_deny,
    consent_grant,
    consent_request_cancel,
    consent_request_create,
)
from .terms import Period
from .webhooks import (
    webhook_deliver,
    webhook_deliveries_due,
    webhook_endpoint_create,
    webhook_endpoint_disable,
)

__all__ = [
    "Period",
    "ReceiptInput",
    "artefact_for_citizen",
    "artefact_for_party",
    "artefact_pause",
    "artefact_resume",
    "artefact_revoke",
    "artefact_status",
    "citizen_create",
    "citizen_set_language",
    "citizen_token_authenticate",
    "citizen_token_for",
    "citizen_token_issue",
    "consent_deny",
    "consent_grant",
    "consent_request_cancel",
    "consent_request_create",
    "consent_withdraw",
    "consents_expire",
    "erase_by",
    "erasure_confirm",
    "erasure_state",
    "erasures_of_consumer",
    "export_checkpoint",
    "ledger_checkpoint_write",
    "outbox_write",
    "receipt_record",
    "webhook_deliver",
    "webhook_deliveries_due",
    "webhook_endpoint_create",
    "webhook_endpoint_disable",
    "webhook_event_types",
    "webhook_event_types_register",
]
