"""Photos are decoded in bounded memory: the peak of a fresh process's resident memory while it takes
photo uploads through the real route (tests/factories/image_memory.py), against the issue's target of
less than 100 MB above what the process held before, and at most DECODERS decodes' worth for 8 at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration

TARGET_MB = 100
# (name, case): the 165 KB PNG that declares 40 megapixels, the largest PNG and progressive JPEG taken,
# a 40-megapixel phone photo (baseline JPEG), and eight of the largest PNG at once. A baseline JPEG strip
# (65,500 pixels long, JPEG's widest) is decoded unscaled: 40 megapixels of it were 143 MB, and a
# progressive one holds its coefficients beside that image.
CASES = {
    "png_40mp": {"kind": "PNG", "width": 8000, "height": 5000, "mode": "RGBA"},
    "png_largest": {"kind": "PNG", "width": 4000, "height": 4000, "mode": "RGBA"},
    "progressive_largest": {"kind": "JPEG", "width": 3250, "height": 3250, "progressive": True},
    "jpeg_40mp": {"kind": "JPEG", "width": 8000, "height": 5000},
    "png_largest_x8": {"kind": "PNG", "width": 4000, "height": 4000, "mode": "RGBA", "parallel": 8},
    "jpeg_strip_40mp": {"kind": "JPEG", "width": 65500, "height": 610},
    "jpeg_strip_largest": {"kind": "JPEG", "width": 65500, "height": 244},
    "progressive_strip_largest": {"kind": "JPEG", "width": 65500, "height": 100, "progressive": True},
}


def _measure(case: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.factories.image_memory", json.dumps([case])],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])[0]


@pytest.fixture(scope="module")
def measured(database) -> dict[str, dict]:
    """Each case in a fresh process of its own (memory a process freed but kept would hide the next
    case's growth); the processes run side by side, each measuring only itself."""
    with ThreadPoolExecutor(max_workers=len(CASES)) as pool:
        return dict(zip(CASES, pool.map(_measure, CASES.values()), strict=True))


def test_a_png_declaring_40_megapixels_is_refused_from_its_header(measured):
    result = measured["png_40mp"]
    assert result["bytes"] < 200_000
    assert result["statuses"] == [422]
    assert result["refusals"] == ["The image is too large: at most 16 megapixels."]
    assert result["growth_mb"] < TARGET_MB


def test_the_largest_png_taken_costs_under_100_mb(measured):
    assert measured["png_largest"]["statuses"] == [201]
    assert measured["png_largest"]["growth_mb"] < TARGET_MB


def test_the_largest_progressive_jpeg_taken_costs_under_100_mb(measured):
    assert measured["progressive_largest"]["statuses"] == [201]
    assert measured["progressive_largest"]["sizes"] == [[3250, 3250]]
    assert measured["progressive_largest"]["growth_mb"] < TARGET_MB


def test_a_40_megapixel_phone_photo_is_taken_under_100_mb(measured):
    assert measured["jpeg_40mp"]["statuses"] == [201]
    assert measured["jpeg_40mp"]["sizes"] == [[8000, 5000]]  # the photo's own size, not the decoded one
    assert measured["jpeg_40mp"]["growth_mb"] < TARGET_MB


def test_eight_parallel_uploads_cost_two_decodes_at_most(measured):
    result = measured["png_largest_x8"]
    assert result["statuses"] == [201] * 8
    assert result["growth_mb"] < 2 * TARGET_MB


def test_a_40_megapixel_jpeg_strip_is_refused_from_its_header(measured):
    result = measured["jpeg_strip_40mp"]
    assert result["statuses"] == [422]
    assert result["refusals"] == ["The image is too large: at most 16 megapixels."]
    assert result["growth_mb"] < TARGET_MB


@pytest.mark.parametrize("case", ["jpeg_strip_largest", "progressive_strip_largest"])
def test_the_largest_jpeg_strip_taken_costs_under_100_mb(measured, case):
    assert measured[case]["statuses"] == [201]
    assert measured[case]["growth_mb"] < TARGET_MB
