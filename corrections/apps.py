from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrectionsConfig(AppConfig):
    name = "corrections"
    verbose_name = _("Readers' corrections")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from results.roles import create_roles

        # The Editors group is built after the `results` app migrates (results.roles), when
        # this app, later in INSTALLED_APPS, has no permissions yet: built again once it has.
        post_migrate.connect(create_roles, sender=self, dispatch_uid="corrections.create_roles")
