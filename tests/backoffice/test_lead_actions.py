"""What staff do with a lead from its page: status, reply, internal note, reassignment request,
reassignment, email resend; each through a service that records who did what and when."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contacts import services
from contacts.models import Lead, LeadEvent, OutgoingEmail
from tests.backoffice.conftest import log_in
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db


def action(lead, slug):
    return f"/admin/contacts/lead/{lead.pk}/traiter/{slug}/"


def change_url(lead):
    return f"/admin/contacts/lead/{lead.pk}/change/"


def test_the_lead_page_shows_the_request_read_only_and_html_as_text(dalkia_client, dalkia):
    lead = LeadFactory(organisation=dalkia, comment="<script>alert(1)</script> <b>gras</b>")
    response = dalkia_client.get(change_url(lead))
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert 'name="comment"' not in html and 'name="email"' not in html  # nothing editable
    assert 'name="_save"' not in html
    assert lead.token not in html  # the requester's private link stays theirs
    assert "Traiter la demande" in html and "Répondre au demandeur" in html


def test_the_standard_admin_save_is_refused(dalkia_client, dalkia_lead):
    response = dalkia_client.post(change_url(dalkia_lead), {"status": "done"})
    assert response.status_code == 405
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.status == Lead.Status.NEW


def test_a_status_change_is_recorded_and_the_requester_sees_its_french_label(
    dalkia_client, dalkia_user, dalkia_lead, client
):
    response = dalkia_client.post(
        action(dalkia_lead, "statut"), {"status": "contacted", "note": "Appel du syndic."}
    )
    assert response.status_code == 302 and response["Location"] == change_url(dalkia_lead)
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.status == Lead.Status.CONTACTED
    event = dalkia_lead.events.get(kind=LeadEvent.Kind.STATUS)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        dalkia_user,
        "new",
        "contacted",
        "Appel du syndic.",
    )
    page = dalkia_client.get(change_url(dalkia_lead)).content.decode()
    assert "Recontacté pour étude" in page and "Appel du syndic." in page

    client.logout()
    assert "Recontacté pour étude" in client.get(f"/demande/{dalkia_lead.token}/").content.decode()
    services.change_status(lead=dalkia_lead, status=Lead.Status.NEW, actor=dalkia_user)
    requester_page = client.get(f"/demande/{dalkia_lead.token}/").content.decode()
    assert "En cours de traitement" in requester_page and "À traiter" not in requester_page
    assert dalkia_lead.events.filter(kind=LeadEvent.Kind.STATUS).count() == 2


def test_the_same_status_again_is_refused_with_a_message(dalkia_user, dalkia_lead):
    with pytest.raises(ValidationError, match="déjà « À traiter »"):
        services.change_status(lead=dalkia_lead, status=Lead.Status.NEW, actor=dalkia_user)


def test_an_operator_can_neither_choose_nor_set_moderation(dalkia_client, dalkia_user, dalkia_lead):
    form = dalkia_client.get(action(dalkia_lead, "statut")).context["form"]
    assert "moderation" not in dict(form.fields["status"].choices)
    response = dalkia_client.post(action(dalkia_lead, "statut"), {"status": "moderation"})
    assert response.status_code == 200 and response.context["form"].errors
    with pytest.raises(PermissionDenied):
        services.change_status(lead=dalkia_lead, status=Lead.Status.MODERATION, actor=dalkia_user)
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.status == Lead.Status.NEW


def test_the_national_team_releases_a_lead_from_moderation_and_its_emails_leave(
    national_client, dalkia, mailoutbox, sent
):
    lead = LeadFactory(organisation=dalkia, moderated=True, email="retenue@exemple.fr")
    with sent():
        response = national_client.post(action(lead, "statut"), {"status": "new"})
    assert response.status_code == 302
    assert {tuple(m.to) for m in mailoutbox} == {
        ("retenue@exemple.fr",),
        ("demandes@dalkia.example.fr",),
    }
    event = lead.events.get(kind=LeadEvent.Kind.STATUS)
    assert event.from_status == "moderation" and "Libérée de la modération" in event.note


def test_a_reply_is_emailed_to_the_requester_with_reply_to_the_staff_member_and_archived(
    dalkia_client, dalkia_user, dalkia_lead, mailoutbox, client, sent
):
    message = "Bonjour, nous passerons le 3 mars.\nÀ bientôt <pas de HTML>."
    with sent():
        response = dalkia_client.post(action(dalkia_lead, "reponse"), {"message": message})
    assert response.status_code == 302

    (email,) = mailoutbox
    assert email.to == ["camille.martin@exemple.fr"]
    assert email.reply_to == ["gestionnaire.dalkia@exemple.fr"]
    assert message in email.body and "Dalkia Île-de-France" in email.body
    assert f"/demande/{dalkia_lead.token}/" in email.body
    stored = dalkia_lead.emails.get(kind=OutgoingEmail.Kind.REPLY)
    assert stored.status == OutgoingEmail.Status.SENT and stored.reply_to == dalkia_user.email
    event = dalkia_lead.events.get(kind=LeadEvent.Kind.REPLY)
    assert event.actor == dalkia_user and event.note == message

    page = dalkia_client.get(change_url(dalkia_lead)).content.decode()
    assert "À bientôt &lt;pas de HTML&gt;." in page
    client.logout()
    private = client.get(f"/demande/{dalkia_lead.token}/").content.decode()
    assert "nous passerons le 3 mars" in private


def test_an_empty_reply_is_refused_and_nothing_is_sent(dalkia_client, dalkia_lead, mailoutbox):
    response = dalkia_client.post(action(dalkia_lead, "reponse"), {"message": "   "})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert mailoutbox == [] and not dalkia_lead.events.exists()


def test_a_reply_when_the_email_provider_is_down_is_kept_and_retried(
    dalkia_client, dalkia_lead, settings, mailoutbox, sent
):
    settings.EMAIL_BACKEND = "tests.contacts.email_backends.BrokenEmailBackend"
    with sent():
        dalkia_client.post(action(dalkia_lead, "reponse"), {"message": "Nous vous rappelons."})
    stored = dalkia_lead.emails.get(kind=OutgoingEmail.Kind.REPLY)
    assert stored.status == OutgoingEmail.Status.FAILED and stored.next_attempt_at is not None
    assert dalkia_lead.events.filter(kind=LeadEvent.Kind.REPLY).exists()


def test_an_internal_note_is_never_emailed(
    dalkia_client, dalkia_user, dalkia_lead, mailoutbox, client
):
    response = dalkia_client.post(
        action(dalkia_lead, "note"), {"note": "Syndic difficile à joindre."}
    )
    assert response.status_code == 302
    assert mailoutbox == [] and not dalkia_lead.emails.exists()
    event = dalkia_lead.events.get(kind=LeadEvent.Kind.NOTE)
    assert event.actor == dalkia_user and event.note == "Syndic difficile à joindre."
    client.logout()
    assert "Syndic difficile" not in client.get(f"/demande/{dalkia_lead.token}/").content.decode()


def test_a_reassignment_request_needs_a_reason_and_notifies_the_national_team(
    dalkia_client, dalkia_user, dalkia_lead, national_team, mailoutbox, sent
):
    response = dalkia_client.post(action(dalkia_lead, "demande-de-reaffectation"), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    assert mailoutbox == []

    with sent():
        response = dalkia_client.post(
            action(dalkia_lead, "demande-de-reaffectation"),
            {"reason": "Immeuble hors de notre concession."},
        )
    assert response.status_code == 302
    (email,) = mailoutbox
    assert email.to == ["tri@france-chaleur-urbaine.example.fr"]
    assert "Immeuble hors de notre concession." in email.body
    assert email.reply_to == [dalkia_user.email]
    event = dalkia_lead.events.get(kind=LeadEvent.Kind.REASSIGNMENT_REQUEST)
    assert event.actor == dalkia_user and event.from_organisation == dalkia_lead.organisation
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.reassignment_requested_at is not None
    assert dalkia_lead.organisation.name == "Dalkia Île-de-France"  # unchanged until reassigned


def test_only_the_national_team_reassigns(dalkia_client, dalkia_user, dalkia_lead, coriance):
    response = dalkia_client.post(
        action(dalkia_lead, "reaffectation"), {"organisation": coriance.pk, "reason": "x"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.reassign_lead(
            lead=dalkia_lead, organisation=coriance, actor=dalkia_user, reason="x"
        )
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.organisation.name == "Dalkia Île-de-France"


def test_a_reassignment_needs_a_reason_and_notifies_the_new_organisation(
    national_client, national_user, dalkia_lead, dalkia, coriance, mailoutbox, sent
):
    dalkia_lead.reassignment_requested_at = dalkia_lead.created_at
    dalkia_lead.save()
    response = national_client.post(
        action(dalkia_lead, "reaffectation"), {"organisation": coriance.pk, "reason": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert mailoutbox == []

    with sent():
        response = national_client.post(
            action(dalkia_lead, "reaffectation"),
            {"organisation": coriance.pk, "reason": "Adresse desservie par Coriance."},
        )
    assert response.status_code == 302
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.organisation == coriance and dalkia_lead.reassignment_requested_at is None
    (email,) = mailoutbox
    assert email.to == ["demandes@coriance.example.fr"]
    assert "Adresse desservie par Coriance." in email.body
    event = dalkia_lead.events.get(kind=LeadEvent.Kind.REASSIGNMENT)
    assert (event.actor, event.from_organisation, event.to_organisation) == (
        national_user,
        dalkia,
        coriance,
    )


def test_the_national_team_resends_a_failed_email(
    national_client, national_user, dalkia_lead, settings, mailoutbox, sent
):
    settings.EMAIL_BACKEND = "tests.contacts.email_backends.BrokenEmailBackend"
    with sent():
        services.reply_to_requester(lead=dalkia_lead, actor=national_user, message="Bonjour.")
    failed = dalkia_lead.emails.get()
    assert failed.status == OutgoingEmail.Status.FAILED
    page = national_client.get(change_url(dalkia_lead)).content.decode()
    assert "Renvoyer un courriel en échec" in page and "AnymailAPIError" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with sent():
        response = national_client.post(
            action(dalkia_lead, "renvoi-courriel"), {"email": failed.pk}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT
    assert [m.to for m in mailoutbox] == [["camille.martin@exemple.fr"]]
    assert dalkia_lead.events.filter(kind=LeadEvent.Kind.EMAIL, actor=national_user).exists()


def test_operators_cannot_resend_emails(dalkia_client, dalkia_user, dalkia_lead):
    email = OutgoingEmail.objects.create(
        lead=dalkia_lead,
        kind="confirmation",
        recipient="x@exemple.fr",
        subject="s",
        body="b",
        status=OutgoingEmail.Status.FAILED,
    )
    response = dalkia_client.post(action(dalkia_lead, "renvoi-courriel"), {"email": email.pk})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.resend_email(email=email, actor=dalkia_user)


def test_the_email_list_resends_failed_emails_for_the_national_team(
    national_client, dalkia_lead, mailoutbox, sent
):
    failed = OutgoingEmail.objects.create(
        lead=dalkia_lead,
        kind="confirmation",
        recipient="camille@exemple.fr",
        subject="Votre demande",
        body="-",
        status=OutgoingEmail.Status.FAILED,
        attempts=6,
        last_error="AnymailAPIError: 503",
    )
    listing = national_client.get("/admin/contacts/outgoingemail/?status__exact=failed")
    assert "Votre demande" in listing.content.decode()
    with sent():
        national_client.post(
            "/admin/contacts/outgoingemail/",
            {"action": "resend", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT and failed.attempts == 1
    assert len(mailoutbox) == 1


def test_an_anonymised_lead_cannot_be_replied_to(dalkia_user, dalkia_lead):
    services.anonymise_lead(lead=dalkia_lead, reason="Test.")
    with pytest.raises(ValidationError, match="anonymisée"):
        services.reply_to_requester(lead=dalkia_lead, actor=dalkia_user, message="Bonjour")


def test_an_operator_with_otp_required_for_all_staff_is_sent_to_enrol(
    client, dalkia_user, dalkia_lead, settings
):
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    log_in(client, dalkia_user)
    response = client.get(change_url(dalkia_lead))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
