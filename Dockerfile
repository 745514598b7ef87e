FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=0 \
    STATIC_ROOT=/app/static

WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /app suchi

COPY pyproject.toml requirements.lock README.md ./
# The project's packages: config, the ground floor (core) and every app in INSTALLED_APPS.
COPY config config
COPY core core
COPY registry registry
COPY catalog catalog
COPY consent consent
COPY harvest harvest
COPY exchange exchange
COPY identity identity
COPY rights rights
COPY transparency transparency
COPY web web
COPY locale locale
COPY manage.py ./
# The versions CI tested (requirements.lock). gettext only to compile the Hindi catalogue (locale/hi/…/django.mo), then removed.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && pip install -c requirements.lock . \
    && SECRET_KEY=build-only python manage.py compilemessages --locale hi \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var /app/keys && chown -R suchi /app/var /app/keys

USER suchi
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
