from django.apps import AppConfig


class ChauffageConfig(AppConfig):
    name = "chauffage"
    verbose_name = "France Chaleur Urbaine"
