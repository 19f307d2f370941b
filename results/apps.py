from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "results"
    verbose_name = _("Results")

    def ready(self):
        from .roles import create_roles

        # Connected after django.contrib.auth's own post_migrate handler (auth comes first
        # in INSTALLED_APPS), so every permission exists when the group is built.
        post_migrate.connect(create_roles, sender=self, dispatch_uid="results.create_roles")
