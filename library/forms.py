from django import forms
from django.urls import reverse
from dsfr.forms import DsfrBaseForm

from library.models import Audience, Document, DocumentType, Topic


class DocumentSearchForm(DsfrBaseForm):
    """The search and filters of /ressources, all GET parameters (the page works without
    JavaScript; filter tags are links that set one parameter)."""

    q = forms.CharField(label="Rechercher dans les ressources", required=False, max_length=100)
    type = forms.ChoiceField(
        label="Type de document", required=False, choices=[("", "Tous"), *DocumentType.choices]
    )
    public = forms.ChoiceField(
        label="Public", required=False, choices=[("", "Tous"), *Audience.choices]
    )
    theme = forms.ChoiceField(label="Thème", required=False, choices=[])

    def __init__(self, *args, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        topics = topics if topics is not None else Topic.objects.all()
        self.fields["theme"].choices = [("", "Tous"), *((t.slug, t.name) for t in topics)]


class _AdminFileLink:
    """What the admin's file widget shows for a stored file: its name, linked to the admin's own
    download (an attachment), never to /media/."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self):
        return self.name.rsplit("/", 1)[-1]


class LibraryFileInput(forms.ClearableFileInput):
    download_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.download_url:
            context["widget"]["value"] = _AdminFileLink(value.name, self.download_url)
        return context


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["file"]  # the admin's fieldsets give the others
        widgets = {"file": LibraryFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "file" in self.fields:
            self.fields["file"].widget.download_url = reverse(
                "admin:library_document_file", args=[self.instance.pk]
            )
