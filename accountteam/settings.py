"""Settings for Account Team Portal, read from the environment.

Every setting has a safe default for a developer machine: SQLite under var/, an embedded
Celery broker (SQLAlchemy on a SQLite file, no server), mail written to files under
var/mail/. ``APP_ENV=production`` switches on the HTTPS-only hardening that
``manage.py check --deploy`` asks for and requires a real SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab  # noqa: F401  (used by schedules added later)
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

APP_ENV = env.str("APP_ENV", default="development")
PRODUCTION = APP_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # no default: production must bring its own
    DEBUG = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-accountteam-portal-key-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: its forms edit each language of the words kept in data (translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on for carrier staff (OpenID Connect); configured by the SSO_* settings below.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "accountteam",
    "teams",
    # The audit trail's pages and API (the trail itself is accountteam's: accountteam.audit).
    "audit",
    "escalations",
    "reviews",
    "dossiers",
    "handoffs",
    "postmortems",
    "mailin",
    "maintenance",
    "webhooks",
    "servicereports",
    "service",
    "touchpoints",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accountteam.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language, or the footer's choice in a cookie) for everyone;
    # a signed-in user's own setting replaces it (accountteam.languages, after authentication).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads a form: a file over the limit gets a page that says so.
    "accountteam.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accountteam.sign_in.SignInUnavailableMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "teams.tenancy.ActiveCompanyMiddleware",
    # A user who must have two-factor sign-in and has none sets it up before anything else.
    "teams.two_factor.TwoFactorRequiredMiddleware",
    "teams.time_zones.UserTimeZoneMiddleware",
    "accountteam.languages.UserLanguageMiddleware",
    # Every download (CSV, PDF, calendar files, attachments) of a signed-in user goes to the audit trail.
    "accountteam.audit.ExportAuditMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "accountteam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accountteam.context_processors.portal",
                "teams.tenancy.company_context",
                # The quarantine's count beside "Mail" in the staff's menu (one COUNT, staff only).
                "mailin.context_processors.quarantine",
                # The queue's line of reviews due (lazy: one COUNT, staff only, where a page shows it).
                "touchpoints.context_processors.reviews_due",
            ],
            # ``|date`` in the reader's language (accountteam/templatetags/local_dates.py).
            "builtins": ["accountteam.templatetags.local_dates"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for a lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce the "one carrier-wide policy per scope" constraint (NULLS NOT DISTINCT);
# PostgreSQL, the production database, does.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# A cache shared by every process: allauth's rate limits need it. The database cache by
# default (its table is created by a migration); Redis when CACHE_URL says so.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that does not answer (rather than refusing) fails a request in two seconds
            # instead of hanging it: sign-in then answers its 503, /readyz names the cache.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "accountteam_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# English is the source; Spanish as written in Latin America and Brazilian Portuguese are complete
# translations (locale/, compiled files included; tests/test_translations.py keeps them whole).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("pt-br", "Português (Brasil)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Words kept in data and shown to customers (role names, the guidelines' wording, checklist items)
# have a column per language (django-modeltranslation, see each app's translation.py); an empty
# translation reads as the English text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "es", "pt-br")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = env.str("TIME_ZONE", default="America/Denver")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
# The largest file the portal keeps (dossier files, agreement documents, handoff evidence).
# Refused before the body is read when the request is larger; the types are in accountteam/uploads.py.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "accountteam.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Mail -------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Account Team Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Mail taken in (mailin/): one inbound address per deployment; its sub-addresses
# (`+<account number>`, `+r.<item token>`, `+internal.<item token>`) and the back office's aliases
# route a message. Empty: the portal gives no reply address (e-mail intake off).
INBOUND_EMAIL_ADDRESS = env.str("INBOUND_EMAIL_ADDRESS", default="" if PRODUCTION else "support@portal.localhost")
# The mail servers whose Received header says when the portal received a message (the clock).
INBOUND_OWN_HOSTS = env.list("INBOUND_OWN_HOSTS", default=[])
INBOUND_MAX_BYTES = env.int("INBOUND_MAX_BYTES", default=25 * 1024 * 1024)
# The IMAP mailbox polled, `imap://user:password@host:143/` or `imaps://…:993/` (percent-encoded;
# a path names the folder instead of INBOUND_IMAP_FOLDER). Empty: no IMAP polling. A message
# delivered is moved to the processed folder (created when missing), so what is left is still to do.
INBOUND_IMAP_URL = env.str("INBOUND_IMAP_URL", default="")
INBOUND_IMAP_FOLDER = env.str("INBOUND_IMAP_FOLDER", default="INBOX")
INBOUND_IMAP_PROCESSED_FOLDER = env.str("INBOUND_IMAP_PROCESSED_FOLDER", default="Processed")
# Without IMAP, beat picks up .eml files dropped here (the embedded default of `make run`).
INBOUND_DIRECTORY = env.path("INBOUND_DIRECTORY", default=VAR_DIR / "inbox")

# --- The carrier's branding is configuration, not code ------------------------------
CARRIER_NAME = env.str("CARRIER_NAME", default="Summit Wholesale")
CARRIER_SUPPORT_PHONE = env.str("CARRIER_SUPPORT_PHONE", default="+1 800 555 0100")
CARRIER_REPAIR_PHONE = env.str("CARRIER_REPAIR_PHONE", default="+1 800 555 0199")
# Links in emails point here.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Sign-in (django-allauth) --------------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# Invitation only (accountteam.auth), plus the staff's rules: password sign-in off under single
# sign-on, the two-factor policy (teams.sign_in).
ACCOUNT_ADAPTER = "teams.sign_in.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{CARRIER_NAME}] "
# allauth's messages and e-mails name the person as colleagues know them, not by their username.
ACCOUNT_USER_DISPLAY = "teams.scoping.display_name"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = CARRIER_NAME
# Security keys and passkeys (WebAuthn). A passkey may also sign in on its own, without the password.
MFA_PASSKEY_LOGIN_ENABLED = env.bool("MFA_PASSKEY_LOGIN_ENABLED", default=False)
# WebAuthn wants HTTPS; a developer's http://localhost is let through outside production.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=not PRODUCTION)
# An authenticator is not removed while the policy below requires two-factor of its user.
MFA_ADAPTER = "teams.sign_in.PortalMFAAdapter"
# The two-factor policy: every carrier staff member (on here), and the users of each company whose
# administrator asks for it (Company.require_two_factor). Until they have set it up they see only
# the two-factor pages, and the API answers 403 (teams.two_factor).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)

# --- Single sign-on for carrier staff (OpenID Connect) ---------------------------------------
# Any OpenID Connect provider (Microsoft Entra ID, Okta, Google Workspace, Keycloak…), from the
# environment alone: its issuer URL (the one whose /.well-known/openid-configuration it serves),
# the client the provider registered for the portal, and the button's label. The provider's
# redirect URI is https://<portal host>/auth/oidc/<SSO_OIDC_PROVIDER_ID>/login/callback/.
# A staff member is matched by a verified e-mail address of SSO_STAFF_EMAIL_DOMAINS to an existing
# active staff user; nobody is ever created by it (teams.sign_in.StaffSocialAccountAdapter).
SSO_OIDC_SERVER_URL = env.str("SSO_OIDC_SERVER_URL", default="")
SSO_OIDC_PROVIDER_ID = env.str("SSO_OIDC_PROVIDER_ID", default="sso")
SSO_OIDC_CLIENT_ID = env.str("SSO_OIDC_CLIENT_ID", default="")
SSO_OIDC_CLIENT_SECRET = env.str("SSO_OIDC_CLIENT_SECRET", default="")
SSO_OIDC_NAME = env.str("SSO_OIDC_NAME", default=f"{CARRIER_NAME} single sign-on")
SSO_STAFF_EMAIL_DOMAINS = [domain.lower() for domain in env.list("SSO_STAFF_EMAIL_DOMAINS", default=[])]
# Off: carrier staff sign in only through the provider (their password is refused, on the page and
# at the API's token endpoint); customers keep their passwords. Only while SSO is configured.
SSO_STAFF_PASSWORD_LOGIN = env.bool("SSO_STAFF_PASSWORD_LOGIN", default=True)
# On: a sign-in whose id_token's `amr` says "mfa" satisfies the two-factor policy by itself.
SSO_TRUSTS_PROVIDER_MFA = env.bool("SSO_TRUSTS_PROVIDER_MFA", default=False)
if SSO_OIDC_SERVER_URL and not (SSO_OIDC_CLIENT_ID and SSO_STAFF_EMAIL_DOMAINS):
    raise ImproperlyConfigured("SSO_OIDC_SERVER_URL needs SSO_OIDC_CLIENT_ID and SSO_STAFF_EMAIL_DOMAINS")
# Where the sign-in page's button sends the browser (the Content-Security-Policy's form-action):
# the provider's origin, and any other its sign-in passes through.
SSO_OIDC_ORIGINS = env.list("SSO_OIDC_FORM_ACTION_ORIGINS", default=[])
if SSO_OIDC_SERVER_URL:
    SSO_OIDC_ORIGINS.insert(0, urlsplit(SSO_OIDC_SERVER_URL)._replace(path="", query="", fragment="").geturl())
SOCIALACCOUNT_ADAPTER = "teams.sign_in.StaffSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": SSO_OIDC_PROVIDER_ID,
                "name": SSO_OIDC_NAME,
                "client_id": SSO_OIDC_CLIENT_ID,
                "secret": SSO_OIDC_CLIENT_SECRET,
                "settings": {"server_url": SSO_OIDC_SERVER_URL, "oauth_pkce_enabled": True},
            }
        ]
        if SSO_OIDC_SERVER_URL
        else [],
    }
}
# Nobody signs up through the provider: an unknown address is refused, not offered a form.
SOCIALACCOUNT_AUTO_SIGNUP = False
# The provider verified the address (email_verified), or the sign-in is refused.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_OIDC_TIMEOUT_SECONDS", default=10)

# --- The client's address -------------------------------------------------------------
# How many proxies of ours stand in front of the portal, each adding the address it saw to
# X-Forwarded-For. The client is the address the outermost of them saw; with 0 it is the
# connection's own address and the header is ignored, because a client can write anything in it.
# Sign-in throttles and lockouts count per client address: allauth's pages and the API agree.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # JSON only: the interactive documentation is the Swagger UI at /api/docs/ (DRF's browsable
    # API needs inline styles and scripts, which the Content-Security-Policy forbids).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "accountteam.api_errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # No BasicAuthentication: it hashes the password on every request.
        "accountteam.token_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "accountteam.api_filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular's, documenting the errors every operation can answer (400, 401, 403, 404, 415, 429).
    "DEFAULT_SCHEMA_CLASS": "accountteam.api_errors.AutoSchema",
    # Password guessing against the token endpoint is throttled like allauth's sign-in.
    "DEFAULT_THROTTLE_RATES": {"token": env.str("TOKEN_THROTTLE_RATE", default="10/min")},
}
# API tokens (django-rest-knox): stored as a digest, named, expiring this many days after they are
# made. Sent as `Authorization: Token <secret>`.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be at least 1")
KNOX_TOKEN_MODEL = "accountteam.ApiToken"
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Account Team Portal API",
    "DESCRIPTION": (
        "Customer companies, accounts and their sales and service teams. Every list is "
        "scoped to what the caller may see; an object outside that scope answers 404.\n\n"
        "Authenticate with the header `Authorization: Token <secret>` or a session. Get a token from "
        "POST /api/v1/auth/token/ (username, password, and `code` for an account with two-factor "
        "sign-in) or make a named one on the API tokens page; tokens expire, and changing the "
        "password revokes them all."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "EscalationStatusEnum": "escalations.models.Status",
        "EscalationCategoryEnum": "escalations.models.Category",
        "RaisableCategoryEnum": "escalations.models.RAISABLE_CATEGORIES",
        "HandoffStatusEnum": "handoffs.models.Handoff.Status",
        "PostMortemStatusEnum": "postmortems.models.Status",
        "InboundStatusEnum": "mailin.models.InboundMessage.Status",
        "InboundReasonEnum": "mailin.models.InboundMessage.Reason",
        "InboundSourceEnum": "mailin.models.InboundMessage.Source",
        # A post-mortem note's source keeps its name beside the mail's ``source``.
        "SourceEnum": "postmortems.models.Source",
        "ReviewKindEnum": "touchpoints.models.Kind",
        "ReviewOccurrenceStatusEnum": "touchpoints.models.Occurrence.Status",
        "NetworkNoticeKindEnum": "maintenance.models.Kind",
        "NetworkNoticeStatusEnum": "maintenance.models.Status",
        "WebhookEventEnum": "webhooks.events.EVENT_CHOICES",
        "WebhookDeliveryStatusEnum": "webhooks.models.Delivery.Status",
        "ActionItemStateEnum": "touchpoints.models.ActionItem.State",
        "UsageStateEnum": "service.rules.USAGE_STATES",
    },
}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
AVAILABILITY_SWEEP_SECONDS = env.int("AVAILABILITY_SWEEP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "teams-expire-availability": {
        "task": "teams.tasks.availability_expire",
        "schedule": float(AVAILABILITY_SWEEP_SECONDS),
    },
}
CELERY_TASK_ROUTES = {}

# --- Escalations ------------------------------------------------------------------------------
# Business minutes an unanswered item waits past its due time before it escalates itself to
# the director. Unset: as long again as its due interval.
ESCALATION_GRACE_MINUTES = env.int("ESCALATION_GRACE_MINUTES", default=None)
# A customer may reopen a resolved item within this many business days (the assignee's calendar).
ESCALATION_REOPEN_BUSINESS_DAYS = env.int("ESCALATION_REOPEN_BUSINESS_DAYS", default=10)
SWEEP_SECONDS = env.int("SWEEP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["escalations-sweep"] = {
    "task": "escalations.tasks.sweep",
    "schedule": float(SWEEP_SECONDS),
}

# --- Director's review ---------------------------------------------------------------------------
# The weekly digest goes out on Monday at this hour on each director's own clock (their calendar's
# time zone); beat runs the task hourly and it sends each digest once per ISO week.
REVIEW_DIGEST_HOUR = env.int("REVIEW_DIGEST_HOUR", default=7)
CELERY_BEAT_SCHEDULE["reviews-weekly-digests"] = {
    "task": "reviews.tasks.weekly_digests",
    "schedule": crontab(minute=5),
}

# --- Handoffs ------------------------------------------------------------------------------------
# A checklist item still open this many business days (on its owner's calendar) before the
# handoff's effective date reminds its owner; beat checks hourly.
# An API create request's Idempotency-Key is remembered this long (accountteam/idempotency.py).
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)
CELERY_BEAT_SCHEDULE["accountteam-housekeeping"] = {
    "task": "accountteam.tasks.housekeeping",
    "schedule": crontab(minute=40),
}

# --- Mail taken in: beat polls the IMAP mailbox (or the inbox folder) this often.
INBOUND_POLL_SECONDS = env.int("INBOUND_POLL_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["mailin-poll"] = {"task": "mailin.tasks.mail_poll", "schedule": float(INBOUND_POLL_SECONDS)}

HANDOFF_REMINDER_BUSINESS_DAYS = env.int("HANDOFF_REMINDER_BUSINESS_DAYS", default=3)
CELERY_BEAT_SCHEDULE["handoffs-reminders"] = {
    "task": "handoffs.tasks.reminders",
    "schedule": crontab(minute=15),
}

# --- Post-mortems ----------------------------------------------------------------------------------
# Events shorter than this can still be requested but are flagged for the manager to accept or
# decline with a reason.
POSTMORTEM_ELIGIBILITY_HOURS = env.float("POSTMORTEM_ELIGIBILITY_HOURS", default=8)
# When on, the service director reviews every analysis before it is published.
POSTMORTEM_DIRECTOR_REVIEW = env.bool("POSTMORTEM_DIRECTOR_REVIEW", default=False)
CELERY_BEAT_SCHEDULE["postmortems-preventive-action-reminders"] = {
    "task": "postmortems.tasks.preventive_action_reminders",
    "schedule": crontab(minute=25),
}

# --- Regular reviews and touch points ---------------------------------------------------------------
# Owners are reminded this many business days (on their calendar) before a review is due.
TOUCHPOINT_REMINDER_BUSINESS_DAYS = env.int("TOUCHPOINT_REMINDER_BUSINESS_DAYS", default=5)
CELERY_BEAT_SCHEDULE["touchpoints-reminders"] = {
    "task": "touchpoints.tasks.reminders",
    "schedule": crontab(minute=35),
}

# --- Maintenance and outage notices -----------------------------------------------------------
# Beat moves planned maintenance windows on (in progress at the start, completed at the end) and
# sends the customers' reminder a day before and their notice at the start, this often.
MAINTENANCE_SWEEP_SECONDS = env.int("MAINTENANCE_SWEEP_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["maintenance-window-sweep"] = {
    "task": "maintenance.tasks.window_sweep",
    "schedule": float(MAINTENANCE_SWEEP_SECONDS),
}

# --- Outgoing webhooks (webhooks/) ---------------------------------------------------------------
# Endpoints must be HTTPS; plain http:// only with DEBUG or this on (a receiver on a developer's machine).
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
# Seconds an attempt waits for the endpoint to connect and to answer.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5)
# Attempts per delivery; after the first failure the next waits WEBHOOKS_RETRY_BASE_SECONDS, then
# twice as long each time (1, 2, 4, 8 … minutes).
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=8)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=60)
# An endpoint whose deliveries failed (every attempt) this many times in a row is switched off and
# the admin who registered it is told; 0: never.
WEBHOOKS_DISABLE_AFTER = env.int("WEBHOOKS_DISABLE_AFTER", default=10)
# Finished deliveries are kept in the log this many days.
WEBHOOKS_KEEP_DAYS = env.int("WEBHOOKS_KEEP_DAYS", default=30)
# Beat sends deliveries whose task was lost (and forgets old ones) this often.
WEBHOOKS_CATCH_UP_SECONDS = env.int("WEBHOOKS_CATCH_UP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["webhooks-catch-up"] = {
    "task": "webhooks.tasks.catch_up",
    "schedule": float(WEBHOOKS_CATCH_UP_SECONDS),
}

# --- Production hardening (manage.py check --deploy) ------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # container health checks speak plain HTTP inside
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): every script and style comes from the portal itself (the
# vendored htmx and Pico CSS, static/js), with no inline script or style and no eval; pages are
# never framed and forms post only to the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        # The sign-in page's single sign-on button posts to the portal, which redirects the form
        # to the provider: the browser checks that redirect against form-action too.
        "form-action": [csp.SELF, *SSO_OIDC_ORIGINS],
    }
}
# Headers beyond check --deploy's: no powerful browser feature is used by any page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # PDF rendering narrates every step at INFO; its warnings are what matter.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
