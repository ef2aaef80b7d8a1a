"""Writes for tenants and account teams: one function per use case, each in a transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accountteam import audit, bounds, notifications
from accountteam.languages import speaking
from accountteam.models import AuditAction, UserSettings
from accountteam.notifications import Notice
from accountteam.tokens import api_tokens_revoke_all

from .models import Account, Assignment, Company, Invitation, Membership, Person, Role
from .rules import IN_OFFICE, OUT_OF_OFFICE, periods_overlap
from .scoping import staff_person
from .selectors import user_can_manage_company_users, user_can_set_company_two_factor
from .time_zones import clean_time_zone
from .two_factor import SECOND_STEPS, has_two_factor

INVITATION_LIFETIME = dt.timedelta(days=14)


# --- Assignments -------------------------------------------------------------------------


def assignment_slots(account_ids) -> dict[tuple[int, int], list[Assignment]]:
    """Every assignment (history included) of these accounts, by (account id, role id): what
    ``assignment_conflicts`` checks a new one against, read in a few queries however many."""
    slots: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    ids = sorted(set(account_ids))
    for start in range(0, len(ids), 1000):
        rows = Assignment.objects.filter(account_id__in=ids[start : start + 1000]).select_related("person")
        for row in rows:
            slots[(row.account_id, row.role_id)].append(row)
    return slots


def assignment_conflicts(
    *,
    account: Account,
    role: Role,
    person: Person,
    start_date: dt.date,
    end_date: dt.date | None,
    slot: list[Assignment] | None = None,
    exclude_pk: int | None = None,
) -> list[str]:
    """Why a new assignment cannot be added (empty when it can).

    ``slot``: the assignments of the same account and role to check against (from
    ``assignment_slots``, plus those accepted earlier in the same batch); read from the database
    when not given. ``exclude_pk`` is the assignment being edited.
    """
    problems = []
    if end_date is not None and end_date < start_date:
        problems.append(_("The end date is before the start date."))
        return problems
    if slot is None:
        slot = list(Assignment.objects.filter(account=account, role=role).select_related("person"))
    for other in slot:
        if exclude_pk is not None and other.pk == exclude_pk:
            continue
        if not periods_overlap(start_date, end_date, other.start_date, other.end_date):
            continue
        if other.person_id == person.pk:
            problems.append(
                _("%(person)s already holds %(role)s on %(account)s from %(start)s.")
                % {"person": person, "role": role, "account": account.number, "start": other.start_date}
            )
        elif not role.allows_multiple:
            if other.end_date:
                message = _(
                    "%(role)s on %(account)s is held by %(person)s from %(start)s to %(end)s; "
                    "end that assignment first."
                )
            else:
                message = _("%(role)s on %(account)s is held by %(person)s from %(start)s; end that assignment first.")
            problems.append(
                message
                % {
                    "role": role, "account": account.number, "person": other.person,
                    "start": other.start_date, "end": other.end_date,
                }
            )
    return problems


@transaction.atomic
def assignment_create(
    *,
    account: Account,
    role: Role,
    person: Person,
    start_date: dt.date,
    end_date: dt.date | None = None,
    note: str = "",
    product_area: str = "",
    created_by=None,
) -> Assignment:
    """Add ``person`` to ``account`` in ``role`` (a sales engineer's ``product_area``: data,
    data_center or voice). Carrier admins and directors call it.

    Raises ValidationError when the role already has a holder for an overlapping period.
    """
    bounds.ensure(
        bounds.date_errors(start_date=start_date, end_date=end_date), bounds.text_errors(bounds.LINE, note=note)
    )
    if product_area and product_area not in Assignment.ProductArea.values:
        raise ValidationError({"product_area": product_area_error(product_area)})
    Account.objects.select_for_update().filter(pk=account.pk).first()  # serialise per account
    problems = assignment_conflicts(account=account, role=role, person=person, start_date=start_date, end_date=end_date)
    if problems:
        raise ValidationError(problems)
    return Assignment.objects.create(
        account=account,
        role=role,
        person=person,
        start_date=start_date,
        end_date=end_date,
        note=note,
        product_area=product_area,
        created_by=created_by,
    )


def assignments_import(*, rows: list[dict], created_by=None) -> list[Assignment]:
    """Create many assignments in one transaction, all or nothing. The rows were validated by the
    caller; they are checked again under the accounts' locks (someone may have added a conflicting
    assignment meanwhile) against sets read once, so the time grows with the rows, not their square."""
    with transaction.atomic():
        account_ids = sorted({row["account"].pk for row in rows})
        for start in range(0, len(account_ids), 1000):  # serialise with assignment_create, per account
            list(Account.objects.select_for_update().filter(pk__in=account_ids[start : start + 1000]).values_list("pk"))
        slots = assignment_slots(account_ids)
        new, problems = [], []
        for row in rows:
            slot = slots[(row["account"].pk, row["role"].pk)]
            found = assignment_conflicts(slot=slot, **{k: row[k] for k in ASSIGNMENT_FIELDS})
            if found:
                problems += found
                continue
            assignment = Assignment(
                created_by=created_by,
                note=row.get("note", ""),
                product_area=row.get("product_area", ""),
                **{k: row[k] for k in ASSIGNMENT_FIELDS},
            )
            slot.append(assignment)
            new.append(assignment)
        if problems:
            raise ValidationError(problems)
        return Assignment.objects.bulk_create(new, batch_size=1000)


ASSIGNMENT_FIELDS = ("account", "role", "person", "start_date", "end_date")


def product_area_error(value: str) -> str:
    """Why ``value`` is refused as a sales engineer's product area, naming the ones there are."""
    areas = ", ".join(f"{code} ({label})" for code, label in Assignment.ProductArea.choices)
    # Translators: %(areas)s lists the product areas as "code (name)", e.g. "data (Data), voice (Voice)".
    return _("%(value)s is not a product area: use %(areas)s.") % {"value": repr(value), "areas": areas}


