"""The roles of the people who keep the archive: editors curate its data, nothing else."""

from django.apps import apps as global_apps

EDITORS = "Editors"
# The archive's data, its history (undoing a revision needs "change revision") and the
# readers' corrections waiting for an editor.
ARCHIVE_APPS = ("athletes", "results", "revisions", "corrections")


def ensure_editors_group(apps=global_apps, using="default"):
    """
    Create or update the "Editors" group: every permission on the archive's own models
    (athletes, results, sources…), and none on users, groups or anything else.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=EDITORS)
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=ARCHIVE_APPS)
    group.permissions.set(permissions)
    return group


def create_roles(sender, apps=global_apps, using="default", **kwargs):
    """post_migrate: runs after auth has created the permissions of every model."""
    ensure_editors_group(apps=apps, using=using)
