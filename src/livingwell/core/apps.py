from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "livingwell.core"
    label = "core"

    def ready(self):
        from django.utils.autoreload import file_changed

        from livingwell.core import checks  # noqa: F401  (registers the deploy checks)

        file_changed.connect(forget_rendered_layouts, dispatch_uid="livingwell-layouts")


def forget_rendered_layouts(sender, file_path, **kwargs):
    """The development server's auto-reload: a changed template is read again, so the layouts
    and page fragments kept in the process (core/jinja._FRAMES, the {% chrome %} fragments) are
    forgotten too. Returns None, so the reloader goes on deciding whether to restart."""
    if str(file_path).endswith(".html"):
        from livingwell.core import jinja
        from livingwell.core.templatetags import chrome

        jinja._FRAMES.clear()
        chrome._RENDERED.clear()
