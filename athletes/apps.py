from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AthletesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "athletes"
    verbose_name = _("Athletes")

    def ready(self):
        from django.db.models.signals import post_delete, pre_save

        from .models import Athlete
        from .photos import forget_deleted_photo, forget_replaced_photo

        # Replaced and deleted photos leave no files behind (thumbnails included).
        pre_save.connect(forget_replaced_photo, sender=Athlete, dispatch_uid="athletes.photo")
        post_delete.connect(forget_deleted_photo, sender=Athlete, dispatch_uid="athletes.photo")
