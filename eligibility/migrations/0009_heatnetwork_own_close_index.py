"""The largest "close" distance of the networks, read by every eligibility test."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0008_address_street_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="heatnetwork",
            index=models.Index(
                condition=models.Q(("threshold_close_m__isnull", False)),
                fields=["threshold_close_m"],
                name="heatnetwork_own_close",
            ),
        ),
    ]
