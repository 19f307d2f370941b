"""Every historical snapshot joins the open revision; every save moves a row's version on."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .context import current
from .models import ArchiveModel, Revision


@receiver(pre_create_historical_record)
def link_to_revision(sender, history_instance, **kwargs):
    state = current()
    if state is None:
        return
    if state.revision is None:
        user = state.user if getattr(state.user, "is_authenticated", False) else None
        state.revision = Revision.objects.create(kind=state.kind, user=user, comment=state.comment)
    history_instance.revision = state.revision
    if state.revision.user_id is not None:
        history_instance.history_user_id = state.revision.user_id


@receiver(pre_save)
def move_version_on(sender, instance, raw=False, **kwargs):
    if isinstance(instance, ArchiveModel) and not raw:
        instance.version = (instance.version or 0) + 1
