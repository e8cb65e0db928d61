"""Factories of the library: published documents unless told, about heat networks."""

import datetime

import factory
from django.core.files.base import ContentFile

from library import filetypes
from library.models import Audience, Document, DocumentType, Topic
from library.pdf import render as render_pdf


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Guide numéro {n}")
    slug = factory.Sequence(lambda n: f"guide-numero-{n}")
    summary = "Un guide pour préparer le raccordement d’une copropriété."
    body = "## Introduction\n\nLe raccordement se prépare avec le gestionnaire du réseau."
    type = DocumentType.GUIDE
    audiences = factory.LazyFunction(lambda: [Audience.CONDOMINIUMS])
    published = True
    published_on = datetime.date(2025, 6, 2)
    author_organisation = "France Chaleur Urbaine"

    class Params:
        unpublished = factory.Trait(published=False)
        with_pdf = factory.Trait(
            file=factory.LazyAttribute(
                lambda d: ContentFile(render_pdf(d.title, d.body), name=f"{d.slug}.pdf")
            )
        )
        with_link = factory.Trait(external_url="https://www.ecologie.gouv.fr/")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
            Document.objects.filter(pk=self.pk).refresh_search_vector()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        document = model_class(*args, **kwargs)
        if document.file:
            upload = document.file.file
            document.set_file_info(filetypes.inspect(upload, document.file.name))
        document.save()
        return document
