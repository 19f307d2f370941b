from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "revisions"
    verbose_name = _("History")

    def ready(self):
        from . import signals  # noqa: F401
