"""Data migrations of the contacts app, run on rows written with the schema before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("contacts", "0005_lead_status_rejected_as_spam")]
AFTER = [("contacts", "0006_lead_request_type_role_boiler_replacement")]


@pytest.fixture
def migrate():
    """Runs the migrations to a target, and back to the latest ones after the test."""

    def run(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield run
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_lead(apps, **fields):
    Lead = apps.get_model("contacts", "Lead")
    return Lead.objects.create(
        heating_energy="gas",
        heating_type="collective",
        consent=True,
        address_label="15 Allée Paul Dukas 95200 Sarcelles",
        **fields,
    ).pk


def test_existing_leads_become_study_requests_and_professionals_keep_their_kind_as_role(migrate):
    apps = migrate(BEFORE)
    condominium = old_lead(apps, structure="condominium", email="a@exemple.fr")
    syndic = old_lead(apps, structure="professional", professional_kind="syndic", email="b@ex.fr")
    office = old_lead(
        apps, structure="professional", professional_kind="design_office", email="c@ex.fr"
    )

    Lead = migrate(AFTER).get_model("contacts", "Lead")
    roles = dict(Lead.objects.values_list("pk", "requester_role"))
    assert roles == {condominium: "", syndic: "syndic_professional", office: "design_office"}
    assert set(Lead.objects.values_list("request_type", flat=True)) == {"quote"}
    assert not Lead.objects.filter(boiler_replacement_date__isnull=False).exists()
