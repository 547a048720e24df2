"""Peak memory of photo uploads, measured in a process of its own: `python -m tests.factories.image_memory
CASES` (JSON) prints one JSON line of results.

The process is a fresh interpreter on the test run's database and storage (the environment the test
session set). It builds the app, makes a running award and uploads one small photo (so imports and
first-use set-up are not counted); then, per case, it makes the images, resets the kernel's peak of its
resident memory (VmHWM, through /proc/self/clear_refs), sends the uploads through POST
/api/events/{id}/photos at once and reads the peak again. Growth = that peak − VmRSS just before.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import os
import sys
from pathlib import Path

import httpx
from PIL import Image

from tests.factories.reporting import report, running_award


def image(kind: str, width: int, height: int, mode: str = "RGB", progressive: bool = False) -> bytes:
    """A solid colour: a PNG of 40 megapixels packs into about 160 KB. A progressive JPEG is 4:4:4, the
    costliest to decode."""
    colour = {"RGB": (30, 120, 200), "RGBA": (30, 120, 200, 255)}.get(mode, 1)
    options = {"progressive": True, "subsampling": 0} if progressive else {}
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, format=kind, **options)
    return out.getvalue()


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")
    if status_kib("VmHWM") > status_kib("VmRSS") + 1024:
        raise RuntimeError("the kernel's peak of resident memory could not be reset")


async def measure(cases: list[dict]) -> list[dict]:
    from grants.app import create_app

    # An address per run: each run registers an applicant, and registrations are limited per address.
    pid = os.getpid()
    transport = httpx.ASGITransport(
        app=create_app(), client=(f"127.200.{pid // 250 % 250}.{pid % 250 + 1}", 50000)
    )
    async with httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1", headers={"Accept-Language": "en"}, timeout=120
    ) as client:
        award = await running_award(client)

        async def upload(event_id: int, name: str, data: bytes) -> httpx.Response:
            files = {"file": (name, data, "application/octet-stream")}
            return await client.post(
                f"/api/events/{event_id}/photos", files=files, headers=award["applicant"]
            )

        warm = await upload((await report(client, award))["id"], "warm.png", image("PNG", 640, 480))
        assert warm.status_code == 201, warm.text
        results = []
        for case in cases:
            event = await report(client, award)
            count = case.get("parallel", 1)
            made = image(
                case["kind"],
                case["width"],
                case["height"],
                case.get("mode", "RGB"),
                case.get("progressive", False),
            )
            images = [made] * count
            gc.collect()
            before = status_kib("VmRSS")
            reset_peak()
            uploads = (upload(event["id"], f"p{n}", data) for n, data in enumerate(images))
            responses = await asyncio.gather(*uploads)
            peak = status_kib("VmHWM")
            results.append(
                {
                    "bytes": len(images[0]),
                    "growth_mb": round((peak - before) / 1024, 1),
                    "statuses": [r.status_code for r in responses],
                    "sizes": sorted(
                        {(r.json()["width"], r.json()["height"]) for r in responses if r.status_code == 201}
                    ),
                    "refusals": sorted(
                        {r.json()["extra"]["file"] for r in responses if r.status_code == 422}
                    ),
                }
            )
            del made, images, responses
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(json.loads(sys.argv[1])))))
