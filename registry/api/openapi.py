"""The dataset API in the OpenAPI document: one call per operation (core.api.schema). Imported
by urls.py; the catalogue's openapi.py imports it too, as its view inherits `post`."""

from core.api.schema import Operations
from core.api.serializers import ErrorOutput

from .examples import EXAMPLES
from .serializers import (
    DatasetInput,
    DatasetOutput,
    RevisionPage,
    ValidationRunOutput,
    ValidationRunPage,
)
from .views import (
    DatasetDetail,
    DatasetListCreate,
    DatasetRevisions,
    DatasetValidate,
    DatasetValidations,
)

ERRORS_READ = {404: ErrorOutput, 410: ErrorOutput}
ERRORS_WRITE = dict.fromkeys((400, 401, 403, 404, 409, 413, 415), ErrorOutput)
# Reads need no token; a token, if sent, must be valid.
READ_AUTH = [{"institutionToken": []}, {}]

dataset = Operations(examples=EXAMPLES, tags=["datasets"])
dataset(
    DatasetListCreate,
    "post",
    "datasets_create",
    "Register a dataset",
    {201: DatasetOutput, **ERRORS_WRITE},
    request=DatasetInput,
    description="Registers the metadata of a dataset held at your institution and queues its "
    "validation. Needs a token with the `datasets:write` scope.",
)
dataset(
    DatasetDetail,
    "get",
    "datasets_retrieve",
    "Show a dataset",
    {200: DatasetOutput, **ERRORS_READ},
    auth=READ_AUTH,
)
dataset(
    DatasetDetail,
    "put",
    "datasets_update",
    "Replace a dataset's metadata",
    {200: DatasetOutput, **ERRORS_WRITE},
    request=DatasetInput,
    description="Accepts the GET representation back as it is. A published dataset stays "
    "visible, unchanged, until the change passes validation (see `pending_revision`).",
)
dataset(
    DatasetDetail,
    "patch",
    "datasets_partial_update",
    "Change some of a dataset's metadata",
    {200: DatasetOutput, **ERRORS_WRITE},
    request=DatasetInput,
)
dataset(
    DatasetDetail,
    "delete",
    "datasets_withdraw",
    "Withdraw a dataset",
    {200: DatasetOutput, **ERRORS_WRITE},
    request=None,
    description="Removes it from the catalogue. Nothing is deleted; its history remains.",
)
dataset(
    DatasetRevisions,
    "get",
    "dataset_revisions_list",
    "A dataset's revision history",
    {200: RevisionPage, **ERRORS_READ},
    auth=READ_AUTH,
)
dataset(
    DatasetValidations,
    "get",
    "dataset_validations_list",
    "A dataset's validation runs and their findings",
    {200: ValidationRunPage, **ERRORS_READ},
    auth=READ_AUTH,
)
dataset(
    DatasetValidate,
    "post",
    "dataset_validate",
    "Validate a dataset again now",
    {202: ValidationRunOutput, **ERRORS_WRITE},
    request=None,
    description="Queues a validation run (for example after fixing the source). A dataset "
    "never has two queued runs: if one is waiting, it is returned. A rejected dataset is "
    "published if the new run passes; a published one is re-checked as it stands.",
)
