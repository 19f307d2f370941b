from django.contrib.admin.apps import AdminConfig


class ArchiveAdminConfig(AdminConfig):
    """Django's admin, with the archive's own site (`archive.admin.ArchiveAdminSite`)."""

    default_site = "archive.admin.ArchiveAdminSite"
