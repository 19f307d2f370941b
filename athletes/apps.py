from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AthletesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "athletes"
    verbose_name = _("Athletes")

    def ready(self):
        from django.db.models.signals import post_delete, pre_save

        from .models import Athlete
        from .photos import bring_back_removed_photo, forget_deleted_photo, forget_replaced_photo

        # Replaced and deleted photos leave no files among the photos (thumbnails included):
        # they are set aside, and an undo that saves the athlete with them brings them back.
        pre_save.connect(forget_replaced_photo, sender=Athlete, dispatch_uid="athletes.photo")
        post_delete.connect(forget_deleted_photo, sender=Athlete, dispatch_uid="athletes.photo")
        pre_save.connect(
            bring_back_removed_photo, sender=Athlete, dispatch_uid="athletes.photo_back"
        )
