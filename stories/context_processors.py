from django.http import HttpRequest

from stories.forms import QuickStoryForm


def quick_capture(request: HttpRequest) -> dict[str, QuickStoryForm]:
    """The "Log an insight" form that every page's header opens."""
    if not request.user.is_authenticated:
        return {}
    return {"quick_form": QuickStoryForm()}
