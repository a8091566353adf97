"""``zhengai reset_two_factor USERNAME``: clear an account's authenticator (the last administrator's
lost phone); the account enrols again at its next sign-in. Audited as done by the command."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Remove the two-factor devices of an account; it enrols again at its next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        from zhengai.core.twofactor import do_reset_two_factor

        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            raise CommandError(f"no account {username!r}")
        removed = do_reset_two_factor(account, acting_user=None)
        self.stdout.write(f"{username}: {removed} device(s) removed; the account enrols again at its next sign-in")
