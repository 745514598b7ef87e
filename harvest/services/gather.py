"""A harvest job's first stage: the whole source read into staged rows, a hash of each record
as the source sent it (an unchanged record is skipped by the import)."""

import hashlib
import json

from core.links import http_url
from core.xmltext import xml_clean, xml_text

from ..models import StagedRecord
from ..readers import READERS, Progress

STAGE_BATCH = 500


def _content_hash(payload: dict, source_fields: dict, stated: dict) -> str:
    """The record as the source sent it. A record with no source_fields, no dates and no origin
    hashes as it did before they were kept, so an upgrade does not count every record as changed."""
    content = {"payload": payload, "source_fields": source_fields} if source_fields else payload
    if stated:
        content = {"record": content, "dates": stated}
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


def gather(run) -> None:
    """Read the whole source into staged rows (`run`: the job's run, with its job, its counts
    and its heartbeat). Nothing is imported until this succeeds."""
    source = run.job.source
    reader = READERS[source.kind]

    def on_page(pages: int) -> None:
        run.pages = pages
        run.beat(stage="gather")

    batch: list[StagedRecord] = []
    for record in reader(source.url, Progress(on_page=on_page)):
        # What no representation can carry is dropped at the door (core/xmltext), whatever field.
        payload, source_fields = xml_clean(record.payload), xml_clean(record.source_fields)
        dates = {k: v for k, v in (("issued", record.issued), ("modified", record.modified)) if v}
        stated = {**dates, "origin": record.origin} if record.origin else dates
        batch.append(
            StagedRecord(
                job=run.job,
                position=run.gathered,
                guid=xml_text(record.guid)[:500],
                content_hash=_content_hash(payload, source_fields, stated),
                payload=payload,
                remote_url=http_url(record.remote_url),
                publisher=xml_text(record.publisher)[:300],
                source_fields=source_fields,
                origin=record.origin,
                **dates,
            )
        )
        run.gathered += 1
        if len(batch) >= STAGE_BATCH:
            StagedRecord.objects.bulk_create(batch)
            batch.clear()
            run.beat(stage="gather")
    StagedRecord.objects.bulk_create(batch)
    run.beat(stage="import", force=True)
