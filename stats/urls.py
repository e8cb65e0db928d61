from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("stats/", views.index, name="index"),
    path("stats.csv", views.export_csv, name="csv"),
    path("stats.json", views.export_json, name="json"),
]
