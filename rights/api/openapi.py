"""The grievance and breach APIs in the OpenAPI document (core.api.schema). Imported by urls.py."""

from drf_spectacular.utils import OpenApiParameter

from core.api.schema import Operations
from core.api.serializers import ErrorOutput, page_of

from ..models import Grievance
from .breach_views import InstitutionBreachDetail, InstitutionBreaches
from .examples import EXAMPLES
from .serializers import (
    BreachInput,
    BreachOutput,
    GrievanceAnswerInput,
    GrievanceInput,
    GrievanceOutput,
    GrievanceStatsOutput,
    GrievanceTextInput,
)
from .views import (
    GrievanceStats,
    InstitutionGrievanceDetail,
    InstitutionGrievanceRespond,
    InstitutionGrievances,
    MyGrievanceDetail,
    MyGrievanceEscalate,
    MyGrievanceResolve,
    MyGrievances,
)

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
WRITE = {**ERRORS, 409: ErrorOutput, 415: ErrorOutput}
PAGE = page_of(GrievanceOutput, "GrievancePage")
STATUS = [OpenApiParameter("status", str, enum=list(Grievance.Status.values), required=False)]

citizen = Operations(
    examples=EXAMPLES,
    auth=[{"citizenToken": []}, {"cookieAuth": []}],
    tags=["citizens: grievances"],
)
citizen(
    MyGrievances,
    "get",
    "me_grievances_list",
    "Your grievances",
    {200: PAGE, **ERRORS},
    parameters=STATUS,
)
citizen(
    MyGrievances,
    "post",
    "me_grievances_create",
    "File a grievance (about an institution, or Suchi itself)",
    {201: GrievanceOutput, **WRITE},
    request=GrievanceInput,
    description="Answers with a reference number and the due date of an answer "
    "(SUCHI_GRIEVANCE_DAYS, at most 90 days: DPDP Rules 2025, rule 14). Past it, the grievance "
    "goes to Suchi's grievance officer by itself.",
)
citizen(
    MyGrievanceDetail,
    "get",
    "me_grievances_retrieve",
    "One of your grievances",
    {200: GrievanceOutput, **ERRORS},
)
citizen(
    MyGrievanceResolve,
    "post",
    "me_grievances_resolve",
    "Accept the answer",
    {200: GrievanceOutput, **WRITE},
    request=None,
)
citizen(
    MyGrievanceEscalate,
    "post",
    "me_grievances_escalate",
    "Not satisfied with the institution's answer: take it to the grievance officer",
    {200: GrievanceOutput, **WRITE},
    request=GrievanceTextInput,
)

institution = Operations(
    examples=EXAMPLES, auth=[{"institutionToken": []}], tags=["grievances: institutions"]
)
institution(
    InstitutionGrievances,
    "get",
    "grievances_list",
    "Grievances citizens filed about this institution",
    {200: PAGE, **ERRORS},
    parameters=STATUS,
)
institution(
    InstitutionGrievanceDetail,
    "get",
    "grievances_retrieve",
    "One grievance",
    {200: GrievanceOutput, **ERRORS},
)
institution(
    InstitutionGrievanceRespond,
    "post",
    "grievances_respond",
    "Answer a grievance (open, or escalated for want of an answer)",
    {200: GrievanceOutput, **WRITE},
    request=GrievanceAnswerInput,
)

Operations(examples=EXAMPLES, auth=[{}], tags=["transparency"])(
    GrievanceStats,
    "get",
    "stats_grievances",
    "Grievance statistics: received, answered in time, overdue, escalated",
    {200: GrievanceStatsOutput},
)

# --- Breach reports (rights/api/breach_views.py) ----------------------------------------------
breaches = Operations(
    examples=EXAMPLES, auth=[{"institutionToken": []}], tags=["breaches: institutions"]
)
breaches(
    InstitutionBreaches,
    "get",
    "breaches_list",
    "The breaches this institution reported",
    {200: page_of(BreachOutput, "BreachPage"), **ERRORS},
)
breaches(
    InstitutionBreaches,
    "post",
    "breaches_create",
    "Report a personal-data breach to the citizens it affected",
    {201: BreachOutput, **WRITE},
    request=BreachInput,
    description="DPDP Act 2023 s.8(6), DPDP Rules 2025 rule 7: name the datasets (the "
    "institution's own, or received under consent) and consent artefacts the breach touched, "
    "and give the five things rule 7(1) says each citizen is told. Suchi tells each affected "
    "citizen once, in their language (inbox, e-mail, SMS as they chose): the citizens of the "
    "artefacts named, and of every artefact of the institution's covering a dataset named. "
    "`affected` and `notified_at` are set once they have been told; `delivery` counts the "
    "notifications by channel and status. Reports cannot be deleted.",
)
breaches(
    InstitutionBreachDetail,
    "get",
    "breaches_retrieve",
    "One breach report, with how its notifications fared",
    {200: BreachOutput, **ERRORS},
)
