"""The harvest API in the OpenAPI document: one call per operation (core.api.schema). Imported
by urls.py."""

from core.api.schema import Operations
from core.api.serializers import ErrorOutput, page_of

from .examples import EXAMPLES
from .serializers import (
    HarvestJobOutput,
    HarvestJobReportOutput,
    HarvestSourceInput,
    HarvestSourceOutput,
)
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
    "(the Action API at the URL), `datajson` (a DCAT-US 1.1 data.json), `suchi` (another "
    "Suchi node's REST API, lossless) and `croissant` (Croissant JSON-LD: one dataset as "
    "Hugging Face, Kaggle or Zenodo serve it, a list, or a DataCatalog). Scheduled sources "
    "run from beat; every run withdraws datasets gone from the source after "
    "`withdraw_grace_hours`.",
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
    description="Answers 202 at once, with the job waiting (or already running): follow it at "
    "`/api/v1/harvest-jobs/{id}`. 409 if a job of this source is already waiting or running.",
)
harvest(
    HarvestJobDetail,
    "get",
    "harvest_jobs_retrieve",
    "A job and its report",
    {200: HarvestJobReportOutput, **ERRORS},
    description="`progress`: records gathered, imported of those to import (`to_import` is null "
    "while the source is still being read), and datasets the job added or changed whose "
    "validation has settled; `settled` is true once the job has ended and all of them have. "
    "`outcomes` counts those datasets by the result of their validation: published, published "
    "with warnings, rejected (its reasons are the `findings` of severity error), not validated "
    "(validation itself failed), pending. `findings` groups their errors and warnings by check "
    "and field, largest first (at most 30 groups), each with up to three example datasets.",
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
