"""Fictitious ambassador condominiums near the demo networks, published, so that /ambassadeurs,
the result page's "copropriétés déjà raccordées" and the message relay can be tried on a fresh
install (`make run` calls it after `load_demo_data` and `create_demo_accounts`).

    manage.py create_demo_ambassadors     # idempotent: what exists is left as it is

Each one stands at a real address of the demo BAN extract (data/demo/addresses), within 20 m of
the Sarcelles (9502C) or Villiers-le-Bel (9514C) route: the extract has no address near the two
other demo routes. Their testimonies say they are fictitious; their contacts are organisation-like
names (« Résidence … — conseil syndical (fictif) ») at example.org addresses, which receive no
mail on the Internet: a message relayed to them lands in the email log (and the console in
development). They are created as the national team's moderation leaves them (confirmed,
moderated, published), without the emails of those steps. Refused in production unless --force.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ambassadors import queries, services
from ambassadors.models import Ambassador
from eligibility.models import Address, HeatNetwork

NATIONAL_TEAM_ACCOUNT = "equipe.nationale"  # create_demo_accounts: the moderator, when present
FICTITIOUS = "Témoignage fictif de démonstration. "


@dataclass(frozen=True)
class DemoAmbassador:
    ban_id: str
    network_id: str
    connection_year: int
    dwellings: int
    role: str
    contact_name: str
    contact_email: str
    testimony: str
    works: str = ""
    cost_eur: int | None = None
    savings_percent: int | None = None


AMBASSADORS = [
    # 10 Allée Albert Roussel, Sarcelles: 3 m from the 9502C route.
    DemoAmbassador(
        ban_id="95585_0060_00010",
        network_id="9502C",
        connection_year=2016,
        dwellings=96,
        role=Ambassador.ContactRole.COUNCIL,
        contact_name="Résidence Albert Roussel — conseil syndical (fictif)",
        contact_email="ambassadeur.albert-roussel@example.org",
        testimony=FICTITIOUS + "Notre chaudière au gaz avait trente ans. Le conseil syndical a "
        "demandé une étude au gestionnaire du réseau, présentée en assemblée générale : le "
        "raccordement a été voté à une large majorité et réalisé pendant l’été.",
        works="Sous-station en chaufferie, dépose de l’ancienne chaudière, équilibrage.",
        cost_eur=92000,
        savings_percent=18,
    ),
    # 18 Place du Docteur Guérin, Sarcelles: 4 m from the 9502C route.
    DemoAmbassador(
        ban_id="95585_0823_00018",
        network_id="9502C",
        connection_year=2019,
        dwellings=64,
        role=Ambassador.ContactRole.SYNDIC,
        contact_name="Syndic de la résidence du Docteur Guérin (fictif)",
        contact_email="ambassadeur.docteur-guerin@example.org",
        testimony=FICTITIOUS + "Nous gérions une chaufferie au fioul. Le gestionnaire nous a "
        "accompagnés du premier rendez-vous au vote ; les copropriétaires apprécient de ne plus "
        "avoir de livraisons de combustible.",
        works="Raccordement en pied d’immeuble et sous-station.",
        savings_percent=12,
    ),
    # 1 Place du Bois Joli, Villiers-le-Bel: 12 m from the 9514C route.
    DemoAmbassador(
        ban_id="95680_0063_00001",
        network_id="9514C",
        connection_year=2021,
        dwellings=120,
        role=Ambassador.ContactRole.COUNCIL,
        contact_name="Résidence du Bois Joli — conseil syndical (fictif)",
        contact_email="ambassadeur.bois-joli@example.org",
        testimony=FICTITIOUS + "Le réseau passait au pied de la résidence. Nous avons comparé "
        "le remplacement de la chaudière et le raccordement sur vingt ans : le réseau l’a "
        "emporté, avec une chaleur majoritairement renouvelable.",
        works="Sous-station, remplacement des pompes, calorifugeage.",
        cost_eur=140000,
    ),
    # 3 Place Berlioz, Villiers-le-Bel: 17 m from the 9514C route.
    DemoAmbassador(
        ban_id="95680_0055_00003",
        network_id="9514C",
        connection_year=2014,
        dwellings=48,
        role=Ambassador.ContactRole.COUNCIL,
        contact_name="Résidence Berlioz — conseil syndical (fictif)",
        contact_email="ambassadeur.berlioz@example.org",
        testimony=FICTITIOUS + "Raccordés depuis près de dix ans, nous répondons volontiers "
        "aux questions des conseils syndicaux voisins sur le vote, les travaux et les charges.",
    ),
]


class Command(BaseCommand):
    help = (
        "Publie des copropriétés ambassadrices fictives près des réseaux de démonstration. "
        "Idempotente ; refusée en production sans --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Autorise la commande en production."
        )

    def handle(self, *args, force=False, **options):
        if settings.DJANGO_ENV == "production" and not force:
            raise CommandError(
                "Refusé en production : les copropriétés ambassadrices de démonstration n’ont "
                "rien à y faire (--force pour passer outre)."
            )
        moderator = get_user_model().objects.filter(username=NATIONAL_TEAM_ACCOUNT).first()
        created, missing = [], []
        with transaction.atomic():
            for spec in AMBASSADORS:
                if Ambassador.objects.filter(contact_email=spec.contact_email).exists():
                    continue
                address = Address.objects.filter(ban_id=spec.ban_id).first()
                network = HeatNetwork.objects.filter(network_id=spec.network_id).first()
                if address is None or network is None:
                    missing.append(spec.ban_id)
                    continue
                created.append(self._publish(spec, address, network, moderator))
        for network_id in {ambassador.network.network_id for ambassador in created}:
            queries.forget_counts(network_id)
        if missing:
            self.stderr.write(
                f"Adresse ou réseau de démonstration absent ({', '.join(missing)}) : chargez "
                "d’abord les données de démonstration (manage.py load_demo_data)."
            )
        if created:
            self.stdout.write(
                f"{len(created)} copropriété(s) ambassadrice(s) fictive(s) publiée(s)."
            )
        else:
            self.stdout.write("Aucune copropriété ambassadrice de démonstration à ajouter.")

    def _publish(self, spec: DemoAmbassador, address: Address, network, moderator) -> Ambassador:
        label = (
            f"{address.numero or ''}{address.rep} {address.nom_voie} "
            f"{address.code_postal} {address.nom_commune}"
        ).strip()
        place = services.place_from_label(
            label=label,
            lat=address.location.y,
            lon=address.location.x,
            citycode=address.code_insee,
            city=address.nom_commune,
        )
        now = timezone.now()
        return Ambassador.objects.create(
            address_label=place.label,
            location=address.location,
            code_insee=place.code_insee,
            commune=place.commune,
            street=place.street,
            network=network,
            connection_year=spec.connection_year,
            dwellings=spec.dwellings,
            works=spec.works,
            cost_eur=spec.cost_eur,
            cost_public=spec.cost_eur is not None,
            savings_percent=spec.savings_percent,
            savings_public=spec.savings_percent is not None,
            testimony=spec.testimony,
            contact_name=spec.contact_name,
            contact_role=spec.role,
            contact_email=spec.contact_email,
            consent=True,
            consent_at=now,
            status=Ambassador.Status.PUBLISHED,
            verified_at=now,
            moderated_at=now,
            moderated_by=moderator,
            published_at=now,
        )
