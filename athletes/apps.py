from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AthletesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "athletes"
    verbose_name = _("Athletes")
