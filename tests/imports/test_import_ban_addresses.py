import gzip
import shutil

import psycopg
import pytest
from django.contrib.gis.geos import Point
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from eligibility.models import Address
from eligibility.text import normalize
from tests.imports.conftest import DEMO, fixture, run

pytestmark = pytest.mark.django_db

BAN_EXTRACT = str(DEMO / "addresses" / "adresses-95-extrait.csv")


def test_the_real_val_d_oise_extract_is_imported():
    report = run("import_ban_addresses", BAN_EXTRACT)

    assert "530 adresses créées, 0 mise à jour, 0 inchangée, 0 rejetée" in report
    address = Address.objects.get(ban_id="95585_1920_00015")
    assert address.label == "15 Allée Paul Dukas 95200 Sarcelles"
    assert address.search_label == "15 allee paul dukas 95200 sarcelles"
    assert address.location.coords == pytest.approx((2.372514, 48.974443))


def test_search_labels_are_those_of_normalize_on_the_whole_address():
    run("import_ban_addresses", fixture("ban-addresses.csv"))
    run("import_ban_addresses", BAN_EXTRACT)

    for address in Address.objects.all():
        parts = [str(address.numero or ""), address.rep, address.nom_voie]
        parts += [address.code_postal, address.nom_commune]
        assert address.search_label == normalize(" ".join(p for p in parts if p))


def test_the_official_layout_is_read_and_bad_rows_are_rejected():
    report = run("import_ban_addresses", fixture("ban-addresses.csv"))

    assert "4 adresses créées, 0 mise à jour, 0 inchangée, 6 rejetées" in report
    assert "ligne 5 : position (lon, lat) manquante" in report
    assert "ligne 6 : code postal « 9520 » invalide (5 chiffres)" in report
    assert "ligne 7 : code INSEE « 9558 » invalide" in report
    assert "ligne 8 : identifiant BAN 95585_1920_00015 en double (déjà ligne 2)" in report
    assert "ligne 9 : lat : 248.9745 hors limites" in report
    assert "ligne 10 : position (48.974443, 2.372514) hors de la France métropolitaine" in report
    assert Address.objects.get(code_insee="97411").location.coords == pytest.approx(
        (55.4481, -20.8789)
    )
    copeau = Address.objects.get(ban_id="95585_1320_00016")
    assert (copeau.rep, copeau.search_label) == (
        "bis",
        "16 bis boulevard jacques copeau 95200 sarcelles",
    )
    ajaccio = Address.objects.get(code_insee="2A004")
    assert ajaccio.location.distance(Point(8.7369, 41.9256)) < 1e-9  # decimal commas


def test_second_run_updates_without_duplicates():
    run("import_ban_addresses", BAN_EXTRACT)
    Address.objects.filter(ban_id="95585_1920_00015").update(nom_voie="Ancien nom")

    report = run("import_ban_addresses", BAN_EXTRACT)

    assert "0 adresse créée, 1 mise à jour, 529 inchangées, 0 rejetée" in report
    assert Address.objects.count() == 530
    assert Address.objects.get(ban_id="95585_1920_00015").nom_voie == "Allée Paul Dukas"


def test_a_moved_address_is_updated():
    run("import_ban_addresses", BAN_EXTRACT)
    Address.objects.filter(ban_id="95585_1920_00015").update(location=Point(2.0, 48.0, srid=4326))

    report = run("import_ban_addresses", BAN_EXTRACT)

    assert "1 mise à jour" in report
    assert Address.objects.get(ban_id="95585_1920_00015").location.coords == pytest.approx(
        (2.372514, 48.974443)
    )


def test_a_gzipped_file_is_read(tmp_path):
    archive = tmp_path / "adresses-95.csv.gz"
    with open(BAN_EXTRACT, "rb") as source, gzip.open(archive, "wb") as target:
        shutil.copyfileobj(source, target)

    report = run("import_ban_addresses", str(archive))

    assert "530 adresses créées" in report


def test_a_truncated_gzip_is_refused_and_nothing_is_written(tmp_path):
    archive = tmp_path / "adresses-95.csv.gz"
    with open(BAN_EXTRACT, "rb") as source, gzip.open(archive, "wb") as target:
        shutil.copyfileobj(source, target)
    archive.write_bytes(archive.read_bytes()[:4000])

    with pytest.raises(CommandError, match="archive gzip illisible ou tronquée"):
        run("import_ban_addresses", str(archive))
    assert not Address.objects.exists()


