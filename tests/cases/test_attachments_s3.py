"""Attachments in an S3-compatible bucket (django-storages), as several machines share them:
stored by the email intake, served to staff, sent nowhere else, erased with the customer.

The bucket is a real S3 API on loopback (moto's server), spoken to by boto3 over HTTP.
"""

import subprocess
import sys
from email.message import EmailMessage

import boto3
import pytest
from django.core.files.storage import storages
from moto.server import ThreadedMotoServer

from cases.mail.intake import email_ingest
from cases.models import Attachment
from customers.privacy import customer_erase
from tests.attachments import download
from tests.processes import free_port
from tests.test_settings import ROOT

BUCKET = "backoffice-attachments"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nInvoice 4711\n"


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "backoffice")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "backoffice-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-central-1")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-central-1",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    # The model field took its storage when the app loaded: point it at the bucket too.
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storages["attachments"])
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def invoice_mail() -> bytes:
    mail = EmailMessage()
    mail["From"] = "Ada Lovelace <ada@example.com>"
    mail["To"] = "support@example.com"
    mail["Subject"] = "My invoice"
    mail["Message-ID"] = "<invoice-4711@example.com>"
    mail.set_content("Please check the attached invoice.")
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="invoice.pdf")
    return mail.as_bytes()


@pytest.mark.django_db
def test_an_attachment_from_an_email_lands_in_the_bucket_and_is_served_from_it(
    bucket, client, agent
):
    result = email_ingest(invoice_mail(), source="test")
    attachment = Attachment.objects.get(message__case=result.case)

    [key] = keys(bucket)
    assert key == attachment.file.name
    assert key.startswith("attachments/") and key.endswith(".pdf")
    stored = bucket.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == PDF
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=key)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # owner only

    client.force_login(agent)
    response, body = download(
        client, f"/cases/{result.case.reference}/attachments/{attachment.pk}/"
    )
    assert response.status_code == 200
    assert body == PDF
    assert response["Content-Disposition"] == 'attachment; filename="invoice.pdf"'


@pytest.mark.django_db
def test_an_object_missing_from_the_bucket_is_a_404_not_a_500(bucket, client, agent):
    result = email_ingest(invoice_mail(), source="test")
    attachment = Attachment.objects.get(message__case=result.case)
    bucket.delete_object(Bucket=BUCKET, Key=attachment.file.name)

    client.force_login(agent)
    response = client.get(f"/cases/{result.case.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_erasing_the_customer_deletes_the_object(bucket, supervisor):
    result = email_ingest(invoice_mail(), source="test")
    assert len(keys(bucket)) == 1

    customer_erase(customer=result.case.customer, user=supervisor)

    assert keys(bucket) == []
    assert Attachment.objects.get(message__case=result.case).file.name == ""


def test_the_bucket_is_chosen_by_configuration():
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.STORAGES['attachments']))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "SECRET_KEY": "x" * 50,
        "ATTACHMENTS_S3_BUCKET": "files",
        "ATTACHMENTS_S3_ENDPOINT_URL": "https://s3.example.net",
        "ATTACHMENTS_S3_REGION": "eu-central-1",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        '{"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "files", '
        '"endpoint_url": "https://s3.example.net", "region_name": "eu-central-1", '
        '"default_acl": "private", "file_overwrite": false}}'
    )
