"""Helpers of the bulk tests: running a job to the end, reading its results."""

import csv
import io

from contacts import bulk
from contacts.models import BulkJob


def run_job(organisation, text: str | bytes, run_tasks, *, mapping=None, name="adresses.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    job = bulk.create_job(organisation=organisation, name=name, data=data)
    with run_tasks():
        bulk.launch(job, mapping if mapping is not None else job.mapping)
    return BulkJob.objects.get(pk=job.pk)


def result_rows(job) -> list[dict]:
    with job.result_csv.open("rb") as file:
        raw = file.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