# --- Companies and users -------------------------------------------------------------------


@transaction.atomic
def membership_set_default(*, user, company: Company) -> Membership:
    """Make ``company`` the one that loads first after ``user`` signs in."""
    membership = Membership.objects.select_for_update().get(user=user, company=company)
    Membership.objects.filter(user=user, is_default=True).exclude(pk=membership.pk).update(is_default=False)
    if not membership.is_default:
        membership.is_default = True
        membership.save(update_fields=["is_default"])
    return membership


def _granting_scope(actor, company: Company) -> set[int] | None:
    """The accounts ``actor`` may grant rights on in ``company``: None for all of them (carrier
    staff who see the company, a user manager of every account), else the accounts of their
    limited user-manager membership. PermissionDenied when they may manage no user there."""
    if not user_can_manage_company_users(user=actor, company=company):
        raise PermissionDenied
    if staff_person(actor) is not None:
        return None
    mine = Membership.objects.prefetch_related("accounts").get(user=actor, company=company)
    return mine.account_ids()


def _accounts_errors(scope: set[int] | None, company: Company, all_accounts: bool, accounts) -> dict:
    """What is wrong with granting rights on ``accounts`` (or all of ``company``'s) to someone,
    by someone who may grant ``scope``."""
    chosen = {a.pk for a in accounts}
    if any(a.company_id != company.pk for a in accounts):
        return {"accounts": _("Choose accounts of %(company)s.") % {"company": company.name}}
    if not all_accounts and not chosen:
        return {"accounts": _("Choose at least one account, or all accounts.")}
    if scope is not None and (all_accounts or not chosen <= scope):
        return {"accounts": _("You may grant rights only on the accounts you manage.")}
    return {}


def _within(scope: set[int] | None, membership: Membership) -> bool:
    """Is ``membership`` wholly within what its manager may grant?"""
    reach = membership.account_ids()
    return scope is None or (reach is not None and reach <= scope)


