"""The harvest API in the OpenAPI document: one call per operation (core.api.schema). Imported
by urls.py."""

from core.api.schema import Operations
from core.api.serializers import ErrorOutput, page_of

from .examples import EXAMPLES
from .serializers import HarvestJobOutput, HarvestSourceInput, HarvestSourceOutput
from .views import (
    HarvestJobAbort,
    HarvestJobDetail,
    HarvestSourceDetail,
    HarvestSourceJobs,
    HarvestSourceListCreate,
)

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
ERRORS_WRITE = {**ERRORS, 409: ErrorOutput}

harvest = Operations(examples=EXAMPLES, auth=[{"institutionToken": []}], tags=["harvest"])
harvest(
    HarvestSourceListCreate,
    "get",
    "harvest_sources_list",
    "Your institution's harvest sources",
    {200: HarvestSourceOutput(many=True), **ERRORS},
)
harvest(
    HarvestSourceListCreate,
    "post",
    "harvest_sources_create",
    "Harvest another catalogue into your datasets",
    {201: HarvestSourceOutput, **ERRORS_WRITE},
    request=HarvestSourceInput,
    description="Kinds: `dcat` (Turtle, RDF/XML or JSON-LD, following hydra paging), `ckan` "
    "(the Action API at the URL), `datajson` (a DCAT-US 1.1 data.json) and `suchi` (another "
    "Suchi node's REST API, lossless). Scheduled sources run from beat; every run withdraws "
    "datasets gone from the source after `withdraw_grace_hours`.",
)
harvest(
    HarvestSourceDetail,
    "get",
    "harvest_sources_retrieve",
    "A harvest source",
    {200: HarvestSourceOutput, **ERRORS},
)
harvest(
    HarvestSourceDetail,
    "delete",
    "harvest_sources_deactivate",
    "Stop harvesting a source (its datasets and history stay)",
    {200: HarvestSourceOutput, **ERRORS},
    request=None,
)
harvest(
    HarvestSourceJobs,
    "get",
    "harvest_jobs_list",
    "A source's jobs, newest first, with their reports",
    {200: page_of(HarvestJobOutput, "HarvestJobPage"), **ERRORS},
)
harvest(
    HarvestSourceJobs,
    "post",
    "harvest_jobs_start",
    "Harvest the source now",
    {202: HarvestJobOutput, **ERRORS_WRITE},
    request=None,
    description="409 if a job of this source is already waiting or running.",
)
harvest(
    HarvestJobDetail,
    "get",
    "harvest_jobs_retrieve",
    "A job and its report",
    {200: HarvestJobOutput, **ERRORS},
)
harvest(
    HarvestJobAbort,
    "post",
    "harvest_jobs_abort",
    "Stop a job",
    {200: HarvestJobOutput, **ERRORS_WRITE},
    request=None,
    description="A waiting job is aborted at once; a running one stops at its next "
    "heartbeat (within a second or so), keeping what it imported.",
)
