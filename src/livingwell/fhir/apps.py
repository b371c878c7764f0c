from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "livingwell.fhir"
    label = "fhir"
    verbose_name = "FHIR API and national return"
    default_auto_field = "django.db.models.BigAutoField"
