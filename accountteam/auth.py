"""Sign-in policy: invitation only, no open sign-up."""

from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Users join through an emailed invitation from a company admin or carrier staff.
        return False
