"""The API describes itself in OpenAPI and serves its docs from this site."""

import pytest

pytestmark = pytest.mark.django_db


# --- The description ---------------------------------------------------------------------------


def test_it_publishes_its_openapi_description(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "InsightBoard API"
    assert set(schema["paths"]) == {
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/metrics",
        "/api/v1/metrics/{metric_id}/values",
    }
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
    }
    create = schema["paths"]["/api/v1/stories"]["post"]
    assert create["operationId"] == "story_create"
    assert {"201", "401", "422"} <= set(create["responses"])


def test_it_serves_the_docs_from_this_site_to_people_signed_in(alice_client, client):
    response = alice_client.get("/api/v1/docs")

    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.text
    assert "cdn" not in response.text.lower()
    assert client.get("/api/v1/docs").status_code == 302
