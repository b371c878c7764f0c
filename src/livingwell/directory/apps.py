from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "livingwell.directory"
    label = "directory"
