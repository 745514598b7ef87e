from django.urls import path

from . import (
    console,
    console_breaches,
    console_exchange,
    console_grievances,
    console_harvest,
    console_nominations,
    portal,
    portal_account,
    portal_grievances,
    portal_guardian,
    portal_inbox,
    portal_links,
    portal_nomination,
    portal_otp,
    portal_records,
    views,
)

portal_urls = [
    path("", portal.dashboard, name="portal"),
    path("login", portal.login_view, name="portal-login"),
    path("login/code", portal_otp.ask_code, name="portal-login-code"),
    path("login/code/verify", portal_otp.verify_code, name="portal-login-code-verify"),
    path("logout", portal.logout_view, name="portal-logout"),
    path("signup", portal.signup, name="portal-signup"),
    path("account", portal_account.account, name="portal-account"),
    path("account/password", portal_account.password_change, name="portal-password"),
    path("account/language", portal_account.language_preference, name="portal-language"),
    path("requests/<uuid:pk>", portal.request_detail, name="portal-request"),
    path("requests/<uuid:pk>/grant", portal.request_grant, name="portal-request-grant"),
    path("requests/<uuid:pk>/deny", portal.request_deny, name="portal-request-deny"),
    path("requests/<uuid:pk>/withdraw", portal.request_withdraw, name="portal-request-withdraw"),
    path("consents", portal.consent_list, name="portal-consents"),
    path("consents/<uuid:pk>", portal.consent_detail, name="portal-consent"),
    path("consents/<uuid:pk>/<str:action>", portal.consent_action, name="portal-consent-action"),
    path("access-log", portal.access_log, name="portal-access-log"),
    path("history", portal.history, name="portal-history"),
    path("inbox", portal_inbox.inbox, name="portal-inbox"),
    path("grievances", portal_grievances.grievances, name="portal-grievances"),
    path("grievances/<uuid:pk>", portal_grievances.grievance_detail, name="portal-grievance"),
    path(
        "grievances/<uuid:pk>/<str:action>",
        portal_grievances.grievance_action,
        name="portal-grievance-action",
    ),
    path("guardian", portal_guardian.guardian, name="portal-guardian"),
    path(
        "guardian/<uuid:pk>/<str:action>",
        portal_guardian.guardian_action,
        name="portal-guardian-action",
    ),
    path(
        "guardian/<uuid:pk>/ward/<uuid:item>/<str:action>",
        portal_guardian.ward_action,
        name="portal-ward-action",
    ),
    path("nomination", portal_nomination.nomination, name="portal-nomination"),
    path(
        "nomination/withdraw",
        portal_nomination.nomination_withdraw,
        name="portal-nomination-withdraw",
    ),
    path(
        "nomination/<uuid:pk>/<str:action>",
        portal_nomination.nominee_action,
        name="portal-nominee-action",
    ),
    path(
        "nomination/<uuid:pk>/consents/<uuid:artefact>/revoke",
        portal_nomination.nominee_revoke,
        name="portal-nominee-revoke",
    ),
    path("accounts", portal_links.accounts, name="portal-accounts"),
    path("accounts/discover", portal_links.discover, name="portal-account-discover"),
    path("accounts/discoveries/<uuid:pk>", portal_links.discovery, name="portal-account-discovery"),
    path(
        "accounts/discoveries/<uuid:pk>/next",
        portal_links.discovery_step,
        name="portal-account-discovery-step",
    ),
    path("accounts/<uuid:pk>/delink", portal_links.delink, name="portal-account-delink"),
    path("inbox/preferences", portal_inbox.preferences, name="portal-inbox-preferences"),
    path("export", portal.export, name="portal-export"),
    path("export/report", portal_records.report, name="portal-report"),
    path("account/close", portal_records.close_account, name="portal-account-close"),
]

