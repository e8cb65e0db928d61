from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("demande-de-contact/", views.lead_form, name="lead_form"),
    path("demande-de-contact/confirmation/", views.lead_confirmation, name="lead_confirmation"),
    path("demande/<str:token>/", views.lead_private, name="lead_private"),
    path("demande/<str:token>/supprimer/", views.lead_delete, name="lead_delete"),
    path("suivi-de-demande/<str:signed>/", views.followup_answer, name="followup_answer"),
]
