from django.urls import path

from ambassadors import views

app_name = "ambassadors"

urlpatterns = [
    path("ambassadeurs/", views.ambassador_list, name="list"),
    path("ambassadeurs/<int:pk>/", views.ambassador_detail, name="detail"),
    path("ambassadeurs/<int:pk>/photo.jpg", views.photo, name="photo"),
    path("ambassadeurs/<int:pk>/contacter/", views.message_form, name="message_form"),
    path("ambassadeurs/<int:pk>/message-envoye/", views.message_sent, name="message_sent"),
    path("ambassadeurs/inscription/", views.sign_up, name="sign_up"),
    path("ambassadeurs/inscription/merci/", views.sign_up_thanks, name="sign_up_thanks"),
    path("ambassadeurs/confirmer/<str:token>/", views.verify, name="verify"),
    path("ambassadeurs/gerer/<str:token>/", views.manage, name="manage"),
    path("ambassadeurs/gerer/<str:token>/pause/", views.manage_pause, name="manage_pause"),
    path("ambassadeurs/gerer/<str:token>/retirer/", views.manage_withdraw, name="manage_withdraw"),
    path("ambassadeurs/gerer/<str:token>/photo.jpg", views.manage_photo, name="manage_photo"),
    path("ambassadeurs/lien-de-gestion/", views.manage_link, name="manage_link"),
    path("ambassadeurs/repondre/<str:signed>/", views.reply, name="reply"),
    path("api/v1/ambassadors.geojson", views.api_geojson, name="api_geojson"),
]
