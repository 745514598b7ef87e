import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# The embedded default settles what a killed process left and starts its in-process schedule;
# with a broker this does nothing.
from core.inprocess import serve_started  # noqa: E402 (needs the app set up above)

serve_started()
