"""Photos of held events: images only by their content, a real thumbnail beside each, nothing stored
for a refused upload (a PDF named .jpg, a broken JPEG, a decompression bomb), and no other
organisation reading or adding them."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from grants.reporting.tables import EventPhoto
from tests.factories.files import image_bytes, pdf_bytes
from tests.factories.reporting import other_grantee, report, running_award
from tests.factories.storage import stored_files

pytestmark = pytest.mark.integration


async def upload(
    client, event_id: int, headers: dict, name: str, data: bytes, content_type: str = "image/jpeg"
):
    return await client.post(
        f"/api/events/{event_id}/photos", files={"file": (name, data, content_type)}, headers=headers
    )


@pytest.mark.parametrize(
    ("kind", "size", "thumbnail"),
    [("JPEG", (1200, 800), (320, 213)), ("PNG", (300, 900), (107, 320)), ("PNG", (200, 100), (200, 100))],
)
async def test_a_photo_gets_a_thumbnail_of_at_most_320_pixels(client, kind, size, thumbnail):
    award = await running_award(client)
    event = await report(client, award)
    data = image_bytes(*size, kind=kind)
    created = await upload(
        client, event["id"], award["applicant"], "darbnica.bilde", data, "application/octet-stream"
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["width"], body["height"], body["size"]) == (*size, len(data))
    assert body["content_type"] == f"image/{kind.lower()}"
    assert body["filename"] == "darbnica.bilde" + (".jpg" if kind == "JPEG" else ".png")
    thumb = await client.get(f"/api/event-photos/{body['id']}/thumbnail", headers=award["applicant"])
    assert thumb.status_code == 200
    assert thumb.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert image.format == kind
        assert image.size == thumbnail
    original = await client.get(f"/api/event-photos/{body['id']}", headers=award["applicant"])
    assert hashlib.sha256(original.content).hexdigest() == hashlib.sha256(data).hexdigest()
    listed = await client.get(f"/api/events/{event['id']}", headers=award["applicant"])
    assert [p["id"] for p in listed.json()["photos"]] == [body["id"]]
    assert listed.json()["photos"][0]["thumbnail_url"] == f"/api/event-photos/{body['id']}/thumbnail"


async def test_a_pdf_named_like_a_photo_is_refused_and_not_kept(client):
    award = await running_award(client)
    event = await report(client, award)
    before = stored_files()
    response = await upload(client, event["id"], award["applicant"], "bilde.jpg", pdf_bytes(), "image/jpeg")
    assert response.status_code == 415
    assert "JPG" in response.json()["detail"]
    assert stored_files() == before
    assert await EventPhoto.count().where(EventPhoto.event == event["id"]) == 0


async def test_a_broken_jpeg_is_refused_and_not_kept(client):
    award = await running_award(client)
    event = await report(client, award)
    before = stored_files()
    broken = b"\xff\xd8\xff\xe0" + b"not really a photo" * 100
    response = await upload(client, event["id"], award["applicant"], "bilde.jpg", broken)
    assert response.status_code == 415
    assert stored_files() == before
    assert await EventPhoto.count().where(EventPhoto.event == event["id"]) == 0


async def test_a_decompression_bomb_is_refused_before_it_is_decoded(client):
    award = await running_award(client)
    event = await report(client, award)
    bomb = image_bytes(8000, 6000, kind="PNG", mode="1")  # 48 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    before = stored_files()
    response = await upload(client, event["id"], award["applicant"], "bumba.png", bomb, "image/png")
    assert response.status_code == 422
    assert response.json()["extra"] == {"file": "The image is too large: at most 40 megapixels."}
    assert stored_files() == before
    assert await EventPhoto.count().where(EventPhoto.event == event["id"]) == 0


async def test_photos_belong_to_held_events_only(client):
    award = await running_award(client)
    planned = await client.post(
        f"/api/awards/{award['award_id']}/events",
        json={"school": award["school"], "kind": "camp", "title": "Vēl tikai plāns", "status": "planned"},
        headers=award["applicant"],
    )
    response = await upload(client, planned.json()["id"], award["applicant"], "a.jpg", image_bytes(40, 30))
    assert response.status_code == 409
    assert await EventPhoto.count().where(EventPhoto.event == planned.json()["id"]) == 0


async def test_no_photos_are_added_to_an_accepted_report(client):
    award = await running_award(client)
    event = await report(client, award)
    await client.post(
        f"/api/events/{event['id']}/review", json={"decision": "accept"}, headers=award["staff"]
    )
    response = await upload(client, event["id"], award["applicant"], "a.jpg", image_bytes(40, 30))
    assert response.status_code == 409


async def test_another_organisation_cannot_read_add_or_remove_photos(client):
    award = await running_award(client)
    event = await report(client, award)
    photo = (await upload(client, event["id"], award["applicant"], "skolēni.jpg", image_bytes(64, 48))).json()
    stranger = await other_grantee(client)
    for url in (f"/api/event-photos/{photo['id']}", f"/api/event-photos/{photo['id']}/thumbnail"):
        response = await client.get(url, headers=stranger)
        assert response.status_code == 404
        assert "image" not in response.headers["content-type"]
    added = await upload(client, event["id"], stranger, "svesa.jpg", image_bytes(64, 48))
    assert added.status_code == 404
    removed = await client.delete(f"/api/event-photos/{photo['id']}", headers=stranger)
    assert removed.status_code == 404
    assert await EventPhoto.count().where(EventPhoto.event == event["id"]) == 1
    staff = await client.get(f"/api/event-photos/{photo['id']}/thumbnail", headers=award["staff"])
    assert staff.status_code == 200


async def test_a_removed_photo_leaves_no_file(client):
    award = await running_award(client)
    event = await report(client, award)
    before = stored_files()
    photo = (
        await upload(client, event["id"], award["applicant"], "a.png", image_bytes(64, 48, "PNG"))
    ).json()
    assert len(stored_files() - before) == 2  # the photo and its thumbnail
    removed = await client.delete(f"/api/event-photos/{photo['id']}", headers=award["applicant"])
    assert removed.status_code == 204
    assert stored_files() == before
    assert (
        await client.get(f"/api/event-photos/{photo['id']}", headers=award["applicant"])
    ).status_code == 404


async def test_a_turned_phone_photo_is_shown_upright(client):
    award = await running_award(client)
    event = await report(client, award)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; the picture is to be rotated 90°
    out = io.BytesIO()
    Image.new("RGB", (800, 400), (200, 50, 50)).save(out, format="JPEG", exif=exif)
    created = await upload(client, event["id"], award["applicant"], "telefons.jpg", out.getvalue())
    assert (created.json()["width"], created.json()["height"]) == (400, 800)
    thumb = await client.get(
        f"/api/event-photos/{created.json()['id']}/thumbnail", headers=award["applicant"]
    )
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert image.size == (160, 320)


async def test_a_progressive_jpeg_is_refused_above_what_its_decoder_holds(client):
    """A progressive JPEG keeps every coefficient of the whole image while it decodes: at 4:4:4, 6 bytes a
    pixel, so 16 megapixels would need 96 MB; it is refused from its header, and nothing is kept."""
    award = await running_award(client)
    event = await report(client, award)
    out = io.BytesIO()
    Image.new("RGB", (4000, 4000), (30, 120, 200)).save(out, format="JPEG", progressive=True, subsampling=0)
    before = stored_files()
    response = await upload(client, event["id"], award["applicant"], "progresivs.jpg", out.getvalue())
    assert response.status_code == 422
    assert response.json()["extra"] == {"file": "The image is too large: at most 10 megapixels."}
    assert stored_files() == before
    assert await EventPhoto.count().where(EventPhoto.event == event["id"]) == 0


async def test_a_multi_picture_jpeg_is_decoded_scaled_down_like_any_jpeg(client):
    """A camera's MPO (a JPEG with a second picture after it) is what Pillow opens as "MPO": it was held
    to a PNG's 16 megapixels though its first picture decodes scaled down like any baseline JPEG."""
    award = await running_award(client)
    event = await report(client, award)
    picture = Image.new("RGB", (5000, 4000), (30, 120, 200))
    out = io.BytesIO()
    picture.save(out, format="MPO", save_all=True, append_images=[picture])
    response = await upload(client, event["id"], award["applicant"], "kamera.jpg", out.getvalue())
    assert response.status_code == 201, response.text
    assert (response.json()["width"], response.json()["height"]) == (5000, 4000)
