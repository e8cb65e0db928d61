"""The forms of the back office's actions on a lead (contacts/admin.py, LeadAdmin.lead_action).

Each form only parses; `run` calls the service of contacts/services.py that does the work and
records the event. Their labels are what the staff member reads (French).
"""

from django import forms

from contacts import services
from contacts.models import Lead, Organisation, OutgoingEmail, is_national_team

TEXT_MAX = 5000
NO_STATUS = ""
NO_STATUS_LABEL = "— Choisir un statut —"


def _text(label, help_text="", rows=5, required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 80}),
    )


class LeadActionForm(forms.Form):
    title = ""
    submit = "Enregistrer"
    success = ""
    national_team_only = False

    def __init__(self, *args, lead: Lead, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.user = user

    def run(self):
        raise NotImplementedError


class StatusForm(LeadActionForm):
    title = "Changer le statut"
    submit = "Changer le statut"
    success = "Statut mis à jour."

    status = forms.ChoiceField(
        label="Nouveau statut",
        error_messages={"required": "Choisissez le nouveau statut."},
    )
    note = _text(
        "Commentaire (facultatif)",
        "Visible de l’espace gestionnaire seulement, jamais envoyé au demandeur.",
        rows=2,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        national = is_national_team(self.user)
        self.statuses = [
            (value, label)
            for value, label in Lead.Status.choices
            if value != self.lead.status
            and (national or value not in services.NATIONAL_TEAM_STATUSES)
        ]
        # No status is preselected: submitting the form by mistake changes nothing.
        self.fields["status"].choices = [(NO_STATUS, NO_STATUS_LABEL), *self.statuses]
        if self.lead.status == Lead.Status.MODERATION:
            self.fields["status"].help_text = (
                "« Rejetée (indésirable) » : rien n’est envoyé, ni au demandeur ni à l’organisme, "
                "et la demande ne compte pas dans les statistiques. Tout autre statut libère la "
                "demande : le demandeur et l’organisme reçoivent les courriels retenus."
            )

    def run(self):
        status = self.cleaned_data["status"]
        services.change_status(
            lead=self.lead, status=status, actor=self.user, note=self.cleaned_data["note"]
        )
        if status == Lead.Status.SPAM:
            self.success = "Demande rejetée comme indésirable : aucun courriel envoyé."


class ReplyForm(LeadActionForm):
    title = "Répondre au demandeur"
    submit = "Envoyer la réponse"
    success = "Réponse envoyée au demandeur et archivée sur la demande."

    message = _text(
        "Votre réponse",
        "Envoyée par courriel au demandeur, qui peut vous répondre directement (votre adresse "
        "électronique est l’adresse de réponse) ; conservée dans l’historique de la demande.",
        rows=8,
    )

    def run(self):
        services.reply_to_requester(
            lead=self.lead, actor=self.user, message=self.cleaned_data["message"]
        )


class NoteForm(LeadActionForm):
    title = "Ajouter une note interne"
    submit = "Ajouter la note"
    success = "Note ajoutée."

    note = _text("Note interne", "Jamais envoyée au demandeur.", rows=3)

    def run(self):
        services.add_internal_note(lead=self.lead, actor=self.user, note=self.cleaned_data["note"])


class ReassignmentRequestForm(LeadActionForm):
    title = "Demander une réaffectation"
    submit = "Demander la réaffectation"
    success = "Demande de réaffectation transmise à l’équipe nationale."

    reason = _text(
        "Motif", "Pourquoi la demande ne relève pas de votre organisme, et qui la traiterait.", 3
    )

    def run(self):
        services.request_reassignment(
            lead=self.lead, actor=self.user, reason=self.cleaned_data["reason"]
        )


class ReassignForm(LeadActionForm):
    title = "Réaffecter la demande"
    submit = "Réaffecter"
    success = "Demande réaffectée ; le nouvel organisme est prévenu."
    national_team_only = True

    organisation = forms.ModelChoiceField(
        label="Nouvel organisme", queryset=Organisation.objects.none()
    )
    reason = _text("Motif de la réaffectation", "Transmis au nouvel organisme.", rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            pk=self.lead.organisation_id
        ).order_by("name")

    def run(self):
        services.reassign_lead(
            lead=self.lead,
            organisation=self.cleaned_data["organisation"],
            actor=self.user,
            reason=self.cleaned_data["reason"],
        )


class ResendForm(LeadActionForm):
    title = "Renvoyer un courriel en échec"
    submit = "Renvoyer"
    success = "Courriel remis en file d’envoi."
    national_team_only = True

    email = forms.ModelChoiceField(label="Courriel", queryset=OutgoingEmail.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].queryset = self.lead.emails.filter(status=OutgoingEmail.Status.FAILED)

    def run(self):
        email = self.cleaned_data["email"]
        queued = services.resend_email(email=email, actor=self.user)
        if all(each.pk != email.pk for each in queued):
            self.success = (
                "Courriel non renvoyé : son destinataire ne suit plus la demande ; il est annulé"
                + (" et l’organisme actuel en est prévenu." if queued else ".")
            )


# URL slug → form. The slugs are French: they appear in the address bar.
ACTIONS = {
    "statut": StatusForm,
    "reponse": ReplyForm,
    "note": NoteForm,
    "demande-de-reaffectation": ReassignmentRequestForm,
    "reaffectation": ReassignForm,
    "renvoi-courriel": ResendForm,
}
