"""Condominiums of the national register (RNIC) at fixed, real places of tests/eligibility."""

import factory

from eligibility.models import Condominium
from tests.eligibility.factories import SARCELLES, point


class CondominiumFactory(factory.django.DjangoModelFactory):
    """A collectively gas-heated condominium of 48 dwellings at 15 allée Paul Dukas, Sarcelles,
    not on a heat network."""

    class Meta:
        model = Condominium
        django_get_or_create = ("numero_immatriculation",)

    numero_immatriculation = factory.Sequence(lambda n: f"AA{9500000 + n}")
    name = factory.Sequence(lambda n: f"Résidence de test {n}")
    adresse_reference = "15 allée Paul Dukas 95200 Sarcelles"
    code_insee = "95585"
    location = factory.LazyFunction(lambda: point(SARCELLES))
    nb_lot_habitation = 48
    nb_lot = 96
    periode_construction = "DE_1961_A_1974"
    type_chauffage = "collectif"
    energie_utilisee = "gaz_collectif"
    chauffage_urbain = False
    source = "ANAH, RNIC (test)"

    class Params:
        connected = factory.Trait(chauffage_urbain=True)
        individual = factory.Trait(type_chauffage="individuel", energie_utilisee="")
        oil = factory.Trait(energie_utilisee="fioul_domestique")
