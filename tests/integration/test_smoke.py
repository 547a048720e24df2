import pytest

pytestmark = pytest.mark.integration


async def test_home_page_lists_current_municipalities(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert "Bauskas novads" in response.text
    assert "Varakļānu novads" not in response.text