def test_dry_run_writes_nothing():
    report = run("import_ban_addresses", BAN_EXTRACT, dry_run=True)

    assert "530 adresses créées" in report
    assert not Address.objects.exists()


def test_a_comma_separated_file_is_refused_with_the_columns_found(tmp_path):
    path = tmp_path / "adresses.csv"
    path.write_text(
        "id,numero,rep,nom_voie,code_postal,code_insee,nom_commune,lon,lat\n", encoding="utf-8"
    )

    with pytest.raises(
        CommandError, match="colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : id, numero"
    ):
        run("import_ban_addresses", str(path))


def test_a_latin1_file_is_refused(tmp_path):
    path = tmp_path / "adresses.csv"
    with open(BAN_EXTRACT, encoding="utf-8") as source:
        path.write_bytes(source.read().encode("latin-1", errors="replace"))

    with pytest.raises(CommandError, match="n’est pas encodé en UTF-8"):
        run("import_ban_addresses", str(path))
    assert not Address.objects.exists()


def test_a_file_cut_after_chunks_were_written_leaves_the_database_as_before(tmp_path, monkeypatch):
    from eligibility.management.commands import import_ban_addresses

    run("import_ban_addresses", fixture("ban-addresses.csv"))
    before = sorted(Address.objects.values_list("ban_id", "nom_voie"))
    monkeypatch.setattr(import_ban_addresses, "CHUNK", 100)  # 5 chunks written before the end
    cut = tmp_path / "adresses-95.csv"
    with open(BAN_EXTRACT, encoding="utf-8") as source:
        cut.write_text(source.read()[:-40], encoding="utf-8")

    migrated = table_indexes()

    with pytest.raises(CommandError, match="est tronqué : la dernière ligne \\(531\\)"):
        run("import_ban_addresses", str(cut))
    assert sorted(Address.objects.values_list("ban_id", "nom_voie")) == before
    assert table_indexes() == migrated  # dropped for the merge, back with the rollback