@transaction.atomic
def _rights_record(membership: Membership, accounts=None) -> dict:
    """A membership's rights and accounts (``accounts``: as they are now set, else its own) as the
    audit trail keeps them."""
    accounts = membership.accounts.all() if accounts is None else accounts
    return {**membership.rights(), "all_accounts": membership.all_accounts,
            "accounts": sorted(a.number for a in accounts)}


def membership_update(*, actor, membership: Membership, permissions: dict[str, bool],
                      all_accounts: bool | None = None, accounts=None, request=None) -> Membership:
    """Change a member's permissions and the accounts they apply to (``all_accounts`` True, or
    False with ``accounts``: some of the company's; None: as they are). A user manager limited to
    some accounts changes only members within those and grants only those. A company keeps at
    least one user manager of all its accounts."""
    scope = _granting_scope(actor, membership.company)
    membership = Membership.objects.select_for_update().prefetch_related("accounts").get(pk=membership.pk)
    if not _within(scope, membership):
        raise PermissionDenied(_("You may change only members limited to the accounts you manage."))
    unknown = set(permissions) - set(Membership.PERMISSION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown permissions: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if all_accounts is None and accounts is None:
        all_accounts, accounts = membership.all_accounts, list(membership.accounts.all())
    elif all_accounts is None:
        all_accounts = False
    accounts = [] if all_accounts else list(accounts or [])
    bounds.ensure(_accounts_errors(scope, membership.company, all_accounts, accounts))
    before = _rights_record(membership)
    for name, value in permissions.items():
        setattr(membership, name, bool(value))
    membership.all_accounts = all_accounts
    if not (membership.can_manage_users and membership.all_accounts):
        _ensure_another_manager(membership)
    membership.save(update_fields=[*permissions, "all_accounts"])
    membership.accounts.set(accounts)
    after = _rights_record(membership, accounts)
    if after != before:
        audit.record(
            AuditAction.MEMBERSHIP_UPDATED, actor=actor, request=request, company_id=membership.company_id,
            company_name=membership.company.name, target=f"membership:{membership.pk}",
            summary="Rights of %(member)s changed.",
            details={"member": membership.user.get_username(), "before": before, "after": after},
        )
    return membership


def _ensure_another_manager(membership: Membership):
    others = (
        Membership.objects.select_for_update()
        .filter(company=membership.company, can_manage_users=True, all_accounts=True)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            _(
                "The company would have nobody left who can manage its users on all its accounts; give another "
                "member that permission first."
            )
        )


@transaction.atomic
def membership_remove(*, actor, membership: Membership, request=None) -> None:
    """Remove a user from a company (the user account itself stays)."""
    scope = _granting_scope(actor, membership.company)
    if not _within(scope, membership):
        raise PermissionDenied(_("You may change only members limited to the accounts you manage."))
    if membership.can_manage_users and membership.all_accounts:
        _ensure_another_manager(membership)
    audit.record(
        AuditAction.MEMBERSHIP_REMOVED, actor=actor, request=request, company_id=membership.company_id,
        company_name=membership.company.name, target=f"membership:{membership.pk}",
        summary="%(member)s removed from the company.",
        details={"member": membership.user.get_username(), "rights": _rights_record(membership)},
    )
    membership.delete()


@transaction.atomic
def invitation_create(
    *, actor, company: Company, email: str, permissions: dict[str, bool], accept_url_builder,
    all_accounts: bool = True, accounts=(), request=None,
) -> Invitation:
    """Invite ``email`` to ``company`` and email them a link. Company admins and staff call it.
    A pending invitation of the same address is replaced (its link stops working). The rights
    apply to all the company's accounts, or (``all_accounts`` False) to ``accounts``; a user
    manager limited to some accounts invites only to those.

    ``accept_url_builder(token)`` returns the absolute URL of the acceptance page.
    """
    scope = _granting_scope(actor, company)
    accounts = [] if all_accounts else list(accounts or [])
    bounds.ensure(_accounts_errors(scope, company, all_accounts, accounts))
    email = email.strip().lower()
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of %(company)s.") % {"email": email, "company": company}}
        )
    now = timezone.now()
    # One valid link per address: a new invitation replaces the one still pending.
    replaced = Invitation.objects.filter(
        company=company, email__iexact=email, accepted_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    invitation = Invitation.objects.create(
        company=company,
        email=email,
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        all_accounts=all_accounts,
        **{name: bool(permissions.get(name, False)) for name in Membership.PERMISSION_FIELDS},
    )
    invitation.accounts.set(accounts)
    audit.record(
        AuditAction.INVITATION_SENT, actor=actor, request=request, company_id=company.pk, company_name=company.name,
        target=f"invitation:{invitation.pk}", summary="Invitation sent to %(email)s.",
        details={"email": email, **invitation.rights(), "all_accounts": all_accounts,
                 "accounts": sorted(a.number for a in accounts), "replaced": replaced},
    )
    url = accept_url_builder(invitation.token)
    # The invitee has no settings yet: the invitation speaks the company's language, if it has one.
    with speaking(company.default_language or translation.get_language() or settings.LANGUAGE_CODE):
        body = render_to_string(
            "teams/email/invitation.txt",
            {"invitation": invitation, "url": url, "carrier_name": settings.CARRIER_NAME},
        )
        subject = _("You are invited to the Account Team Portal")
    # Through the notification outbox: sent after commit, retried, and caught up by the sweep
    # when the broker or the mail server was down.
    notifications.record(
        [
            Notice(
                key=f"invitation:{invitation.pk}",
                kind="invitation",
                email=email,
                user_id=None,
                subject=subject,
                body=body,
                url="",
            )
        ]
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, username: str, password: str, user=None):
    """Turn an open invitation into a membership.

    A signed-in ``user`` whose email matches joins with their existing account; otherwise a new
    user is created with ``username`` and ``password`` and the invited email, already verified.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise ValidationError(_("This invitation has expired or was already used."))
    User = get_user_model()
    if user is None:
        errors = {}
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("That username is taken.")]
        if User.objects.filter(email__iexact=invitation.email).exists():
            errors["username"] = [_("An account with this email exists: sign in first, then open the link again.")]
        try:
            validate_password(password, User(username=username, email=invitation.email))
        except ValidationError as exc:
            errors["password"] = exc.messages
        if errors:
            raise ValidationError(errors)
        user = User.objects.create_user(username=username, email=invitation.email, password=password)
        if invitation.company.default_language:
            UserSettings.objects.create(user=user, language=invitation.company.default_language)
        EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another email address."))
    invited_rights = invitation.rights()
    membership = Membership.objects.select_for_update().filter(user=user, company=invitation.company).first()
    invited_accounts = list(invitation.accounts.all())
    if membership is None:
        first = not Membership.objects.filter(user=user).exists()
        membership = Membership.objects.create(
            user=user, company=invitation.company, is_default=first, all_accounts=invitation.all_accounts,
            **invited_rights,
        )
        membership.accounts.set(invited_accounts)
    else:
        # Already a member (an older invitation, say): an invitation only ever adds rights and accounts.
        for name, granted in invited_rights.items():
            setattr(membership, name, getattr(membership, name) or granted)
        membership.all_accounts = membership.all_accounts or invitation.all_accounts
        membership.save(update_fields=[*invited_rights, "all_accounts"])
        if membership.all_accounts:
            membership.accounts.clear()
        else:
            membership.accounts.add(*invited_accounts)
    if invitation.company.require_two_factor and not has_two_factor(user):
        # Joining a company that requires two-factor sign-in: tokens made without it stop working.
        api_tokens_revoke_all(user_id=user.pk, reason="two-factor sign-in required")
    audit.record(
        AuditAction.INVITATION_ACCEPTED, actor=user, company_id=invitation.company_id,
        company_name=invitation.company.name, target=f"invitation:{invitation.pk}",
        summary="%(member)s accepted the invitation sent to %(email)s.",
        details={"member": user.get_username(), "email": invitation.email},
    )
    # Every open invitation of this address to this company is used up with this one.
    Invitation.objects.filter(
        company=invitation.company, email__iexact=invitation.email, accepted_at__isnull=True
    ).update(accepted_at=timezone.now(), accepted_by=user)
    return membership


# --- Staff availability ----------------------------------------------------------------------


@transaction.atomic
def person_set_availability(
    *,
    person: Person,
    state: str,
    until: dt.datetime | None = None,
    backup: Person | None = None,
    starts: dt.datetime | None = None,
    now: dt.datetime | None = None,
    request=None,
) -> Person:
    """Staff set their own availability (and a backup while out). Out of office may be planned
    ahead: ``starts`` and ``until`` both in the future, ``until`` after ``starts``. A change of
    availability, and of backup, is an internal event of the audit trail (from ``request``)."""
    now = now or timezone.now()
    if state not in (IN_OFFICE, OUT_OF_OFFICE):
        raise ValidationError({"availability": _("Unknown availability %(state)s.") % {"state": repr(state)}})
    bounds.ensure(bounds.date_errors(availability_until=until, availability_from=starts))
    errors = {}
    if until is not None and until <= now:
        errors["availability_until"] = _("Pick a time in the future.")
    if starts is not None and starts <= now:
        errors["availability_from"] = _("A planned absence starts in the future; leave it empty to start now.")
    elif starts is not None and until is not None and until <= starts:
        errors["availability_until"] = _("The absence must end after it starts.")
    if state == OUT_OF_OFFICE and starts is not None and until is None:
        errors["availability_until"] = _("A planned absence needs an end.")
    if backup is not None and backup.pk == person.pk:
        errors["backup"] = _("You cannot be your own backup.")
    if errors:
        raise ValidationError(errors)
    before = _availability_facts(person)
    person.availability = state
    person.availability_from = starts if state == OUT_OF_OFFICE else None
    person.availability_until = until if state == OUT_OF_OFFICE else None
    person.backup = backup
    person.save(update_fields=["availability", "availability_from", "availability_until", "backup"])
    _audit_availability(person, before, request=request)
    return person


def _availability_facts(person: Person) -> dict:
    return {
        "availability": person.availability,
        "availability_from": person.availability_from.isoformat() if person.availability_from else None,
        "availability_until": person.availability_until.isoformat() if person.availability_until else None,
        "backup": person.backup_id,
        "backup_name": person.backup.name if person.backup_id else None,
    }


def _audit_availability(person: Person, before: dict, *, request=None) -> None:
    after = _availability_facts(person)
    times = ("availability", "availability_from", "availability_until")
    if any(before[name] != after[name] for name in times):
        audit.record(
            AuditAction.AVAILABILITY_CHANGED, actor=person.user, request=request, internal=True,
            target=f"person:{person.pk}", summary=gettext_noop("%(person)s changed their availability."),
            details={"person": person.name, **after, "changes": {n: [before[n], after[n]] for n in times
                                                                  if before[n] != after[n]}},
        )
    if before["backup"] != after["backup"]:
        audit.record(
            AuditAction.BACKUP_CHANGED, actor=person.user, request=request, internal=True,
            target=f"person:{person.pk}", summary=gettext_noop("%(person)s named %(backup)s as their backup."),
            details={"person": person.name, "backup": after["backup_name"] or "nobody",
                     "changes": {"backup": [before["backup_name"], after["backup_name"]]}},
        )


# --- A user's own settings ---------------------------------------------------------------------

# More kinds than any user is offered (escalations offer nine), few enough to bound a request.
MUTED_NOTICES_MAX = 50


@transaction.atomic
def user_settings_update(
    *,
    user,
    time_zone: str | None = None,
    notify_by_email: bool | None = None,
    notify_in_app: bool | None = None,
    muted_notices: list[str] | None = None,
    language: str | None = None,
) -> UserSettings:
    """Any signed-in user changes their own settings: the settings page and ``PATCH``/``PUT
    me/settings/``. A field left ``None`` stays as it is; the row is made on the first change.

    ``time_zone``: an IANA name (or a city the picker names), empty for the default.
    ``language``: one of settings.LANGUAGES, the language of the pages, notices and e-mails.
    ``muted_notices``: the kinds the user does
    not want among those offered to them (``notifications.mutable_notices_for``, the page's
    boxes); kinds muted before in groups no longer offered to them are kept. Raises
    ``ValidationError`` under the field: an unknown time zone, a kind not offered to the user, a
    staff member muting any (they get no customer notices), more than ``MUTED_NOTICES_MAX``."""
    errors = {}
    if time_zone is not None:
        try:
            time_zone = clean_time_zone(time_zone)
        except ValidationError as exc:
            errors["time_zone"] = exc.messages
    if language is not None and language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = [_("Choose one of the portal's languages: %(languages)s.")
                              % {"languages": ", ".join(code for code, _name in settings.LANGUAGES)}]
    groups = notifications.mutable_notices_for(user) if muted_notices is not None else []
    offered = [kind for group in groups for kind in group.kinds]
    if muted_notices:
        unknown = [kind for kind in dict.fromkeys(muted_notices) if kind not in offered]
        if len(muted_notices) > MUTED_NOTICES_MAX:
            errors["muted_notices"] = [_("At most %(max)s kinds.") % {"max": MUTED_NOTICES_MAX}]
        elif staff_person(user) is not None:
            errors["muted_notices"] = [_("Staff do not receive customer notices.")]
        elif unknown:
            errors["muted_notices"] = [_("Not a notice you can mute: %(kinds)s.") % {"kinds": ", ".join(unknown)}]
    if errors:
        raise ValidationError(errors)
    prefs, _created = UserSettings.objects.select_for_update().get_or_create(user=user)
    changes = {"time_zone": time_zone, "notify_by_email": notify_by_email, "notify_in_app": notify_in_app,
               "language": language}
    for name, value in changes.items():
        if value is not None:
            setattr(prefs, name, value)
    if muted_notices is not None:
        wanted = set(offered) - set(muted_notices)
        prefs.muted_notices = notifications.muted_after(prefs.muted_notices, offered=groups, wanted=wanted)
    prefs.save()
    return prefs


def availability_expire(*, now: dt.datetime | None = None) -> int:
    """Return people whose out-of-office period has passed to "in office". Beat runs it."""
    now = now or timezone.now()
    return Person.objects.filter(
        availability=OUT_OF_OFFICE, availability_until__isnull=False, availability_until__lte=now
    ).update(availability=IN_OFFICE, availability_from=None, availability_until=None)


# --- The company's two-factor rule -------------------------------------------------------------


@transaction.atomic
def company_two_factor_set(*, actor, company: Company, required: bool) -> Company:
    """Require two-factor sign-in of every user of ``company`` (or stop requiring it). Who may manage
    all its users calls it (``user_can_set_company_two_factor``): its user managers of all accounts,
    carrier staff who see it. Users without it are sent to set it up at their next page, and their
    API tokens are revoked (a token would let them go on without it)."""
    if not user_can_set_company_two_factor(user=actor, company=company):
        raise PermissionDenied(_("Only who manages all of the company's users may change its two-factor rule."))
    company = Company.objects.select_for_update().get(pk=company.pk)
    if company.require_two_factor == required:
        return company
    company.require_two_factor = required
    company.save(update_fields=["require_two_factor"])
    if required:
        with_second_step = Authenticator.objects.filter(type__in=SECOND_STEPS).values("user_id")
        members = Membership.objects.filter(company=company).exclude(user_id__in=with_second_step)
        for user_id in members.values_list("user_id", flat=True):
            api_tokens_revoke_all(user_id=user_id, reason="two-factor sign-in required")
    return company
