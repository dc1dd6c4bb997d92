"""The API's error messages (RFC 9457 problem details) in German and French, as
Accept-Language asks."""

import pytest

from returns.models import Return

from .test_returns import _create


@pytest.mark.parametrize(
    ("language", "transition", "read_only"),
    [
        (
            "de",
            "Eine Retoure mit dem Status Neu kann nicht in Artikel gutgeschrieben wechseln.",
            "Dieser Schlüssel darf nur lesen.",
        ),
        (
            "fr",
            "Un retour au statut Nouveau ne peut pas passer au statut Article(s) remboursé(s).",
            "Cette clé ne peut que lire.",
        ),
    ],
)
def test_api_errors_in_german_and_french(
    api, api_read, shipped_line, language, transition, read_only
):
    rma = Return.objects.get(pk=_create(api, shipped_line).json()["id"])
    url = f"/api/v1/returns/{rma.pk}/"
    response = api.patch(
        url,
        {"status": "credited"},
        format="json",
        HTTP_IF_MATCH=api.get(url)["ETag"],
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 409
    assert response.json()["detail"] == transition
    refused = api_read.post("/api/v1/returns/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert refused.status_code == 403
    assert refused.json()["detail"] == read_only
