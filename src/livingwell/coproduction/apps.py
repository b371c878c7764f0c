from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "livingwell.coproduction"
    verbose_name = "Co-production"
