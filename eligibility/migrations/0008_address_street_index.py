"""Autocomplete: the other house numbers of a street come from an index on (commune, street),
which also serves the lookups by commune that the plain code_insee index served."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0007_route_segments_mercator"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="address",
            name="address_code_insee",
        ),
        migrations.AddIndex(
            model_name="address",
            index=models.Index(fields=["code_insee", "nom_voie"], name="address_commune_street"),
        ),
    ]
