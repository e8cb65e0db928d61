"""Demo organisations, one staff account per role, and a few fictitious leads, for the demo data
of data/demo/ (`make run` calls it after `load_demo_data --if-empty`).

    manage.py create_demo_accounts            # idempotent: what exists is left as it is
    manage.py create_demo_accounts --no-leads

Organisations: the operators of the demo networks (Dalkia for 9502C and 9515C, Engie/SEFIR for
9507C, Coriance for 9514C, linked to the networks when they are loaded), the Val-d'Oise energy
agency (département 95) and the national team; their names say they are demo accounts.

Passwords: DEMO_ACCOUNTS_PASSWORD when set (then applied to every demo account at each run),
else a random one, printed once when the accounts are created. The national team's account gets
an authenticator device (two-factor authentication is required for it): `manage.py
demo_otp_code equipe.nationale` prints its current code. Refuses to run in production unless
--force (and then creates no device: the account enrols its own).

The leads are real addresses of data/demo/addresses with clearly fictitious requesters
("Exemple …", example.org addresses), created through services.create_lead: routing is real.

The prospects: the real register extract of data/demo holds one condominium within 300 m of the
four demo routes (it samples all of Île-de-France), so the operators' prospect lists would be
almost empty. data/demo/fictif/coproprietes-fictives-95.csv adds fictitious condominiums at real
addresses near the Sarcelles and Villiers-le-Bel routes, in the register's CSV format, read by
`import_rnic` (idempotent: on their DEMO… registration numbers); their names say they are
fictitious.
"""

import csv
import io
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import groups, services
from contacts.models import Lead, Membership, Organisation
from eligibility.models import Condominium, HeatNetwork

DEMO = "démonstration"
ORGANISATIONS = [
    {
        "key": "dalkia",
        "name": f"Dalkia ({DEMO})",
        "kind": Organisation.Kind.OPERATOR,
        "email": "demandes.dalkia@example.org",
        "networks": ["9502C", "9515C"],
    },
    {
        "key": "engie",
        "name": f"Engie Solutions / SEFIR ({DEMO})",
        "kind": Organisation.Kind.OPERATOR,
        "email": "demandes.sefir@example.org",
        "networks": ["9507C"],
    },
    {
        "key": "coriance",
        "name": f"Coriance ({DEMO})",
        "kind": Organisation.Kind.OPERATOR,
        "email": "demandes.coriance@example.org",
        "networks": ["9514C"],
    },
    {
        "key": "alec95",
        "name": f"Agence locale de l’énergie du Val-d’Oise ({DEMO})",
        "kind": Organisation.Kind.ENERGY_AGENCY,
        "email": "conseil.val-d-oise@example.org",
        "departements": ["95"],
    },
    {
        "key": "national",
        "name": f"Équipe nationale France Chaleur Urbaine ({DEMO})",
        "kind": Organisation.Kind.NATIONAL_TEAM,
        "email": "equipe.nationale@example.org",
    },
]
# username, organisation key, group, first name, last name
ACCOUNTS = [
    ("gestionnaire.dalkia", "dalkia", groups.OPERATOR, "Gestionnaire", "Dalkia"),
    ("gestionnaire.engie", "engie", groups.OPERATOR, "Gestionnaire", "Engie"),
    ("gestionnaire.coriance", "coriance", groups.OPERATOR, "Gestionnaire", "Coriance"),
    ("conseiller.95", "alec95", groups.ADVISOR, "Conseiller", "Val-d’Oise"),
    ("equipe.nationale", "national", groups.NATIONAL_TEAM, "Équipe", "nationale"),
]
DEMO_USERNAMES = [username for username, *_ in ACCOUNTS]

