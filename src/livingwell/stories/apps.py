from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "livingwell.stories"
    label = "stories"
