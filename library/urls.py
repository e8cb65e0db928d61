from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("ressources/", views.document_list, name="list"),
    path("ressources/<slug:slug>/", views.document_detail, name="detail"),
    path("ressources/<slug:slug>/telecharger", views.document_download, name="download"),
]
