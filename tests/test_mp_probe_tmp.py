import pytest
from django.test import Client

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/accounts/0.5/dossier/contacts/", "/api/v1/accounts/{a}/dossier/contacts/", "/accounts/0.5/dossier/contacts/new/", "/nowhere/"])
def test_probe(tenant, path):
    c = Client(enforce_csrf_checks=True, raise_request_exception=True)
    c.force_login(tenant.manager_user)
    c.cookies["csrftoken"] = "a" * 32
    r = c.post(path.format(a=tenant.account.pk), data=b'{"name": "0"}', content_type="multipart/form-data", HTTP_X_CSRFTOKEN="a" * 32)
    print(path, r.status_code, r["Content-Type"], r.content[:100])
    assert r.status_code < 500
