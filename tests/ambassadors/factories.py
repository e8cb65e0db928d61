"""Ambassadors around fixed, real places (tests/eligibility/factories.py): Sarcelles and its
network 9502C, at known ground distances."""

import factory
from django.utils import timezone

from ambassadors.models import Ambassador, Message
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, offset, point, route_east_of

LABEL = "15 Allée Paul Dukas 95200 Sarcelles"
AMBASSADOR_EMAIL = "conseil.syndical@residence-dukas.example.fr"


def sarcelles_network():
    """The real Sarcelles network (9502C), 48 m east of 15 allée Paul Dukas."""
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )


class AmbassadorFactory(factory.django.DjangoModelFactory):
    """A published ambassador at 15 allée Paul Dukas, Sarcelles, on network 9502C, unless told."""

    class Meta:
        model = Ambassador

    address_label = LABEL
    location = factory.LazyFunction(lambda: point(SARCELLES))
    code_insee = "95585"
    commune = "Sarcelles"
    street = "Allée Paul Dukas"
    network = factory.LazyFunction(sarcelles_network)
    connection_year = 2019
    dwellings = 48
    works = "Sous-station en chaufferie, six mois de travaux."
    cost_eur = 85000
    cost_public = False
    savings_percent = 20
    savings_public = False
    testimony = "Le raccordement a été voté en 2018 ; nos charges de chauffage ont baissé."
    contact_name = "Dominique Lefèvre"
    contact_role = Ambassador.ContactRole.COUNCIL
    contact_email = AMBASSADOR_EMAIL
    consent = True
    consent_at = factory.LazyFunction(timezone.now)
    status = Ambassador.Status.PUBLISHED
    verified_at = factory.LazyFunction(timezone.now)
    moderated_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        pending_verification = factory.Trait(
            status=Ambassador.Status.PENDING_VERIFICATION,
            verified_at=None,
            moderated_at=None,
            published_at=None,
        )
        pending_moderation = factory.Trait(
            status=Ambassador.Status.PENDING_MODERATION, moderated_at=None, published_at=None
        )
        paused = factory.Trait(status=Ambassador.Status.PAUSED)

    @classmethod
    def at(cls, metres: float, **kwargs) -> Ambassador:
        """Published, `metres` due north of 15 allée Paul Dukas (a real point, a known distance)."""
        return cls(location=point(offset(SARCELLES, metres=metres, bearing=0)), **kwargs)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ambassador = factory.SubFactory(AmbassadorFactory)
    asker_name = "Camille Martin"
    asker_email = "camille.martin@exemple.fr"
    building_address = "3 rue de la Gare 95200 Sarcelles"
    body = "Combien de temps ont duré les travaux ?"
