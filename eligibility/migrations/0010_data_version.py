"""Versions of the tables the eligibility rules read, bumped by triggers (DataVersion)."""

from django.db import migrations, models

# The tables whose content the in-memory index (eligibility/index.py) holds: the networks, their
# routes and zones, the priority zones and their networks, and the addresses (the communes of
# the networks without a route are located by their addresses).
TABLES = [
    "eligibility_heatnetwork",
    "eligibility_futurenetwork",
    "eligibility_priorityzone",
    "eligibility_priorityzone_networks",
    "eligibility_priorityzone_future_networks",
    "eligibility_address",
]

FUNCTION = """
CREATE FUNCTION eligibility_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO eligibility_dataversion ("table", version)
  VALUES (TG_TABLE_NAME, nextval('eligibility_data_version_seq'))
  ON CONFLICT ("table") DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END $$
"""

TRIGGER = """
CREATE TRIGGER eligibility_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION eligibility_bump_data_version()
"""


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0009_heatnetwork_own_close_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "table",
                    models.CharField(
                        max_length=63, primary_key=True, serialize=False, verbose_name="table"
                    ),
                ),
                ("version", models.BigIntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "version des données",
                "verbose_name_plural": "versions des données",
            },
        ),
        migrations.RunSQL(
            ["CREATE SEQUENCE eligibility_data_version_seq", FUNCTION]
            + [TRIGGER.format(table=table) for table in TABLES],
            [f"DROP TRIGGER eligibility_data_version ON {table}" for table in TABLES]
            + [
                "DROP FUNCTION eligibility_bump_data_version()",
                "DROP SEQUENCE eligibility_data_version_seq",
            ],
        ),
    ]