console_urls = [
    path("", console.home, name="console"),
    path("login", console.login_view, name="console-login"),
    path("logout", portal.logout_view, name="console-logout"),
    path("<slug:slug>/", console.overview, name="console-overview"),
    path("<slug:slug>/datasets/new", console.dataset_create, name="console-dataset-new"),
    path("<slug:slug>/datasets/<uuid:pk>", console.dataset_detail, name="console-dataset"),
    path("<slug:slug>/datasets/<uuid:pk>/edit", console.dataset_edit, name="console-dataset-edit"),
    path(
        "<slug:slug>/datasets/<uuid:pk>/data-card",
        console.dataset_card_edit,
        name="console-dataset-card",
    ),
    path(
        "<slug:slug>/datasets/<uuid:pk>/withdraw",
        console.dataset_withdraw_view,
        name="console-dataset-withdraw",
    ),
    path(
        "<slug:slug>/datasets/<uuid:pk>/revalidate",
        console.dataset_revalidate_view,
        name="console-dataset-revalidate",
    ),
    path("<slug:slug>/tokens", console.tokens, name="console-tokens"),
    path(
        "<slug:slug>/tokens/<int:token_id>/revoke",
        console.token_revoke_view,
        name="console-token-revoke",
    ),
    path("<slug:slug>/webhooks", console.webhooks, name="console-webhooks"),
    path(
        "<slug:slug>/webhooks/<uuid:pk>/disable",
        console.webhook_disable_view,
        name="console-webhook-disable",
    ),
    path("<slug:slug>/consent-requests", console.consent_requests, name="console-requests"),
    path(
        "<slug:slug>/harvest-jobs/<int:pk>",
        console_harvest.harvest_job,
        name="console-harvest-job",
    ),
    path(
        "<slug:slug>/harvest-sources",
        console_harvest.harvest_source_add,
        name="console-harvest-source-add",
    ),
    path(
        "<slug:slug>/harvest-sources/<uuid:pk>/run",
        console_harvest.harvest_source_run,
        name="console-harvest-source-run",
    ),
    # --- grievances (web/console_grievances.py) ---
    path("<slug:slug>/grievances", console_grievances.grievances, name="console-grievances"),
    path(
        "<slug:slug>/grievances/<uuid:pk>",
        console_grievances.grievance_detail,
        name="console-grievance",
    ),
    path(
        "<slug:slug>/grievances/<uuid:pk>/answer",
        console_grievances.grievance_answer_view,
        name="console-grievance-answer",
    ),
    # --- breach reports (web/console_breaches.py) ---
    path("<slug:slug>/breaches", console_breaches.breaches, name="console-breaches"),
    path("<slug:slug>/breaches/new", console_breaches.breach_new, name="console-breach-new"),
    path(
        "<slug:slug>/breaches/<uuid:pk>",
        console_breaches.breach_detail,
        name="console-breach",
    ),
    path("grievance-officer", console_grievances.officer, name="console-grievance-officer"),
    path(
        "grievance-officer/nominations",
        console_nominations.nominations,
        name="console-nominations",
    ),
    path(
        "grievance-officer/nominations/<uuid:pk>/review",
        console_nominations.nomination_review_view,
        name="console-nomination-review",
    ),
    path(
        "grievance-officer/<uuid:pk>",
        console_grievances.officer_detail,
        name="console-grievance-officer-detail",
    ),
    path(
        "grievance-officer/<uuid:pk>/answer",
        console_grievances.officer_answer_view,
        name="console-grievance-officer-answer",
    ),
    # --- the data exchange (web/console_exchange.py) ---
    path(
        "request-access/<uuid:dataset>",
        console_exchange.request_access,
        name="console-request-access",
    ),
    path(
        "<slug:slug>/access-requests",
        console_exchange.access_requests,
        name="console-access-requests",
    ),
    path(
        "<slug:slug>/access-requests/new",
        console_exchange.access_request_new,
        name="console-access-request-new",
    ),
    path(
        "<slug:slug>/access-requests/<uuid:pk>",
        console_exchange.access_request_detail,
        name="console-access-request",
    ),
    path(
        "<slug:slug>/access-requests/<uuid:pk>/message",
        console_exchange.access_request_message_view,
        name="console-access-request-message",
    ),
    path(
        "<slug:slug>/access-requests/<uuid:pk>/approve",
        console_exchange.access_request_approve_view,
        name="console-access-request-approve",
    ),
    path(
        "<slug:slug>/access-requests/<uuid:pk>/reject",
        console_exchange.access_request_reject_view,
        name="console-access-request-reject",
    ),
    path(
        "<slug:slug>/access-requests/<uuid:pk>/withdraw",
        console_exchange.access_request_withdraw_view,
        name="console-access-request-withdraw",
    ),
    path(
        "<slug:slug>/agreements/<uuid:pk>",
        console_exchange.agreement_detail,
        name="console-agreement",
    ),
    path(
        "<slug:slug>/agreements/<uuid:pk>/<str:action>",
        console_exchange.agreement_action,
        name="console-agreement-action",
    ),
    path(
        "<slug:slug>/exchange-policy",
        console_exchange.exchange_policy,
        name="console-exchange-policy",
    ),
]

urlpatterns = [path("language", views.language, name="language")]
