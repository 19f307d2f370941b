from django.apps import AppConfig, apps
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
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

        from athletes.models import Athlete
        from revisions.models import ArchiveModel
        from revisions.writers import one_writer

        from . import bestmarks
        from .caching import archive_changed
        from .models import ArchiveVersion, Championship, Competition, Event, Result

        archive_models = [
            model
            for app_label in ("athletes", "results")
            for model in apps.get_app_config(app_label).get_models()
            # Historical snapshots are written with the change they record.
            if model is not ArchiveVersion and issubclass(model, ArchiveModel)
        ]
        # One writer of the archive at a time, from before its first row, so that the tables
        # derived below read what the writer before committed (revisions/writers.py).
        for model in archive_models:
            uid = f"one_writer.{model._meta.label}"
            pre_save.connect(one_writer, sender=model, dispatch_uid=uid + ".save")
            pre_delete.connect(one_writer, sender=model, dispatch_uid=uid + ".delete")

        # The best-mark table follows the results it derives from, in the same transaction.
        post_save.connect(bestmarks.result_saved, sender=Result, dispatch_uid="best.result")
        pre_delete.connect(bestmarks.result_deleting, sender=Result, dispatch_uid="best.result-")
        post_delete.connect(bestmarks.result_deleted, sender=Result, dispatch_uid="best.result.")
        post_save.connect(bestmarks.event_saved, sender=Event, dispatch_uid="best.event")
        post_save.connect(
            bestmarks.competition_saved, sender=Competition, dispatch_uid="best.competition"
        )
        post_save.connect(
            bestmarks.championship_saved, sender=Championship, dispatch_uid="best.championship"
        )
        post_save.connect(bestmarks.athlete_saved, sender=Athlete, dispatch_uid="rows.athlete")
        post_delete.connect(bestmarks.athlete_deleted, sender=Athlete, dispatch_uid="rows.athlete.")

        for model in archive_models:
            uid = f"archive_changed.{model._meta.label}"
            post_save.connect(archive_changed, sender=model, dispatch_uid=uid + ".save")
            post_delete.connect(archive_changed, sender=model, dispatch_uid=uid + ".delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    archive_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=uid + field.name,
                )
