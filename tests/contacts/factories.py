"""Organisations and leads around the real places of tests/eligibility/factories.py."""

import factory
from django.utils import timezone

from contacts.models import Lead, Membership, Organisation
from tests.eligibility.factories import SARCELLES, point


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A network operator unless a trait says otherwise."""

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    kind = Organisation.Kind.OPERATOR
    name = factory.Sequence(lambda n: f"Organisme de test {n}")
    email = factory.Sequence(lambda n: f"organisme{n}@exemple.fr")

    class Params:
        energy_agency = factory.Trait(
            kind=Organisation.Kind.ENERGY_AGENCY,
            name="ALEC du Val-d’Oise",
            email="conseil@alec-95.example.fr",
        )
        local_authority = factory.Trait(kind=Organisation.Kind.LOCAL_AUTHORITY)
        national_team = factory.Trait(
            kind=Organisation.Kind.NATIONAL_TEAM,
            name="Équipe nationale France Chaleur Urbaine",
            email="tri@france-chaleur-urbaine.example.fr",
        )

    @factory.post_generation
    def networks(self, create, extracted, **kwargs):
        if create and extracted:
            self.networks.add(*extracted)

    @factory.post_generation
    def future_networks(self, create, extracted, **kwargs):
        if create and extracted:
            self.future_networks.add(*extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"gestionnaire{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@exemple.fr")
    is_staff = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class LeadFactory(factory.django.DjangoModelFactory):
    """A condominium of 15 allée Paul Dukas in Sarcelles, routed to nobody, "À traiter"."""

    class Meta:
        model = Lead

    structure = Lead.Structure.CONDOMINIUM
    first_name = "Camille"
    last_name = "Martin"
    email = factory.Sequence(lambda n: f"camille.martin{n}@exemple.fr")
    phone = "01 23 45 67 89"
    heating_energy = Lead.HeatingEnergy.GAS
    heating_type = Lead.HeatingType.COLLECTIVE
    dwellings = 48
    floor_area_m2 = 3200
    boiler_age_years = 18
    comment = "Chaudière à remplacer avant l’hiver."
    consent = True
    consent_at = factory.LazyFunction(timezone.now)
    address_label = "15 Allée Paul Dukas 95200 Sarcelles"
    location = factory.LazyFunction(lambda: point(SARCELLES))
    code_insee = "95585"
    category = "existing_very_close"
    eligible = True
    distance_m = 48
    network_id = "9502C"
    network_name = "Grand Ensemble Sarcelles-Locheres"
    routing_reason = "Adresse très proche d’un réseau existant."
    ip_hash = "test"

    class Params:
        moderated = factory.Trait(status=Lead.Status.MODERATION)
        unlocated = factory.Trait(
            location=None,
            code_insee="",
            category="",
            eligible=None,
            distance_m=None,
            network_id="",
            network_name="",
        )
        too_far = factory.Trait(
            category="too_far", eligible=False, distance_m=None, network_id="", network_name=""
        )
