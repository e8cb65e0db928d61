"""`--load` puts the synthetic dataset in the database through the import commands, flagged as
synthetic, and never into a database that holds real networks."""

import io

import pytest
from django.core.management import CommandError, call_command

from eligibility import synthetic
from eligibility.models import Address, FutureNetwork, HeatNetwork, NetworkKind, PriorityZone

SIZE = {"networks": 6, "addresses": 300}


def load(directory, **options):
    call_command(
        "generate_synthetic_dataset",
        seed=3,
        output=str(directory),
        load=True,
        **SIZE,
        **options,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def real_network():
    return HeatNetwork.objects.create(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
    )


@pytest.mark.django_db
def test_load_imports_every_layer_flagged_synthetic(tmp_path):
    load(tmp_path)

    manifest = synthetic.read_manifest(tmp_path)
    ids = manifest["identifiers"]
    size = synthetic.DatasetSize(**SIZE)
    assert HeatNetwork.objects.heat().count() == SIZE["networks"] + size.unrouted
    assert HeatNetwork.objects.heat().with_route().count() == SIZE["networks"]
    assert HeatNetwork.objects.cold().count() == size.cold
    assert FutureNetwork.objects.filter(route__isnull=False).count() == size.future
    assert FutureNetwork.objects.filter(zone__isnull=False).count() == size.construction_zones
    assert PriorityZone.objects.count() == size.pdp
    assert Address.objects.count() == SIZE["addresses"]
    for model in (HeatNetwork, FutureNetwork, PriorityZone, Address):
        assert not model.objects.filter(is_synthetic=False).exists(), model

    assert set(HeatNetwork.objects.values_list("network_id", flat=True)) == set(
        ids["heat"] + ids["cold"]
    )
    assert HeatNetwork.objects.filter(kind=NetworkKind.COLD, network_id__endswith="F").count() == (
        size.cold
    )
    linked = PriorityZone.objects.filter(networks__isnull=False) | PriorityZone.objects.filter(
        future_networks__isnull=False
    )
    assert linked.distinct().count() == size.pdp  # every PDP found the network it belongs to
    network = HeatNetwork.objects.with_route().first()
    assert network.communes and network.operator and "synthétique" in network.name
    assert network.source == "Jeu de données synthétique (fictif), graine 3"


@pytest.mark.django_db
def test_load_refuses_a_database_holding_real_networks(tmp_path):
    real_network()
    with pytest.raises(CommandError, match="données réelles"):
        load(tmp_path)
    assert not (tmp_path / synthetic.MANIFEST_FILE).exists()  # refused before generating
    assert HeatNetwork.objects.count() == 1
    assert not Address.objects.exists()


@pytest.mark.django_db
def test_allow_mixed_loads_next_to_real_networks_and_leaves_them_real(tmp_path):
    real = real_network()
    load(tmp_path, allow_mixed=True)
    real.refresh_from_db()
    assert not real.is_synthetic
    assert HeatNetwork.objects.filter(is_synthetic=True).count() == HeatNetwork.objects.count() - 1


@pytest.mark.django_db
def test_loading_the_same_dataset_twice_is_allowed_and_changes_nothing(tmp_path):
    load(tmp_path)
    counts = [m.objects.filter(is_synthetic=True).count() for m in (HeatNetwork, Address)]
    load(tmp_path, reuse_existing=True)
    assert [m.objects.filter(is_synthetic=True).count() for m in (HeatNetwork, Address)] == counts
    assert not Address.objects.filter(is_synthetic=False).exists()