def table_indexes() -> dict[str, str]:
    """The indexes of the address table (name → definition) and its UNIQUE constraints."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [Address._meta.db_table],
        )
        indexes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [Address._meta.db_table],
        )
        indexes.update({f"constraint {name}": definition for name, definition in cursor})
    return indexes


def test_a_first_import_rebuilds_the_indexes_of_the_migrations():
    migrated = table_indexes()  # the test database is migrated: these are the migrations'

    report = run("import_ban_addresses", BAN_EXTRACT)

    assert "Premier import (table vide)" in report
    assert "530 adresses créées, 0 mise à jour, 0 inchangée, 0 rejetée" in report
    assert table_indexes() == migrated
    declared = [index.name for index in Address._meta.indexes]
    declared += [f"constraint {constraint.name}" for constraint in Address._meta.constraints]
    assert "address_search_trgm" in declared
    assert set(declared) <= set(migrated)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass AND NOT indisvalid",
            [Address._meta.db_table],
        )
        assert cursor.fetchone()[0] == 0


def test_the_indexes_serve_the_search_after_a_first_import():
    run("import_ban_addresses", BAN_EXTRACT)

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan TO off")
        cursor.execute(
            "EXPLAIN SELECT id FROM eligibility_address WHERE search_label %% %s",
            ["15 allee paul dukas sarcelles"],
        )
        plan = " ".join(line for (line,) in cursor.fetchall())
    assert "address_search_trgm" in plan
    assert Address.objects.filter(search_label__trigram_similar="allee paul dukas").exists()


def test_a_first_import_keeps_the_unique_ban_id():
    run("import_ban_addresses", BAN_EXTRACT)

    with pytest.raises(DatabaseError, match="address_ban_id_unique"):
        Address.objects.create(
            ban_id="95585_1920_00015",
            nom_voie="Allée Paul Dukas",
            code_postal="95200",
            code_insee="95585",
            nom_commune="Sarcelles",
            location=Point(2.372514, 48.974443, srid=4326),
            search_label="15 allee paul dukas 95200 sarcelles",
        )


def index_oids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::int FROM pg_index WHERE indrelid = %s::regclass",
            [Address._meta.db_table],
        )
        return {oid for (oid,) in cursor}


def test_an_import_into_a_filled_table_merges_without_dropping_indexes(monkeypatch):
    from eligibility.management.commands import import_ban_addresses

    run("import_ban_addresses", fixture("ban-addresses.csv"))
    monkeypatch.setattr(import_ban_addresses, "SMALL_TABLE", 4)  # the fixture's 4 rows: "filled"
    oids = index_oids()

    report = run("import_ban_addresses", BAN_EXTRACT)

    assert "Premier import" not in report
    assert "Table presque vide" not in report
    # The two Sarcelles addresses of the fixture: one as in the extract, one with a "bis".
    assert "528 adresses créées, 1 mise à jour, 1 inchangée, 0 rejetée" in report
    assert Address.objects.count() == 532
    assert index_oids() == oids  # the same indexes, not dropped and built again


def test_an_import_into_an_almost_empty_table_rebuilds_its_indexes_after_the_merge():
    migrated = table_indexes()
    run("import_ban_addresses", fixture("ban-addresses.csv"))
    copeau = Address.objects.get(ban_id="95585_1320_00016")

    report = run("import_ban_addresses", BAN_EXTRACT)

    assert "Table presque vide : index supprimés pendant l’import, puis 3 index reconstruits" in (
        report
    )
    assert "528 adresses créées, 1 mise à jour, 1 inchangée, 0 rejetée" in report
    assert Address.objects.count() == 532
    assert Address.objects.get(ban_id="95585_1320_00016").pk == copeau.pk  # updated in place
    assert table_indexes() == migrated


def test_a_first_import_cut_after_rows_were_copied_leaves_table_and_indexes_as_before(
    tmp_path,
):
    migrated = table_indexes()
    cut = tmp_path / "adresses-95.csv"
    with open(BAN_EXTRACT, encoding="utf-8") as source:
        cut.write_text(source.read()[:-40], encoding="utf-8")

    with pytest.raises(CommandError, match="est tronqué : la dernière ligne \\(531\\)"):
        run("import_ban_addresses", str(cut))
    assert not Address.objects.exists()
    assert table_indexes() == migrated


def test_a_first_import_failing_after_the_index_rebuild_leaves_the_database_as_before(
    monkeypatch,
):
    from eligibility.management.commands import import_ban_addresses

    migrated = table_indexes()
    rebuilt = []

    def rebuild_then_fail(cursor, indexes, progress=None):
        create_indexes(cursor, indexes, progress)
        rebuilt.extend(index.name for index in indexes)
        raise DatabaseError("plus d’espace disque")

    create_indexes = import_ban_addresses.create_indexes
    monkeypatch.setattr(import_ban_addresses, "create_indexes", rebuild_then_fail)

    with pytest.raises(CommandError, match="import annulé.*plus d’espace disque"):
        run("import_ban_addresses", BAN_EXTRACT)
    assert "address_search_trgm" in rebuilt
    assert not Address.objects.exists()
    assert table_indexes() == migrated


def test_a_dry_run_first_import_leaves_the_indexes():
    migrated = table_indexes()

    report = run("import_ban_addresses", BAN_EXTRACT, dry_run=True)

    assert "530 adresses créées" in report
    assert not Address.objects.exists()
    assert table_indexes() == migrated


def test_a_house_number_too_big_for_the_column_is_rejected(tmp_path):
    path = tmp_path / "adresses-95.csv"
    with open(BAN_EXTRACT, encoding="utf-8") as source:
        lines = source.read().splitlines()
    lines[1] = lines[1].replace(";15;", ";99999999999;", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = run("import_ban_addresses", str(path))

    assert "529 adresses créées" in report
    assert "ligne 2 : numero : 99999999999 trop grand (au plus 2147483647)" in report


def test_a_first_import_waits_briefly_then_keeps_the_indexes_when_the_table_is_busy(
    monkeypatch,
):
    from eligibility.management.commands import import_ban_addresses

    monkeypatch.setattr(import_ban_addresses, "LOCK_TIMEOUT", "200ms")
    oids = index_oids()
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
    )
    try:
        # Another session reading the table, its transaction left open.
        other.execute("SELECT count(*) FROM eligibility_address").fetchone()

        report = run("import_ban_addresses", BAN_EXTRACT)
    finally:
        other.close()

    assert "Table des adresses occupée par une autre transaction" in report
    assert "Premier import" not in report
    assert "530 adresses créées, 0 mise à jour, 0 inchangée, 0 rejetée" in report
    assert index_oids() == oids
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


def test_a_row_with_a_nul_byte_is_rejected_and_the_others_imported(tmp_path):
    path = tmp_path / "adresses-95.csv"
    with open(BAN_EXTRACT, encoding="utf-8") as source:
        path.write_text(
            source.read().replace("Allée Paul Dukas", "Allée\0Paul Dukas", 1), encoding="utf-8"
        )

    report = run("import_ban_addresses", str(path))

    assert "529 adresses créées" in report
    assert "ligne 2 : caractère nul (octet 0x00) dans le texte" in report
