"""Import the national condominium register (RNIC, ANAH) from its GeoJSON or CSV export.

    manage.py import_rnic rnic-ile-de-france-extrait.geojson
    manage.py import_rnic rnc-data-gouv.csv --source "ANAH, RNIC" --source-date 2026-09-30

The condominiums are created or updated on their registration number (`numero_immatriculation`);
see eligibility/rnic.py for the fields read and how each value is checked.
"""

from eligibility import rnic
from eligibility.importing import ImportCommand, Noun


class Command(ImportCommand):
    help = (
        "Importe le registre national d’immatriculation des copropriétés (RNIC, ANAH), "
        "en GeoJSON ou en CSV tel que publié."
    )
    noun = Noun("copropriété", "copropriétés", feminine=True)
    path_help = "Fichier GeoJSON ou CSV du registre des copropriétés."

    def import_file(self, path, report):
        rnic.import_file(
            path,
            report,
            progress_for=self.progress,
            source=self.source,
            source_date=self.source_date,
        )
