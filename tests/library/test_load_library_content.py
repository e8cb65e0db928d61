import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from library import content
from library.models import Document, Topic

pytestmark = pytest.mark.django_db

REQUIRED = {
    "se-raccorder-a-un-reseau-de-chaleur-les-etapes": ("guide", "pdf"),
    "ce-que-l-assemblee-generale-doit-voter": ("guide", "pdf"),
    "modele-de-resolution-d-assemblee-generale-raccordement": ("modele", "odt"),
    "les-aides-financieres-au-raccordement": ("guide", "pdf"),
    "les-questions-a-poser-au-gestionnaire-du-reseau": ("guide", "pdf"),
    "reseaux-classes-et-perimetres-de-developpement-prioritaire": ("reglementation", ""),
    "exemple-fictif-une-copropriete-de-80-logements-raccordee": ("rex", ""),
    "pas-de-reseau-a-proximite-les-autres-solutions": ("guide", ""),
}


def load(*args) -> str:
    out = StringIO()
    call_command("load_library_content", *args, stdout=out)
    return out.getvalue()


def stored_files(media_root) -> list[str]:
    return (
        sorted(path.name for path in (media_root / "library").glob("*"))
        if (media_root / "library").exists()
        else []
    )


def test_the_starting_documents_are_loaded_published_with_their_files(media_root):
    output = load()
    assert "Documents : 9 créés, 0 mis à jour. Fichiers : 5 écrits, 0 inchangés." in output
    for slug, (kind, file_type) in REQUIRED.items():
        document = Document.objects.published().get(slug=slug)
        assert document.type == kind
        assert document.file_type == file_type
        assert document.source_list(), slug
        assert all(
            source["url"].startswith("https://")
            for source in document.source_list()
            if source["url"]
        )
        if file_type:
            assert re.fullmatch(
                rf"library/[a-z0-9-]+-[0-9a-f]{{12}}\.{file_type}", document.file.name
            )
    assert len(stored_files(media_root)) == 5
    assert Topic.objects.count() == 6


def test_loading_twice_changes_nothing(media_root):
    load()
    files = stored_files(media_root)
    snapshot = list(
        Document.objects.order_by("slug").values_list("slug", "file", "file_sha256", "updated_at")
    )
    output = load()
    assert "Thèmes : 0 créés, 6 mis à jour. Documents : 0 créés, 9 mis à jour." in output
    assert "Fichiers : 0 écrits, 5 inchangés." in output
    assert (Document.objects.count(), Topic.objects.count()) == (9, 6)
    assert stored_files(media_root) == files
    after = list(Document.objects.order_by("slug").values_list("slug", "file", "file_sha256"))
    assert after == [row[:3] for row in snapshot]


def test_a_document_unpublished_in_the_admin_stays_unpublished_after_a_reload():
    load()
    Document.objects.filter(slug="les-aides-financieres-au-raccordement").update(published=False)
    load()
    assert not Document.objects.get(slug="les-aides-financieres-au-raccordement").published


def test_dry_run_writes_nothing(media_root):
    output = load("--dry-run")
    assert output.startswith("[simulation]")
    assert Document.objects.count() == 0 and Topic.objects.count() == 0
    assert stored_files(media_root) == []


def test_an_invalid_catalogue_is_refused_with_every_error(tmp_path):
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        '[[documents]]\nslug = "x"\ntitle = "X"\ntype = "roman"\nsummary = "s"\n'
        'published_on = 2025-01-01\nauthor = "a"\naudiences = ["enfants"]\nbody = "absent.md"\n'
        'sources = ["Source | javascript:alert(1)"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        load("--catalogue", str(catalogue))
    message = str(error.value)
    assert "4 erreur(s)" in message
    assert "type inconnu « roman »" in message
    assert "public inconnu « enfants »" in message
    assert "fichier introuvable « absent.md »" in message
    assert "adresse de source invalide" in message
    assert Document.objects.count() == 0


def test_the_content_is_written_for_condominium_boards_with_the_facts_asked_for():
    load()
    vote = Document.objects.get(slug="ce-que-l-assemblee-generale-doit-voter").body
    for fact in [
        "article 25",
        "25-1",
        "tiers des voix",
        "article 24",
        "10 juillet 1965",
        "21 jours",
        "deux mois",
    ]:
        assert fact in vote
    steps = Document.objects.get(slug="se-raccorder-a-un-reseau-de-chaleur-les-etapes").body
    for fact in [
        "étude",
        "assemblée générale",
        "police d’abonnement",
        "branchement",
        "sous-station",
        "mise en service",
        "12 à 24 mois",
    ]:
        assert fact in steps
    aides = Document.objects.get(slug="les-aides-financieres-au-raccordement").body
    for fact in [
        "Coup de pouce",
        "plus de 50 %",
        "Fonds Chaleur",
        "MaPrimeRénov’ Copropriété",
        "5,5 %",
        "avant de signer le devis",
    ]:
        assert fact in aides
    questions = Document.objects.get(slug="les-questions-a-poser-au-gestionnaire-du-reseau").body
    for fact in [
        "R1",
        "R2",
        "puissance souscrite",
        "durée du contrat",
        "mix énergétique",
        "contenu CO2",
        "à la charge de la copropriété",
    ]:
        assert fact in questions
    rules = Document.objects.get(
        slug="reseaux-classes-et-perimetres-de-developpement-prioritaire"
    ).body
    for fact in ["L712-1", "30 kilowatts", "dérogation", "périmètre de développement prioritaire"]:
        assert fact in rules
    rex = Document.objects.get(slug="exemple-fictif-une-copropriete-de-80-logements-raccordee")
    assert rex.is_illustrative and "Exemple fictif" in rex.body


def test_the_loaded_model_is_an_editable_opendocument(client):
    load()
    document = Document.objects.get(slug="modele-de-resolution-d-assemblee-generale-raccordement")
    response = client.get(document.get_download_url())
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert response["Content-Disposition"] == f'attachment; filename="{document.slug}.odt"'
    data = b"".join(response.streaming_content)
    assert (
        data.startswith(b"PK\x03\x04")
        and b"mimetypeapplication/vnd.oasis.opendocument.text" in data
    )


def test_after_loading_a_search_for_assemblee_generale_finds_the_vote_guide_first(client):
    load()
    response = client.get("/ressources/", {"q": "assemblee generale"})
    assert (
        response.context["page_obj"].object_list[0].slug == "ce-que-l-assemblee-generale-doit-voter"
    )
    for query in ("reseaux", "chaudieres", "coproprietes"):
        assert client.get("/ressources/", {"q": query}).context["page_obj"].paginator.count >= 3, (
            query
        )


def test_the_catalogue_of_the_repository_is_valid():
    catalogue = content.read_catalogue()
    assert len(catalogue["documents"]) == 9