# Real addresses of data/demo/addresses (BAN ids), one per routing branch of the demo data.
LEADS = [
    # 9502C Sarcelles (Dalkia), 10 m.
    ("95585_1920_00015", "Exemple", "Dupont", Lead.Structure.CONDOMINIUM, 48, "gas"),
    # 9502C Sarcelles (Dalkia).
    ("95585_1320_00016", "Exemple", "Lefèvre", Lead.Structure.PROFESSIONAL, 120, "oil"),
    # 9514C Villiers-le-Bel (Coriance), very close.
    ("95680_0519_00002", "Exemple", "Martin", Lead.Structure.CONDOMINIUM, 64, "gas"),
    # 706 m from 9514C: beyond 500 m, the Val-d'Oise agency (département 95).
    ("95680_0190_00032", "Exemple", "Bernard", Lead.Structure.CONDOMINIUM, 30, "electricity"),
    # Soisy-sous-Montmorency, no network: the Val-d'Oise agency.
    ("95598_1130_00008", "Exemple", "Petit", Lead.Structure.HOUSE, None, "oil"),
]
# What each demo requester asks for and their role (a professional's is their kind; a house has
# none); the routing stays the one of the comments above.
DEMO_REQUESTS = {
    "Dupont": (Lead.RequestType.QUOTE, Lead.Role.COUNCIL_MEMBER),
    "Lefèvre": (Lead.RequestType.APPOINTMENT, ""),
    "Martin": (Lead.RequestType.QUOTE, Lead.Role.SYNDIC_VOLUNTEER),
    "Bernard": (Lead.RequestType.ADVICE, Lead.Role.CO_OWNER),
    "Petit": (Lead.RequestType.ADVICE, ""),
}
ADDRESSES_FILE = "data/demo/addresses/adresses-95-extrait.csv"
CONDOMINIUMS_FILE = "data/demo/fictif/coproprietes-fictives-95.csv"
CONDOMINIUMS_SOURCE = "Copropriétés fictives de démonstration, au format du registre (RNIC)"


