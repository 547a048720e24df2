"""The file limit of a final report holds when many uploads arrive at once: counted under the award's
and the report's locks in the write transaction that inserts; refused uploads keep no bytes."""

from __future__ import annotations

import asyncio

import pytest

from grants.reporting.service.final import MAX_ATTACHMENTS
from grants.reporting.tables import FinalReport, FinalReportAttachment
from tests.factories.files import pdf_bytes
from tests.factories.reporting import report, running_award
from tests.factories.storage import stored_files

pytestmark = pytest.mark.integration

PARALLEL = MAX_ATTACHMENTS + 10
REPORT = {"narrative": "Notika darbnīcas.", "results": "Mērķis sasniegts.", "spent": "1000.00"}


async def test_parallel_uploads_stop_at_the_file_limit_of_a_final_report(client):
    award = await running_award(client)
    await report(client, award)
    submitted = await client.post(
        f"/api/awards/{award['award_id']}/final-report", json=REPORT, headers=award["applicant"]
    )
    assert submitted.status_code == 201, submitted.text
    before = stored_files()

    async def upload(n: int):
        return await client.post(
            f"/api/awards/{award['award_id']}/final-report/attachments",
            files={"file": (f"atskaite-{n}.pdf", pdf_bytes(f"Lapa {n}"), "application/pdf")},
            headers=award["applicant"],
        )

    responses = await asyncio.gather(*(upload(n) for n in range(PARALLEL)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * MAX_ATTACHMENTS + [409] * (PARALLEL - MAX_ATTACHMENTS)
    refusals = {r.json()["detail"] for r in responses if r.status_code == 409}
    assert refusals == {"A final report can have at most 20 files."}
    report_id = (
        await FinalReport.select(FinalReport.id).where(FinalReport.award == award["award_id"]).first()
    )["id"]
    assert (
        await FinalReportAttachment.count().where(FinalReportAttachment.report == report_id)
        == MAX_ATTACHMENTS
    )
    assert len(stored_files() - before) == MAX_ATTACHMENTS
