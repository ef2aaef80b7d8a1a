# The application image: web (gunicorn + whitenoise), worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# WeasyPrint (post-mortem PDFs) renders text with Pango; DejaVu is the PDF's font.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
RUN APP_ENV=production SECRET_KEY=collectstatic-only-not-used-at-runtime-0123456789abcdef \
    python manage.py collectstatic --no-input \
 && useradd --create-home --uid 10001 app \
 && mkdir -p /app/var \
 && chown -R app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "accountteam.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