class Command(BaseCommand):
    help = (
        "Crée les organismes, comptes (un par rôle) et demandes de démonstration. "
        "Idempotente ; refusée en production sans --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Autorise la commande en production."
        )
        parser.add_argument(
            "--no-leads", action="store_true", help="Ne crée pas de demandes de démonstration."
        )
        parser.add_argument(
            "--no-condominiums",
            action="store_true",
            help="Ne charge pas les copropriétés fictives des listes de prospects.",
        )

    def handle(self, *args, force=False, no_leads=False, no_condominiums=False, **options):
        production = settings.DJANGO_ENV == "production"
        if production and not force:
            raise CommandError(
                "Refusé en production : les comptes de démonstration n’ont rien à y faire "
                "(--force pour passer outre)."
            )
        with transaction.atomic():
            groups.sync_groups()
            organisations = {spec["key"]: self._organisation(spec) for spec in ORGANISATIONS}
            password = settings.DEMO_ACCOUNTS_PASSWORD
            generated = None
            created_accounts = []
            for username, key, group, first_name, last_name in ACCOUNTS:
                user, created = get_user_model().objects.get_or_create(
                    username=username,
                    defaults={
                        "email": f"{username}@example.org",
                        "first_name": first_name,
                        "last_name": last_name,
                        "is_staff": True,
                    },
                )
                if created or password:
                    if not password:
                        generated = generated or secrets.token_urlsafe(12)
                    user.set_password(password or generated)
                    user.save()
                if created:
                    created_accounts.append(username)
                user.groups.add(Group.objects.get(name=group))
                Membership.objects.get_or_create(
                    user=user, defaults={"organisation": organisations[key]}
                )
                if key == "national" and not production:
                    self._device(user)
            leads = 0 if no_leads else self._leads()
            condominiums = 0 if no_condominiums else self._condominiums()

        if created_accounts:
            self.stdout.write(f"Comptes créés : {', '.join(created_accounts)}.")
        else:
            self.stdout.write("Comptes de démonstration déjà présents.")
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Mot de passe des comptes créés (affiché une seule fois) : {generated}"
                )
            )
        elif password:
            self.stdout.write("Mot de passe : celui de DEMO_ACCOUNTS_PASSWORD.")
        if leads:
            self.stdout.write(f"{leads} demande(s) de démonstration créée(s).")
        if condominiums:
            self.stdout.write(
                f"{condominiums} copropriété(s) fictive(s) près des réseaux de démonstration "
                "(prospects)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Comptes de démonstration prêts (http://localhost:8000/admin/). Code de double "
                "authentification de equipe.nationale : manage.py demo_otp_code equipe.nationale"
            )
        )

    def _organisation(self, spec) -> Organisation:
        organisation, _ = Organisation.objects.get_or_create(
            name=spec["name"],
            defaults={
                "kind": spec["kind"],
                "email": spec["email"],
                "departements": spec.get("departements", []),
            },
        )
        networks = HeatNetwork.objects.filter(network_id__in=spec.get("networks", []))
        organisation.networks.add(*networks)
        return organisation

    def _device(self, user) -> None:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user, name="Démonstration (manage.py demo_otp_code)", confirmed=True
            )

    def _leads(self) -> int:
        path = settings.BASE_DIR / ADDRESSES_FILE
        if not path.exists():
            self.stderr.write(f"{ADDRESSES_FILE} introuvable : pas de demande de démonstration.")
            return 0
        with path.open(encoding="utf-8") as file:
            addresses = {row["id"]: row for row in csv.DictReader(file, delimiter=";")}
        created = 0
        for ban_id, first_name, last_name, structure, dwellings, energy in LEADS:
            row = addresses.get(ban_id)
            if row is None:
                continue
            label = (
                f"{row['numero']}{row['rep']} {row['nom_voie']} "
                f"{row['code_postal']} {row['nom_commune']}"
            )
            email = f"{first_name}.{last_name}@example.org".lower().replace("è", "e")
            if Lead.objects.filter(email=email, address_label=label).exists():
                continue
            request_type, role = DEMO_REQUESTS[last_name]
            lead, _ = services.create_lead(
                request_type=request_type,
                requester_role=role,
                structure=structure,
                professional_kind="syndic" if structure == Lead.Structure.PROFESSIONAL else "",
                company_name=(
                    "Syndic Exemple (fictif)" if structure == Lead.Structure.PROFESSIONAL else ""
                ),
                first_name=first_name,
                last_name=last_name,
                email=email,
                heating_energy=energy,
                heating_type=(
                    Lead.HeatingType.INDIVIDUAL
                    if structure == Lead.Structure.HOUSE
                    else Lead.HeatingType.COLLECTIVE
                ),
                dwellings=dwellings,
                comment="Demande fictive de démonstration (compte de démonstration).",
                consent=True,
                address_label=label,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                citycode=row["code_insee"],
            )
            if created == 0:
                self._handled(lead)
            created += 1
        return created

    def _condominiums(self) -> int:
        """The fictitious condominiums of the prospect lists, through the register's import."""
        path = settings.BASE_DIR / CONDOMINIUMS_FILE
        if not path.exists():
            self.stderr.write(f"{CONDOMINIUMS_FILE} introuvable : pas de copropriété fictive.")
            return 0
        call_command(
            "import_rnic",
            str(path),
            source=CONDOMINIUMS_SOURCE,
            verbosity=0,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        return Condominium.objects.filter(source=CONDOMINIUMS_SOURCE).count()

    def _handled(self, lead: Lead) -> None:
        """The first demo lead shows a history: its organisation's demo account called back."""
        staff = (
            get_user_model()
            .objects.filter(username__in=DEMO_USERNAMES, membership__organisation=lead.organisation)
            .first()
        )
        if staff is None or lead.status != Lead.Status.NEW:
            return
        services.change_status(
            lead=lead,
            status=Lead.Status.CONTACTED,
            actor=staff,
            note="Appel du conseil syndical (exemple fictif).",
        )
        services.add_internal_note(
            lead=lead, actor=staff, note="Visite technique à proposer (exemple fictif)."
        )
