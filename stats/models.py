"""The last computed figures of /stats, one row per territory (France, each région, each
département), with the time they were computed. The page reads one row; the computation itself
(seconds at national scale) runs in the background (stats.tasks, manage.py refresh_statistics)."""

from django.db import models
from django.utils import timezone


class StatisticsSnapshot(models.Model):
    territory = models.CharField("territoire", max_length=20, unique=True)
    computed_at = models.DateTimeField("calculé le")
    data = models.JSONField("chiffres")

    class Meta:
        verbose_name = "chiffres calculés"
        verbose_name_plural = "chiffres calculés"

    def __str__(self):
        return f"{self.territory} — {timezone.localtime(self.computed_at):%d/%m/%Y %H:%M}"
