from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimilarityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tongxin.similarity"
    verbose_name = _("相似与检索")
