"""Fictitious activity for benchmarking /stats: eligibility tests, leads routed to fictitious
organisations, staff responses, project stages and follow-up answers, spread over the last
months. Deterministic for a seed. Refuses a database that holds real leads."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from contacts.models import Lead, LeadEvent, Organisation
from stats import queries

MARK = "synthetic-activity"
BATCH = 5000
# Real INSEE commune codes, mainland, Corsica and overseas, so that /stats filters by région and
# département have something to show (Sarcelles counts triple: the service started in Val-d'Oise).
COMMUNES = [
    "95585",  # Sarcelles
    "95585",
    "95585",
    "75056",  # Paris
    "93066",  # Saint-Denis
    "69123",  # Lyon
    "13055",  # Marseille
    "33063",  # Bordeaux
    "59350",  # Lille
    "67482",  # Strasbourg
    "31555",  # Toulouse
    "44109",  # Nantes
    "2A004",  # Ajaccio
    "97411",  # Saint-Denis (La Réunion)
]


class Command(BaseCommand):
    help = "Génère une activité fictive (tests d’éligibilité, demandes) pour mesurer /stats."

    def add_arguments(self, parser):
        parser.add_argument("--checks", type=int, default=1_000_000)
        parser.add_argument("--leads", type=int, default=50_000)
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--operators", type=int, default=40)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, checks, leads, months, operators, seed, **options):
        if Lead.objects.exclude(ip_hash=MARK).exists():
            raise CommandError("La base contient des demandes réelles : génération refusée.")
        rng = random.Random(seed)  # noqa: S311 (reproducible, not secret)
        now = timezone.now()
        days = months * 30
        with transaction.atomic():
            self._checks(checks, days, seed)
            organisations = [
                Organisation.objects.get_or_create(
                    name=f"Gestionnaire fictif {n:02d}", defaults={"kind": "operator"}
                )[0]
                for n in range(1, operators + 1)
            ]
            organisations.append(
                Organisation.objects.get_or_create(
                    name="Agence fictive", defaults={"kind": Organisation.Kind.ENERGY_AGENCY}
                )[0]
            )
            staff, _ = get_user_model().objects.get_or_create(
                username="gestionnaire.fictif", defaults={"is_staff": True}
            )
            self._leads(leads, days, rng, now, organisations, staff)
        queries.forget()
        self.stdout.write(f"{checks} tests d’éligibilité et {leads} demandes fictifs générés.")

    def _checks(self, count, days, seed):
        """One INSERT … SELECT: a million rows in seconds."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [1 / (seed + 1)])
            cursor.execute(
                """
                INSERT INTO eligibility_eligibilitycheck
                    (created_at, channel, code_insee, category, eligible, distance_m, network_id)
                SELECT now() - random() * (%s * interval '1 day'),
                       (ARRAY['web', 'web', 'web', 'api', 'bulk'])[1 + floor(random() * 5)::int],
                       c.code_insee, c.category, c.category <> 'too_far', NULL, ''
                FROM (
                    SELECT (ARRAY['existing_very_close', 'existing_close', 'too_far'])
                           [1 + floor(random() * 3)::int] AS category,
                           (%s::text[])[1 + floor(random() * %s)::int] AS code_insee
                    FROM generate_series(1, %s)
                ) c
                """,
                [days, COMMUNES, len(COMMUNES), count],
            )

    def _leads(self, count, days, rng, now, organisations, staff):
        statuses = [s for s in Lead.Status if s not in Lead.WITHHELD_STATUSES]
        for start in range(0, count, BATCH):
            batch = []
            for _ in range(min(BATCH, count - start)):
                created = now - timedelta(seconds=rng.randrange(days * 86400))
                routed = rng.random()
                answered = rng.random() < 0.3
                batch.append(
                    Lead(
                        structure=Lead.Structure.CONDOMINIUM,
                        heating_energy=Lead.HeatingEnergy.GAS,
                        heating_type=Lead.HeatingType.COLLECTIVE,
                        dwellings=rng.randint(5, 200),
                        code_insee=rng.choice(COMMUNES),
                        consent=True,
                        consent_at=created,
                        category="existing_very_close",
                        eligible=True,
                        organisation=None if routed < 0.1 else rng.choice(organisations),
                        status=Lead.Status.MODERATION if routed < 0.02 else rng.choice(statuses),
                        followup_contacted=rng.random() < 0.6 if answered else None,
                        followup_answered_at=created + timedelta(days=31) if answered else None,
                        token=None,
                        ip_hash=MARK,
                        created_at=created,
                        last_activity_at=created,
                    )
                )
            Lead.objects.bulk_create(batch)
            events = []
            for lead in batch:
                if lead.status in {Lead.Status.NEW, Lead.Status.MODERATION}:
                    continue
                events.append(
                    LeadEvent(
                        lead=lead,
                        kind=LeadEvent.Kind.STATUS,
                        actor=staff,
                        to_status=lead.status,
                        created_at=lead.created_at + timedelta(hours=rng.randint(1, 400)),
                    )
                )
            LeadEvent.objects.bulk_create(events)
