from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """The project package: site-wide pages and the operators' commands (backup, restore)."""

    default = True
    name = "archive"
    verbose_name = _("Archive")


class ArchiveAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the archive's own site (`archive.admin.ArchiveAdminSite`)."""

    default = False
    default_site = "archive.admin.ArchiveAdminSite"
