"""The periodic work Celery beat runs (and, embedded, the web process: SUCHI_INPROCESS_SCHEDULE).
Each interval in seconds, most of them set by a variable (docs/operations.md)."""

from config.env import env_int

CELERY_BEAT_SCHEDULE = {
    "sweep-validation-runs": {
        "task": "registry.tasks.sweep_validation_runs",
        "schedule": env_int("SUCHI_SWEEP_INTERVAL", 60),
    },
    "schedule-rechecks": {
        "task": "registry.tasks.schedule_rechecks",
        "schedule": env_int("SUCHI_RECHECK_SCHEDULER_INTERVAL", 300),
    },
    "expire-consents": {
        "task": "consent.tasks.expire_consents",
        "schedule": env_int("SUCHI_CONSENT_EXPIRY_INTERVAL", 60),
    },
    "expire-agreements": {  # data-use agreements, on the consents' interval
        "task": "exchange.tasks.expire_agreements",
        "schedule": env_int("SUCHI_CONSENT_EXPIRY_INTERVAL", 60),
    },
    "checkpoint-ledger": {
        "task": "consent.tasks.checkpoint_ledger",
        "schedule": env_int("SUCHI_LEDGER_CHECKPOINT_INTERVAL", 3600),
    },
    "deliver-due-webhooks": {
        "task": "consent.tasks.deliver_due_webhooks",
        "schedule": env_int("SUCHI_WEBHOOK_SWEEP_INTERVAL", 30),
    },
    "schedule-harvests": {
        "task": "harvest.tasks.schedule_harvests",
        "schedule": env_int("SUCHI_HARVEST_SCHEDULER_INTERVAL", 60),
    },
    "fold-facet-counts": {
        "task": "catalog.tasks.fold_facet_counts",
        "schedule": env_int("SUCHI_FACET_FOLD_INTERVAL", 60),
    },
    "sweep-harvest-jobs": {
        "task": "harvest.tasks.sweep_harvest_jobs",
        "schedule": env_int("SUCHI_HARVEST_SWEEP_INTERVAL", 60),
    },
    "notify-citizens": {  # citizens' 24-hour reminders, and e-mail/SMS retries (identity)
        "task": "identity.tasks.sweep_notifications",
        "schedule": env_int("SUCHI_NOTIFICATION_SWEEP_INTERVAL", 60),
    },
    "escalate-grievances": {  # grievances past their due date go to the grievance officer
        "task": "rights.tasks.escalate_grievances",
        "schedule": env_int("SUCHI_GRIEVANCE_SWEEP_INTERVAL", 300),
    },
    "sweep-breach-notices": {"task": "rights.tasks.sweep_breach_notices", "schedule": 300},
    "ensure-partitions": {"task": "core.tasks.ensure_partitions", "schedule": 86400},
    "warm-statistics": {  # /stats and /quality counted ahead of their readers (transparency/)
        "task": "transparency.tasks.warm_statistics",
        "schedule": env_int("SUCHI_STATS_WARM_INTERVAL", 300),
    },
    "end-guardianships-at-majority": {  # a child's guardianship ends at 18 (DPDP Act s.9)
        "task": "identity.tasks.end_guardianships_at_majority",
        "schedule": 3600,
    },
}
