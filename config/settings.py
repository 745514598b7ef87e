"""Suchi settings: one module, read from the environment.

Unset variables give the embedded default (SQLite under var/, tasks run in-process, local-memory
cache), so `make run` needs no configuration. Production sets DEBUG=0 and must provide SECRET_KEY.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from config.database import databases
from config.env import env_bool, env_float, env_int, env_list, env_str
from config.schedule import CELERY_BEAT_SCHEDULE  # noqa: F401 (a setting)
from core.logging import logging_config
from core.mail import email_settings
from core.queues import all_queues

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SUCHI_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
SUCHI_SITE_URL = env_str("SUCHI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    *("rest_framework", "drf_spectacular", "drf_spectacular_sidecar"),
    *("core", "registry", "catalog", "consent", "harvest", "exchange", "identity", "rights"),
    *("transparency", "web"),
]

MIDDLEWARE = [
    "config.metrics.MetricsMiddleware",
    "core.middleware.UnknownMethodMiddleware",
    "core.middleware.RequestIdMiddleware",
    "core.dbhealth.DatabaseHealthMiddleware",  # Django's SELECT 1, without the round trip
    # A view whose database connection failed or dropped answers 503 with Retry-After.
    "core.middleware.DatabaseUnavailableMiddleware",
    # Anonymous catalogue reads from a replica, when DATABASE_REPLICA_URLS names any.
    "core.replicas.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages speak the reader's language (cookie, then Accept-Language); the APIs stay English.
    "core.middleware.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Weak ETags from the body and 304s for If-None-Match / If-Modified-Since on GET.
    "django.middleware.http.ConditionalGetMiddleware",
    "core.middleware.CorsForReadsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A strict Content-Security-Policy on HTML pages; no caching of portal and console pages.
    "core.middleware.PageSecurityMiddleware",
]

if not DEBUG:
    # Production serves collected static files itself (admin, API docs); `runserver` does in dev.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Site-wide templates (the base layout the catalogue, portal and console extend).
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
# Read replicas, a pooler in transaction mode: config/database.py, docs/operations.md.
DATABASES = databases(
    url=DATABASE_URL,
    replica_urls=env_list("DATABASE_REPLICA_URLS"),
    var_dir=VAR_DIR,
    conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    pooler=env_str("DATABASE_POOLER"),
)
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# Catalogue reads leave a replica whose lag passes this bound (seconds); checked this often.
SUCHI_REPLICA_MAX_LAG = env_float("SUCHI_REPLICA_MAX_LAG", 5.0)
SUCHI_REPLICA_CHECK_INTERVAL = env_float("SUCHI_REPLICA_CHECK_INTERVAL", 1.0)
# Record tables partitioned by month (core/partitions.py) and the months each keeps: at least
# 84 (seven years) whatever is set here.
SUCHI_PARTITION_RETENTION_MONTHS = env_int("SUCHI_PARTITION_RETENTION_MONTHS", 84)
SUCHI_PARTITIONED = dict.fromkeys(
    (
        "consent_consentevent",
        "consent_accessreceipt",
        "consent_webhookdelivery",
        "exchange_exchangeevent",
        "exchange_agreementreceipt",
    ),
    SUCHI_PARTITION_RETENTION_MONTHS,
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "suchi",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run in the process that queued them (after the transaction commits).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env_str("SUCHI_CELERY_QUEUE", "suchi")
# A queue per kind of work (core/queues.py); a worker without --queues serves them all.
CELERY_TASK_QUEUES = [Queue(name) for name in all_queues(CELERY_TASK_DEFAULT_QUEUE)]
CELERY_TASK_ROUTES = ("core.queues.route",)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env_int("SUCHI_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("SUCHI_TASK_SOFT_TIME_LIMIT", 240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request queuing a job must not hang on a broker outage: fail fast (the sweeper requeues).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message a worker took but never acknowledged comes back after this long.
    "visibility_timeout": env_int("SUCHI_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The embedded default (core/inprocess.py): these jobs, and those they queue, run on web threads.
SUCHI_INPROCESS_TASKS = ["harvest.tasks.run_harvest_job", "rights.tasks.notify_breach",
                         "catalog.tasks.validate_document_job"]  # fmt: skip
# SQLite has one writer: two writing threads starve each other past its busy timeout: one thread.
SUCHI_INPROCESS_WORKERS = env_int(
    "SUCHI_INPROCESS_WORKERS",
    1 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 2,
)
# The beat entries the web process runs itself on a timer in the embedded default.
SUCHI_INPROCESS_SCHEDULE = env_list(
    "SUCHI_INPROCESS_SCHEDULE",
    "sweep-validation-runs,sweep-harvest-jobs,schedule-harvests,schedule-rechecks,notify-citizens,"
    "escalate-grievances,sweep-breach-notices,end-guardianships-at-majority",
)
# Run as an embedded web process starts: the last one's queue died with it, so settle or requeue
# ("process-start", core.inprocess.PROCESS_START: the instant the process started).
SUCHI_STARTUP_SWEEPS = [
    ("harvest.tasks.sweep_harvest_jobs", {"startup": True}),
    ("registry.tasks.sweep_validation_runs", {"before": "process-start"}),
]

# --- Mail and SMS for citizens' codes and notices (core/mail.py, identity/delivery.py) -----------
EMAIL_URL = env_str("EMAIL_URL", "consolemail://" if DEBUG else "smtp://localhost:25")
globals().update(email_settings(EMAIL_URL, production=not DEBUG))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Suchi <no-reply@suchi.example>")
SUCHI_SMS_GATEWAY_URL = env_str("SUCHI_SMS_GATEWAY_URL", "")

# --- Suchi ---------------------------------------------------------------------------------------
# A validation run still queued or running after this many seconds is re-queued by the sweeper.
SUCHI_RUN_STALE_AFTER = env_int("SUCHI_RUN_STALE_AFTER", 600)
SUCHI_RUN_MAX_ATTEMPTS = env_int("SUCHI_RUN_MAX_ATTEMPTS", 5)
# Validation runs go this many to a job, recorded in one transaction; a job starts no new run after
# SUCHI_RUN_BATCH_SECONDS (within the task limit and SUCHI_RUN_STALE_AFTER), requeues the rest.
SUCHI_RUN_BATCH = env_int("SUCHI_RUN_BATCH", 50)
SUCHI_RUN_BATCH_SECONDS = env_int("SUCHI_RUN_BATCH_SECONDS", 60)
# A batch's URLs are fetched concurrently (checks/fetches.py): this many, N per host at most.
SUCHI_LINK_CHECKS = env_int("SUCHI_LINK_CHECKS", 32)
SUCHI_LINK_CHECKS_PER_HOST = env_int("SUCHI_LINK_CHECKS_PER_HOST", 6)
# Published datasets are re-validated once per interval (default daily), each at its own phase.
SUCHI_RECHECK_INTERVAL = env_int("SUCHI_RECHECK_INTERVAL", 86400)
SUCHI_RECHECK_BATCH = env_int("SUCHI_RECHECK_BATCH", 1000)
# A dataset whose source failed this many checks in a row is flagged as unreachable.
SUCHI_SOURCE_FLAG_AFTER = env_int("SUCHI_SOURCE_FLAG_AFTER", 3)
# `host:port` pairs whose sources may be on non-public addresses (tests, private deployments).
SUCHI_SOURCE_ALLOWLIST = env_list("SUCHI_SOURCE_ALLOWLIST")
# Anonymous API requests per client IP (DRF rate syntax); empty turns the limit off.
SUCHI_ANON_RATE = env_str("SUCHI_ANON_RATE", "1200/minute")
SUCHI_MAX_BODY_BYTES = env_int("SUCHI_MAX_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SUCHI_MAX_BODY_BYTES

# --- Operations ----------------------------------------------------------------------------------
# When set, /metrics answers only requests with `Authorization: Bearer <this>`. Without it, and
# with DEBUG off, only clients on these networks (CIDR, comma-separated) may scrape.
SUCHI_METRICS_TOKEN = env_str("SUCHI_METRICS_TOKEN")
SUCHI_METRICS_NETWORKS = env_list("SUCHI_METRICS_NETWORKS", "127.0.0.0/8,::1/128")

# --- Harvesting ----------------------------------------------------------------------------------
# A catalogue (or a data.json) may be this large; it is parsed as a stream, never held whole.
SUCHI_HARVEST_MAX_BYTES = env_int("SUCHI_HARVEST_MAX_BYTES", 512 * 1024 * 1024)
# One page of a paged source (CKAN, Suchi, a DCAT page) is read whole, up to this.
SUCHI_HARVEST_MAX_PAGE_BYTES = env_int("SUCHI_HARVEST_MAX_PAGE_BYTES", 64 * 1024 * 1024)
SUCHI_HARVEST_MAX_PAGES = env_int("SUCHI_HARVEST_MAX_PAGES", 100000)
# A source that sends nothing for this long fails the job; a whole fetch has this deadline.
SUCHI_HARVEST_READ_TIMEOUT = env_int("SUCHI_HARVEST_READ_TIMEOUT", 30)
SUCHI_HARVEST_TIMEOUT = env_int("SUCHI_HARVEST_TIMEOUT", 3600)
# A passing failure (no answer, a reset, HTTP 429, 502, 503, 504) is tried again this many times,
# after the source's Retry-After (if it asks for no more than the wait below, in s) or 1, 2, 4 … s.
SUCHI_HARVEST_RETRIES = env_int("SUCHI_HARVEST_RETRIES", 3)
SUCHI_HARVEST_RETRY_MAX_WAIT = env_int("SUCHI_HARVEST_RETRY_MAX_WAIT", 120)
# A running job whose heartbeat is older than this is failed by the sweep (its worker died).
SUCHI_HARVEST_HEARTBEAT_TIMEOUT = env_int("SUCHI_HARVEST_HEARTBEAT_TIMEOUT", 300)
SUCHI_HARVEST_IMPORT_BATCH = env_int("SUCHI_HARVEST_IMPORT_BATCH", 200)  # staged records a txn
# A harvested record is published before its links are checked, by a re-check this much later.
SUCHI_HARVEST_LINK_CHECK_DELAY = env_int("SUCHI_HARVEST_LINK_CHECK_DELAY", 60)

# --- Consent -------------------------------------------------------------------------------------
# The Ed25519 private key artefacts and webhooks are signed with (PEM, PKCS#8). Generated on
# first use only when DEBUG is on; in production create it with `manage.py rotate_signing_key`.
SUCHI_SIGNING_KEY_FILE = env_str("SUCHI_SIGNING_KEY_FILE", str(VAR_DIR / "signing-key.pem"))
# A retired key stays in /.well-known/jwks.json this long (and while artefacts it signed live).
SUCHI_SIGNING_KEY_GRACE_DAYS = env_int("SUCHI_SIGNING_KEY_GRACE_DAYS", 30)
# Signed ledger checkpoints are appended here too, a JSON line each: storage DB writers can't edit.
SUCHI_LEDGER_CHECKPOINT_LOG = env_str(
    "SUCHI_LEDGER_CHECKPOINT_LOG", str(VAR_DIR / "ledger-checkpoints.jsonl")
)
# Names this consent manager inside artefacts (`consent_manager`).
SUCHI_CONSENT_MANAGER_ID = env_str("SUCHI_CONSENT_MANAGER_ID", SUCHI_SITE_URL)
# A request the citizen has not answered expires after this many days (or at its expiry).
SUCHI_CONSENT_REQUEST_TTL_DAYS = env_int("SUCHI_CONSENT_REQUEST_TTL_DAYS", 30)
# Days an institution (or the grievance officer) has to answer a grievance: published on the
# portal; the DPDP Rules 2025 (rule 14) allow at most 90.
SUCHI_GRIEVANCE_DAYS = env_int("SUCHI_GRIEVANCE_DAYS", 30)
if not 1 <= SUCHI_GRIEVANCE_DAYS <= 90:
    raise ImproperlyConfigured("SUCHI_GRIEVANCE_DAYS must be between 1 and 90 (DPDP rule 14).")
# Years a consent manager's records are kept before they may be deleted (DPDP Rules 2025,
# First Schedule: at least seven).
SUCHI_RECORD_RETENTION_YEARS = max(7, env_int("SUCHI_RECORD_RETENTION_YEARS", 7))
# Days a consumer has to erase what it received once the citizen revokes the consent.
SUCHI_ERASURE_GRACE_DAYS = env_int("SUCHI_ERASURE_GRACE_DAYS", 30)
# Lifetime of the bearer tokens citizens' apps get from /api/v1/auth/token.
SUCHI_CITIZEN_TOKEN_TTL = env_int("SUCHI_CITIZEN_TOKEN_TTL", 900)
# Password attempts per client IP at /api/v1/auth/token (DRF rate syntax; empty: no limit).
SUCHI_AUTH_RATE = env_str("SUCHI_AUTH_RATE", "10/minute")
# Webhooks: per-attempt timeout, first retry delay (doubling, capped at 1 h), give up after.
SUCHI_WEBHOOK_TIMEOUT = env_int("SUCHI_WEBHOOK_TIMEOUT", 10)
# Catalogue search (docs/api.md): relevance orders at most this many of the newest matches, and
# on PostgreSQL a result set with at least this many matches in the 1/32 sample is estimated.
SUCHI_SEARCH_RELEVANCE_WINDOW = env_int("SUCHI_SEARCH_RELEVANCE_WINDOW", 1000)
SUCHI_SEARCH_SAMPLE_MIN = env_int("SUCHI_SEARCH_SAMPLE_MIN", 200)
# Anonymous catalogue reads answered from the shared cache (core/response_cache.py; PostgreSQL).
SUCHI_ANSWER_CACHE = env_bool("SUCHI_ANSWER_CACHE", True)
SUCHI_STATS_TTL = env_int("SUCHI_STATS_TTL", 600)  # seconds /stats and /quality figures are kept
SUCHI_VALIDATOR_MAX_BYTES = env_int("SUCHI_VALIDATOR_MAX_BYTES", 16 * 1024 * 1024)
SUCHI_VALIDATOR_SECONDS = env_int("SUCHI_VALIDATOR_SECONDS", 25)  # under gunicorn's 30 s
SUCHI_VALIDATOR_MEMORY_BYTES = env_int("SUCHI_VALIDATOR_MEMORY_BYTES", 2 * 1024**3)
SUCHI_VALIDATOR_RATE = env_str("SUCHI_VALIDATOR_RATE", "20/minute")  # per client, beside ANON
SUCHI_VALIDATOR_CONCURRENCY = env_int("SUCHI_VALIDATOR_CONCURRENCY", 2)  # checks in requests, site
SUCHI_VALIDATOR_JOB_SECONDS = env_int("SUCHI_VALIDATOR_JOB_SECONDS", 200)  # queued: a worker's
SUCHI_VALIDATOR_JOB_TTL = env_int("SUCHI_VALIDATOR_JOB_TTL", 86400)  # a report waits this long
SUCHI_WEBHOOK_RETRY_BASE = float(env_str("SUCHI_WEBHOOK_RETRY_BASE", "30"))
SUCHI_WEBHOOK_GIVE_UP_HOURS = env_int("SUCHI_WEBHOOK_GIVE_UP_HOURS", 24)

# --- Auth, i18n, static ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
TIME_ZONE = "UTC"  # APIs speak UTC; pages convert to the reader's zone
USE_I18N = True
# The Hindi catalogue: locale/hi/LC_MESSAGES/django.po, compiled to .mo by `make install`.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "suchi_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Portal and console pages show times in this zone (the APIs answer in UTC).
SUCHI_PAGE_TIME_ZONE = env_str("SUCHI_PAGE_TIME_ZONE", "Asia/Kolkata")
LOGIN_URL = "portal-login"
# Wrong passwords, at every sign-in (API token, portal, console, admin; core/lockout.py):
# one account from one address: this many free, then waits doubling up to the max (seconds);
SUCHI_LOGIN_FREE_FAILURES = env_int("SUCHI_LOGIN_FREE_FAILURES", 5)
SUCHI_LOGIN_MAX_DELAY = env_int("SUCHI_LOGIN_MAX_DELAY", 900)
# one account from anywhere: this many free, then waits doubling up to a short max;
SUCHI_LOGIN_ACCOUNT_FAILURES = env_int("SUCHI_LOGIN_ACCOUNT_FAILURES", 20)
SUCHI_LOGIN_ACCOUNT_MAX_DELAY = env_int("SUCHI_LOGIN_ACCOUNT_MAX_DELAY", 60)
# one address, any account: this many in the window and that address waits the window out.
SUCHI_LOGIN_MAX_FAILURES = env_int("SUCHI_LOGIN_MAX_FAILURES", 50)
SUCHI_LOGIN_FAILURE_WINDOW = env_int("SUCHI_LOGIN_FAILURE_WINDOW", 900)
SUCHI_SIGNUP_PER_HOUR = env_int("SUCHI_SIGNUP_PER_HOUR", 10)  # portal sign-ups, one address
USE_TZ = True

STATIC_URL = "static/"
# Site-wide assets (the one stylesheet of the public pages); apps keep their own in static/.
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- REST framework and OpenAPI ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["registry.api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.StrictJSONParser"],
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "core.api.metadata.Metadata",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttles.AnonymousRateThrottle"],
    # Trusted proxies in front of the app, for the client IP in X-Forwarded-For. 0, not None:
    # DRF's None takes the whole header, letting any client choose its rate-limit identity.
    "NUM_PROXIES": env_int("SUCHI_NUM_PROXIES", 0),
    # `format` is a search filter (distribution format), not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Suchi API",
    "DESCRIPTION": "Federated data registry, open catalogue and consent manager.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api.schema.document_not_acceptable",
    ],
}
# A harvest job's status appears in two components (the job, and the job with its report).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "HarvestJobStatusEnum": "harvest.models.HarvestJobStatus",
}

# --- Security ------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Logging: one JSON object a line, each carrying the request id -----------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logging_config(LOG_LEVEL)
