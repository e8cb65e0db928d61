"""URLs of the back office's bulk eligibility tests, mounted under /admin/test-en-masse/ by
chauffage/urls.py. Every view goes through `admin.site.admin_view` (staff, two-factor done)."""

from django.contrib import admin
from django.urls import path

from contacts import bulk_views as views

app_name = "bulk"


def _staff(view):
    return admin.site.admin_view(view)


urlpatterns = [
    path("", _staff(views.job_list), name="list"),
    path("nouveau/", _staff(views.upload), name="upload"),
    path("<int:pk>/apercu/", _staff(views.preview), name="preview"),
    path("<int:pk>/", _staff(views.detail), name="detail"),
    path("<int:pk>/etat.json", _staff(views.status), name="status"),
    path("<int:pk>/telecharger/<str:fmt>/", _staff(views.download), name="download"),
    path("<int:pk>/carte/", _staff(views.map_page), name="map"),
    path("<int:pk>/points.json", _staff(views.points), name="points"),
    path("<int:pk>/relancer/", _staff(views.rerun), name="rerun"),
]
